import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, type SqliteDatabase, type Transaction } from 'kysely';
import pg from 'pg';
import { migrationProvider } from './migrations/index.js';
import type { Database } from './schema.js';
import { SqliteCheckpointer } from './sqlite-checkpointer.js';
import { SqliteGroupCommit } from './sqlite-group-commit.js';
import { ImmediateSqliteDialect } from './sqlite-immediate-dialect.js';
import { StableInListsPlugin } from './statement-shapes.js';

export type Engine = 'sqlite' | 'postgres';

/** Anything a query can run on: the database itself or an open transaction. */
export type Executor = Kysely<Database> | Transaction<Database>;

export interface Store {
  readonly engine: Engine;
  readonly db: Kysely<Database>;
  /**
   * Runs `work` atomically: all of it commits or none of it does. On SQLite, concurrent works share
   * one durable commit (group commit, each in its own savepoint); PostgreSQL gives each its own
   * transaction with row locks.
   */
  transaction<T>(work: (trx: Transaction<Database>) => Promise<T>): Promise<T>;
  /** Counts since the store was opened, for metrics. */
  readonly stats: StoreStats;
  close(): Promise<void>;
}

export interface StoreStats {
  /** Transactions that committed. */
  transactions: number;
  /** Durable commits: fewer than transactions on SQLite, where concurrent ones share a commit. */
  commits: number;
}

export interface StoreOptions {
  databaseUrl?: string | undefined;
  dataDir?: string | undefined;
  /** Use an in-memory SQLite database (tests only). */
  memory?: boolean;
  /** Pool size for PostgreSQL. */
  maxConnections?: number;
  /** Checkpoint SQLite's WAL on a worker thread (for the long-running server; see SqliteCheckpointer). */
  backgroundCheckpoint?: boolean;
}

// PostgreSQL returns bigint (int8) as strings to avoid precision loss; our counters and sequence
// numbers stay far below 2^53, so numbers are both safe and what the rest of the code expects.
pg.types.setTypeParser(20, (value) => Number(value));

export async function openStore(options: StoreOptions): Promise<Store> {
  const store = options.databaseUrl
    ? openPostgres(options.databaseUrl, options.maxConnections)
    : openSqlite(options);
  await migrateToLatest(store.db);
  return store;
}

function openSqlite(options: StoreOptions): Store {
  let file = ':memory:';
  if (!options.memory) {
    const dataDir = options.dataDir ?? './data';
    fs.mkdirSync(dataDir, { recursive: true });
    file = path.join(dataDir, 'roster.sqlite');
  }
  const sqlite = new SQLite(file);
  configureSqlite(sqlite);
  const checkpointer =
    options.backgroundCheckpoint === true && !options.memory
      ? new SqliteCheckpointer(file, () => sqlite.pragma('wal_autocheckpoint = 1000'))
      : undefined;
  // SQLite's own checkpoint stays as a safety net, should the worker fall behind.
  if (checkpointer !== undefined) sqlite.pragma('wal_autocheckpoint = 16384');
  const db = new Kysely<Database>({
    dialect: new ImmediateSqliteDialect({ database: withStatementCache(sqlite) }),
    plugins: [new StableInListsPlugin()],
  });
  const groupCommit = new SqliteGroupCommit(db, { afterCommit: () => checkpointer?.afterCommit() });
  return {
    engine: 'sqlite',
    db,
    transaction: (work) => groupCommit.run(work),
    stats: groupCommit.stats,
    close: async () => {
      await checkpointer?.close();
      await db.destroy();
    },
  };
}

/** How Roster opens a SQLite database (exported so the benchmarks' storage floor opens it alike). */
export function configureSqlite(sqlite: SQLite.Database): void {
  // WAL lets the CLI read and write while the server runs; the busy timeout makes a second
  // process wait for the writer instead of failing; FULL keeps every committed change on disk.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('busy_timeout = 10000');
  sqlite.pragma('foreign_keys = ON');
  // 48 MiB of page cache instead of SQLite's 2 MiB: a sync's index inserts land on pages read
  // recently instead of going back to the file for each. Measured on the 100,000-user pull: 32 MiB
  // 59–65 s, 48 MiB 52 s, 64 MiB 51 s; each 16 MiB costs as much in peak RSS (issue 3 allows 300).
  sqlite.pragma('cache_size = -49152');
}

/**
 * Kysely prepares every query anew; better-sqlite3 statements are reusable, and our queries repeat
 * with new parameters, so prepared statements are kept by their SQL text (bounded, oldest dropped).
 */
function withStatementCache(sqlite: SQLite.Database, limit = 500): SqliteDatabase {
  const statements = new Map<string, SQLite.Statement>();
  return {
    close: () => sqlite.close(),
    prepare: (text: string) => {
      let statement = statements.get(text);
      if (statement === undefined) {
        statement = sqlite.prepare(text);
        if (statements.size >= limit) statements.delete(statements.keys().next().value as string);
        statements.set(text, statement);
      }
      return statement;
    },
  };
}

function openPostgres(databaseUrl: string, maxConnections = 10): Store {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: maxConnections });
  // An idle client can be cut off by the server (restart, failover, a dropped test database).
  // node-postgres then emits 'error' on the pool and replaces the client on next use; without a
  // listener that event would crash the process.
  pool.on('error', () => undefined);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const stats: StoreStats = { transactions: 0, commits: 0 };
  return {
    engine: 'postgres',
    db,
    transaction: async (work) => {
      const result = await db.transaction().execute(work);
      stats.transactions += 1;
      stats.commits += 1;
      return result;
    },
    stats,
    close: () => db.destroy(),
  };
}

export async function migrateToLatest(db: Kysely<Database>): Promise<void> {
  const migrator = new Migrator({ db, provider: migrationProvider });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((result) => result.status === 'Error');
  if (error !== undefined || failed !== undefined) {
    throw new Error(`Database migration ${failed?.migrationName ?? ''} failed`, { cause: error });
  }
}
