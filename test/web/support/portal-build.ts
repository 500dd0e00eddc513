import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Browser tests need the built portal (dist/portal). `npm ci` builds it through `prepare`; when it
 * is missing or older than any source of the app, the test builds it itself with Vite, so a
 * stale bundle never makes a test pass or fail for the wrong reason.
 */
const root = path.resolve(import.meta.dirname, '../../..');
const appDir = path.join(root, 'src/web/app');
const builtIndex = path.join(root, 'dist/portal/index.html');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : fs.statSync(full).mtimeMs);
  }
  return newest;
}

export function ensurePortalBuilt(): void {
  const builtAt = fs.existsSync(builtIndex) ? fs.statSync(builtIndex).mtimeMs : 0;
  const sourcesAt = Math.max(
    newestMtime(appDir),
    fs.statSync(path.join(root, 'src/web/vite.config.ts')).mtimeMs,
  );
  if (builtAt > sourcesAt) return;
  const vite = path.join(root, 'node_modules/vite/bin/vite.js');
  const result = spawnSync(process.execPath, [vite, 'build', '--config', 'src/web/vite.config.ts'], {
    cwd: root,
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`vite build failed:\n${result.stdout}\n${result.stderr}`);
}
