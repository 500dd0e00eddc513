import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { openStore } from '../../src/store/database.js';
import { createOrganization } from '../../src/store/organizations.js';

const writer = path.resolve(import.meta.dirname, 'support/sqlite-writer.ts');

/**
 * The CLI writes to the server's SQLite database while the server runs. A transaction that read
 * first and wrote after the other process committed used to fail at once (SQLITE_BUSY_SNAPSHOT);
 * each writer must wait for the other instead.
 */
test('two processes writing one SQLite database both succeed', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'roster-two-writers-'));
  const store = await openStore({ dataDir });
  try {
    const count = 150;
    const child = spawn(process.execPath, ['--import', 'tsx', writer, dataDir, String(count)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    let childErrors = '';
    child.stderr.on('data', (chunk: Buffer) => (childErrors += chunk.toString()));
    const childDone = new Promise<number | null>((resolve) => child.on('exit', resolve));
    let failures = 0;
    for (let i = 0; i < count; i++) {
      try {
        await store.transaction(async (trx) => {
          await trx.selectFrom('organizations').select('id').limit(1).execute();
          // The other process gets its turn between this transaction's read and its write.
          await sleep(1);
          await createOrganization(trx, {
            slug: `parent-${i}`,
            name: 'Parent',
            now: new Date().toISOString(),
          });
        });
      } catch {
        failures += 1;
      }
    }
    assert.equal(await childDone, 0, childErrors);
    assert.equal(failures, 0);
    const rows = await store.db.selectFrom('organizations').select('id').execute();
    assert.equal(rows.length, 2 * count);
  } finally {
    await store.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
