// Starts a throwaway PostgreSQL server on loopback from the installed binaries, for tests and
// benchmarks. initdb refuses to run as root, so as root the server runs as the `postgres` user.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export function findPostgresBin() {
  const candidates = ['/usr/lib/postgresql/15/bin', ...listVersions()];
  return candidates.find((dir) => fs.existsSync(path.join(dir, 'initdb')));
}

function listVersions() {
  try {
    return fs
      .readdirSync('/usr/lib/postgresql')
      .sort()
      .reverse()
      .map((v) => `/usr/lib/postgresql/${v}/bin`);
  } catch {
    return [];
  }
}

/** @returns {{ url: string, stop: () => void }} */
export function startThrowawayPostgres({ port = 55432 + Math.floor(Math.random() * 1000) } = {}) {
  const bin = findPostgresBin();
  if (!bin) throw new Error('PostgreSQL binaries not found (install postgresql-15)');
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'roster-pg-'));
  const asRoot = process.getuid?.() === 0;
  const run = (cmd, args) => {
    const full = asRoot ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args];
    execFileSync(full[0], full[1], { stdio: ['ignore', 'ignore', 'pipe'] });
  };
  if (asRoot) execFileSync('chown', ['postgres', root]);
  run(path.join(bin, 'initdb'), [
    '-D',
    path.join(root, 'data'),
    '-U',
    'postgres',
    '--auth=trust',
    '-E',
    'UTF8',
    '--locale=C.UTF-8',
  ]);
  run(path.join(bin, 'pg_ctl'), [
    '-D',
    path.join(root, 'data'),
    '-l',
    path.join(root, 'server.log'),
    '-w',
    '-t',
    '60',
    '-o',
    `-c listen_addresses=127.0.0.1 -p ${port} -k ${root} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300`,
    'start',
  ]);
  const pid = Number(fs.readFileSync(path.join(root, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const stop = () => {
    try {
      process.kill(pid, 'SIGINT');
    } catch {
      /* already gone */
    }
    for (let i = 0; i < 100; i += 1) {
      try {
        process.kill(pid, 0);
        spawnSync('sleep', ['0.1']);
      } catch {
        break;
      }
    }
    fs.rmSync(root, { recursive: true, force: true });
  };
  return { url, stop };
}
