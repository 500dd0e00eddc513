// The test command: runs every test file on SQLite and PostgreSQL. PostgreSQL comes from
// TEST_DATABASE_URL when given, otherwise from a throwaway server started here and stopped after.
// In CI (CI=true) the PostgreSQL pass is mandatory.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { startThrowawayPostgres } from './postgres.mjs';

const patterns = process.argv.slice(2);
const files = patterns.length > 0 ? patterns : findTests('test');

let pg;
let databaseUrl = process.env.TEST_DATABASE_URL;
if (!databaseUrl) {
  try {
    pg = startThrowawayPostgres();
    databaseUrl = pg.url;
  } catch (error) {
    if (process.env.CI) {
      console.error(`PostgreSQL could not be started and CI requires it: ${error.message}`);
      process.exit(1);
    }
    console.warn(`PostgreSQL unavailable (${error.message}); running the SQLite pass only.`);
  }
}

const env = { ...process.env, ROSTER_TEST_POSTGRES_URL: databaseUrl ?? '' };
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-reporter=spec', ...files],
  { stdio: 'inherit', env },
);
pg?.stop();
process.exit(result.status ?? 1);

function findTests(dir) {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...findTests(full));
    else if (entry.name.endsWith('.test.ts')) out.push(full);
  }
  return out.sort();
}
