import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import SQLite from 'better-sqlite3';
import { openStore } from '../../src/store/database.js';
import { createOrganization } from '../../src/store/organizations.js';

const now = '2026-11-25T10:00:00.000Z';

/**
 * Organizations found in the database file alone, as if its WAL were lost: what was checkpointed.
 * A copy taken while a checkpoint is writing the file can be torn (SQLITE_CORRUPT): taken again.
 */
async function organizationsInFile(dataDir: string): Promise<number> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return countInCopy(dataDir);
    } catch (error) {
      if ((error as { code?: string }).code !== 'SQLITE_CORRUPT' || attempt >= 20) throw error;
      await sleep(20);
    }
  }
}

function countInCopy(dataDir: string): number {
  const copy = path.join(dataDir, 'file-only.sqlite');
  fs.copyFileSync(path.join(dataDir, 'roster.sqlite'), copy);
  const sqlite = new SQLite(copy, { readonly: true });
  try {
    // Before the first checkpoint even the schema is in the WAL only.
    const tables = sqlite.prepare("select 1 from sqlite_master where name = 'organizations'").all();
    if (tables.length === 0) return 0;
    return (sqlite.prepare('select count(*) as n from organizations').get() as { n: number }).n;
  } finally {
    sqlite.close();
    fs.rmSync(copy);
  }
}

async function writeAndWatchFile(backgroundCheckpoint: boolean, waitMs: number): Promise<number> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'roster-checkpoint-'));
  const store = await openStore({ dataDir, backgroundCheckpoint });
  try {
    for (const slug of ['a', 'b', 'c']) {
      await store.transaction((trx) => createOrganization(trx, { slug, name: slug, now }));
    }
    for (let waited = 0; waited < waitMs && (await organizationsInFile(dataDir)) < 3; waited += 50) {
      await sleep(50);
    }
    return await organizationsInFile(dataDir);
  } finally {
    await store.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

// SQLite only: PostgreSQL has no write-ahead log of ours to checkpoint.
test('the server’s store copies committed writes from the WAL into the database file on its own', async () => {
  // It checkpoints shortly after a commit; two seconds leave a loaded CI machine room.
  assert.equal(await writeAndWatchFile(true, 2000), 3);
});

test('without the background checkpoint, small commits stay in the WAL (SQLite checkpoints only past its threshold)', async () => {
  assert.equal(await writeAndWatchFile(false, 500), 0);
});
