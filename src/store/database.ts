import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import {
  Kysely,
  Migrator,
  PostgresDialect,
  SqliteAdapter,
  sql,
  type Expression,
  type RawBuilder,
  type SqlBool,
  type SqliteDatabase,
  type Transaction,
} from 'kysely';
import pg from 'pg';
import { ConfigError } from '../config.js';
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
    createDataFolder(dataDir);
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
  const store: Store = {
    engine: 'sqlite',
    db,
    transaction: (work) => groupCommit.run(work),
    stats: groupCommit.stats,
    close: async () => {
      await checkpointer?.close();
      await db.destroy();
    },
  };
  sqliteConnections.set(store, sqlite);
  return store;
}

/** The connection behind each SQLite store opened here, for online copies (`openSqliteCopy`). */
const sqliteConnections = new WeakMap<Store, SQLite.Database>();

/** The file of a SQLite store (`:memory:` for an in-memory one); undefined for any other store. */
export function sqliteFileOf(store: Store): string | undefined {
  return sqliteConnections.get(store)?.name;
}

/**
 * Copies a SQLite store's database into a new `file` while the store stays in use, and opens a
 * store on the copy, for work whose writes are thrown away (see preview-store.ts). The copy is not
 * migrated (its source was) and its commits skip the fsync: nothing on it must survive a crash.
 */
export async function openSqliteCopy(store: Store, file: string): Promise<Store> {
  const source = sqliteConnections.get(store);
  if (source === undefined) throw new TypeError('store must be a SQLite store opened by openStore');
  await copySqlite(store.db, source, file);
  const sqlite = new SQLite(file);
  configureSqlite(sqlite);
  sqlite.pragma('synchronous = OFF');
  const db = new Kysely<Database>({
    dialect: new ImmediateSqliteDialect({ database: withStatementCache(sqlite) }),
    plugins: [new StableInListsPlugin()],
  });
  const groupCommit = new SqliteGroupCommit(db);
  return {
    engine: 'sqlite',
    db,
    transaction: (work) => groupCommit.run(work),
    stats: groupCommit.stats,
    close: () => db.destroy(),
  };
}

/**
 * SQLite's online backup, a hundred pages per turn of the event loop, so the store's other work
 * goes on meanwhile. Writes made through the source connection during the copy reach the copy as
 * well (SQLite updates a running backup from its source connection), so the copy is the database
 * as it is when the copy completes.
 *
 * Two catches. A step finds the source busy while one of its transactions is open, and
 * better-sqlite3 takes a busy *first* step for a finished backup of nothing; so the first step is
 * taken holding Kysely's connection, when no transaction can be open. And a write by another
 * process (the CLI beside the server) makes SQLite start the copy over; under a steady stream of
 * such writes a step-by-step copy might never finish, so after a restart the rest is copied in one
 * step (a read transaction: the other process's writers go on; this process waits a moment).
 */
async function copySqlite(db: Kysely<Database>, source: SQLite.Database, file: string): Promise<void> {
  const pagesPerStep = 100;
  let copiedBefore = 0;
  let restarted = false;
  let copying: Promise<SQLite.BackupMetadata> | undefined;
  await db.connection().execute(
    () =>
      new Promise<void>((firstStepTaken, failed) => {
        copying = source.backup(file, {
          progress: ({ totalPages, remainingPages }) => {
            firstStepTaken();
            // Pages copied so far; fewer than before means SQLite started over.
            const copied = totalPages - remainingPages;
            restarted ||= copied < copiedBefore;
            copiedBefore = copied;
            return restarted ? 0x7fffffff : pagesPerStep;
          },
        });
        copying.then(() => firstStepTaken(), failed);
      }),
  );
  const { totalPages } = await (copying as Promise<SQLite.BackupMetadata>);
  if (totalPages === 0) throw new Error(`Could not copy the SQLite database into ${file}`);
  // The copy read every page through the source's cache; the preview fills a cache of its own.
  source.pragma('shrink_memory');
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
  registerUnicodeLower(sqlite);
}

/**
 * SQLite's `lower` folds ASCII letters only, so a search for "Ångström" missed "ÅNGSTRÖM" (and
 * "ångström" missed "Ångström"), while PostgreSQL's `lower` folds every letter. Searches call this
 * function instead, JavaScript's `toLowerCase` (Unicode's default case mapping, the same on every
 * machine: deterministic). It has its own name: indexes and queries may rely on the built-in `lower`.
 */
const sqliteUnicodeLower = 'roster_unicode_lower';

function registerUnicodeLower(sqlite: SQLite.Database): void {
  // toLowerCase writes a final sigma (ς) at the end of a word only: "ΟΔΟΣ" alone gives "οδος", in
  // "ΟΔΟΣΤΡΩΤΗΡΕΣ" it gives "οδοσ…", and a search would miss the name it is part of. One sigma,
  // as PostgreSQL's lower has it, makes the function the same for a word and a part of one.
  sqlite.function(sqliteUnicodeLower, { deterministic: true }, (value: unknown) =>
    typeof value === 'string' ? value.toLowerCase().replaceAll('ς', 'σ') : value,
  );
}

/**
 * `value` in lower case, every letter (not only ASCII) on both engines: Roster's own function on
 * SQLite, `lower` on PostgreSQL (which folds by the database's LC_CTYPE; a database created with
 * the C locale folds ASCII only).
 */
export function unicodeLower(db: Executor, value: Expression<string | null>): RawBuilder<string> {
  // The store's `engine` does not reach store functions, which take only an executor; Kysely's
  // adapter tells the dialects apart on any executor, a transaction's included.
  const sqlite = db.getExecutor().adapter instanceof SqliteAdapter;
  // The final sigma typed by a person (ς) is a lower-case letter already: one sigma on both engines.
  return sqlite
    ? sql<string>`${sql.raw(sqliteUnicodeLower)}(${value})`
    : sql<string>`replace(lower(${value}), 'ς', 'σ')`;
}

/**
 * `value` contains `search`, whatever the case of its letters (see `unicodeLower`), for the
 * searches of list pages.
 */
export function containsText(
  db: Executor,
  value: Expression<string | null>,
  search: string,
): RawBuilder<SqlBool> {
  // Both sides lowered by the database's one function: JavaScript's lower case differs from
  // PostgreSQL's for some letters (İ, final Σ), and a name searched as displayed must be found.
  const pattern = unicodeLower(db, sql.val(`%${escapeLike(search)}%`));
  return sql<SqlBool>`${unicodeLower(db, value)} like ${pattern} escape '\\'`;
}

/**
 * `value`, already in lower case (a key column such as `email_key`), contains `search`. `%` and `_`
 * in the search are themselves, not wildcards; the escape character is spelt out because SQLite has
 * none unless told (PostgreSQL's default is the backslash).
 */
export function lowerCaseContains(value: Expression<string | null>, search: string): RawBuilder<SqlBool> {
  const pattern = `%${escapeLike(search.toLowerCase())}%`;
  return sql<SqlBool>`${value} like ${pattern} escape '\\'`;
}

/** `%`, `_` and the escape character itself, taken as typed in a LIKE pattern. */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
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
  // The database is reached before any migration runs, so that a wrong URL, a server that is down
  // or a refused login is reported as what it is, not as a failed migration.
  await sql`select 1`.execute(db).catch((error: unknown) => {
    throw unreachableDatabase(error);
  });
  const migrator = new Migrator({ db, provider: migrationProvider });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((result) => result.status === 'Error');
  if (error !== undefined || failed !== undefined) {
    const name = failed === undefined ? '' : ` ${failed.migrationName}`;
    throw new Error(`Database migration${name} failed: ${messageOf(error)}`, { cause: error });
  }
}

/**
 * Names DATABASE_URL and the reason, in words an operator can act on. Only the error's own
 * message and address are used, never the URL: it may hold a password.
 */
function unreachableDatabase(error: unknown): unknown {
  const failure = error as { code?: unknown; address?: unknown; port?: unknown; hostname?: unknown };
  // SQLite opened its file already; a failure here is not about a connection.
  if (typeof failure.code === 'string' && failure.code.startsWith('SQLITE_')) return error;
  if (failure.code === 'ERR_INVALID_URL') {
    return new ConfigError(
      'DATABASE_URL',
      'is not a valid URL: check the host and port, and percent-encode special characters in the user and password',
      { cause: error },
    );
  }
  // Node tries every address of a name (IPv6 and IPv4) and reports all failures together.
  const first = error instanceof AggregateError ? ((error.errors[0] ?? error) as typeof failure) : failure;
  const where =
    typeof first.address === 'string'
      ? `${first.address}${typeof first.port === 'number' ? `:${first.port}` : ''}`
      : typeof first.hostname === 'string'
        ? first.hostname
        : undefined;
  const reasons: Record<string, string> = {
    ECONNREFUSED: 'connection refused',
    ENOTFOUND: 'host not found',
    EAI_AGAIN: 'host not found',
    ETIMEDOUT: 'timed out',
    EHOSTUNREACH: 'host unreachable',
    ENETUNREACH: 'network unreachable',
    ECONNRESET: 'connection reset',
    ENOENT: 'no such socket',
    EACCES: 'permission denied',
  };
  const reason = typeof failure.code === 'string' ? reasons[failure.code] : undefined;
  const message =
    reason !== undefined && where !== undefined ? `cannot connect to ${where} (${reason})` : messageOf(error);
  return new ConfigError('DATABASE_URL', `does not work: ${message}`, { cause: error });
}

function messageOf(error: unknown): string {
  if (error instanceof AggregateError && error.message === '') return messageOf(error.errors[0]);
  return error instanceof Error ? error.message : String(error);
}

/** The data folder, or a message naming the setting when it cannot be one (a file is in the way). */
function createDataFolder(dataDir: string): void {
  try {
    fs.mkdirSync(dataDir, { recursive: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const problem =
      code === 'EEXIST'
        ? 'is a file'
        : code === 'ENOTDIR'
          ? 'lies under a file'
          : `cannot be created (${(error as Error).message})`;
    throw new ConfigError(
      'ROSTER_DATA_DIR',
      `must be a folder for the SQLite database: "${dataDir}" ${problem}`,
      { cause: error },
    );
  }
}
