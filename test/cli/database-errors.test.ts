import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { roster } from '../support/cli.js';
import { createTestDatabase, engines } from '../support/engines.js';
import { freePort } from '../support/roster.js';

/**
 * What an operator sees when the database settings are wrong: the setting, the reason, exit code 2
 * as for any bad setting, and never the password of the URL.
 */
const password = 'hunter2-do-not-print';

describe('a database Roster cannot use', () => {
  test('a server that is not listening is named with its address, for the server and any command', async () => {
    const port = await freePort();
    const env = { DATABASE_URL: `postgres://postgres:${password}@127.0.0.1:${port}/postgres` };
    for (const args of [
      ['serve', '--port', '0'],
      ['org', 'list'],
    ]) {
      const result = await roster(args, env);
      assert.equal(result.code, 2, result.stderr);
      assert.equal(
        result.stderr.trim(),
        `roster: DATABASE_URL does not work: cannot connect to 127.0.0.1:${port} (connection refused)`,
      );
      assert.doesNotMatch(result.stderr, new RegExp(password));
    }
  });

  test('a URL that cannot be parsed is refused as one, without echoing it', async () => {
    const result = await roster(['org', 'list'], {
      DATABASE_URL: `postgres://postgres:${password}@127.0.0.1:notaport/postgres`,
    });
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /^roster: DATABASE_URL is not a valid URL: check the host and port/);
    assert.doesNotMatch(result.stderr, new RegExp(password));
  });

  test('a data folder that is a file is refused naming ROSTER_DATA_DIR', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'roster-file-')), 'not-a-folder');
    fs.writeFileSync(file, '');
    try {
      const result = await roster(['org', 'list'], { DATABASE_URL: '', ROSTER_DATA_DIR: file });
      assert.equal(result.code, 2, result.stderr);
      assert.equal(
        result.stderr.trim(),
        `roster: ROSTER_DATA_DIR must be a folder for the SQLite database: "${file}" is a file`,
      );
    } finally {
      fs.rmSync(path.dirname(file), { recursive: true, force: true });
    }
  });
});

if (engines.includes('postgres')) {
  describe('a PostgreSQL server that refuses the login', () => {
    const adminUrl = new URL(process.env.ROSTER_TEST_POSTGRES_URL ?? '');
    const withPassword = (user: string, database: string) => {
      const url = new URL(adminUrl);
      url.username = user;
      url.password = password;
      url.pathname = `/${database}`;
      return url.toString();
    };

    test('an unknown database is named by the server, and the password is not shown', async () => {
      const result = await roster(['org', 'list'], {
        DATABASE_URL: withPassword(adminUrl.username, 'roster_no_such_database'),
      });
      assert.equal(result.code, 2, result.stderr);
      assert.equal(
        result.stderr.trim(),
        'roster: DATABASE_URL does not work: database "roster_no_such_database" does not exist',
      );
      assert.doesNotMatch(result.stderr, new RegExp(password));
    });

    test('an unknown role is named by the server', async () => {
      const result = await roster(['org', 'list'], {
        DATABASE_URL: withPassword('roster_no_such_role', adminUrl.pathname.slice(1)),
      });
      assert.equal(result.code, 2, result.stderr);
      assert.equal(
        result.stderr.trim(),
        'roster: DATABASE_URL does not work: role "roster_no_such_role" does not exist',
      );
      assert.doesNotMatch(result.stderr, new RegExp(password));
    });
  });
}

for (const engine of engines) {
  describe(`a migration that fails on ${engine}`, () => {
    const drops: (() => Promise<void>)[] = [];
    after(async () => {
      for (const drop of drops) await drop();
    });

    test('is reported with the migration and its cause', async () => {
      const database = await createTestDatabase(engine);
      drops.push(() => database.drop());
      // A table the first migration creates, already there: the migration cannot run.
      const conflicting = 'create table organizations (id text)';
      if (database.dataDir !== undefined) {
        const sqlite = new SQLite(path.join(database.dataDir, 'roster.sqlite'));
        sqlite.exec(conflicting);
        sqlite.close();
      } else {
        const client = new pg.Client({ connectionString: database.databaseUrl });
        await client.connect();
        await client.query(conflicting);
        await client.end();
      }
      const result = await roster(['org', 'list'], {
        DATABASE_URL: database.databaseUrl ?? '',
        ROSTER_DATA_DIR: database.dataDir ?? '',
      });
      assert.notEqual(result.code, 0);
      assert.match(
        result.stderr,
        /Database migration 0001-core failed: (table|relation) "organizations" already exists/,
      );
    });
  });
}
