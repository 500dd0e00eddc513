import assert from 'node:assert/strict';
import { test } from 'node:test';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { migrateToLatest } from '../../src/store/database.js';
import { createOrganization, listOrganizations } from '../../src/store/organizations.js';
import type { Database } from '../../src/store/schema.js';
import { SqliteGroupCommit } from '../../src/store/sqlite-group-commit.js';

const now = '2026-11-25T10:00:00.000Z';

// SQLite only: PostgreSQL gives every transaction its own commit.
test('writes arriving in separate event-loop turns, as requests on separate sockets do, share one commit', async () => {
  let commits = 0;
  const db = new Kysely<Database>({
    dialect: new SqliteDialect({ database: new SQLite(':memory:') }),
    log: (event) => {
      if (event.level === 'query' && event.query.sql.toLowerCase() === 'commit') commits += 1;
    },
  });
  await migrateToLatest(db);
  commits = 0;
  const groupCommit = new SqliteGroupCommit(db);
  const slugs = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
  const results = await Promise.all(
    slugs.map(
      (slug) =>
        new Promise<string>((resolve, reject) =>
          setImmediate(() => {
            groupCommit
              .run(async (trx) => {
                await createOrganization(trx, { slug, name: slug, now });
                return slug;
              })
              .then(resolve, reject);
          }),
        ),
    ),
  );
  assert.deepEqual(results, slugs);
  assert.equal(commits, 1);
  assert.deepEqual((await listOrganizations(db)).map((o) => o.slug).sort(), slugs);
  await db.destroy();
});
