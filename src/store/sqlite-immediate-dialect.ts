import {
  CompiledQuery,
  SqliteDialect,
  SqliteDriver,
  type DatabaseConnection,
  type Driver,
  type SqliteDialectConfig,
} from 'kysely';

/**
 * Kysely opens SQLite transactions with a deferred `BEGIN`, which takes the write lock only at the
 * first write. When another process (the CLI, while the server runs) has written in between,
 * SQLite refuses that upgrade at once with SQLITE_BUSY, without waiting out `busy_timeout`, and
 * the SCIM request or sync page failed. `BEGIN IMMEDIATE` takes the lock up front, so a second
 * writer waits for the first, as the busy timeout intends. Every Roster transaction writes.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

export class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;

  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config);
  }
}
