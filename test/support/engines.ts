import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { openStore, type Engine, type Store } from '../../src/store/database.js';

/**
 * Store and end-to-end tests run on both engines, as kysely loops over its dialects. PostgreSQL is
 * given by the test command (`ROSTER_TEST_POSTGRES_URL`); each store gets a fresh database.
 */
export const engines: Engine[] = process.env.ROSTER_TEST_POSTGRES_URL ? ['sqlite', 'postgres'] : ['sqlite'];

export interface TestDatabase {
  /** Settings to start a Roster process or runtime on this database. */
  databaseUrl: string | undefined;
  dataDir: string | undefined;
  drop(): Promise<void>;
}

/** Creates an empty database on the engine: a temp folder for SQLite, a new database on PostgreSQL. */
export async function createTestDatabase(engine: Engine): Promise<TestDatabase> {
  if (engine === 'sqlite') {
    const fs = await import('node:fs');
    const os = await import('node:os');
    const path = await import('node:path');
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'roster-test-'));
    return {
      databaseUrl: undefined,
      dataDir,
      drop: async () => fs.rmSync(dataDir, { recursive: true, force: true }),
    };
  }
  const adminUrl = process.env.ROSTER_TEST_POSTGRES_URL;
  if (!adminUrl) throw new Error('ROSTER_TEST_POSTGRES_URL is not set');
  const name = `roster_${randomUUID().replaceAll('-', '')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    databaseUrl: url.toString(),
    dataDir: undefined,
    drop: async () => {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
}

/** A migrated store on a fresh database, and a function to tear both down. */
export async function openTestStore(engine: Engine): Promise<{ store: Store; cleanup: () => Promise<void> }> {
  const database = await createTestDatabase(engine);
  const store = await openStore({ databaseUrl: database.databaseUrl, dataDir: database.dataDir });
  return {
    store,
    cleanup: async () => {
      await store.close();
      await database.drop();
    },
  };
}
