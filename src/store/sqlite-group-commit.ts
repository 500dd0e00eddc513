import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from './schema.js';

type Work<T> = (trx: Transaction<Database>) => Promise<T>;

interface Pending {
  work: Work<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit for SQLite. SQLite has one writer and a durable commit costs an fsync (about half a
 * millisecond here), so committing every SCIM request on its own caps throughput at the disk's
 * sync rate. Instead, transactions that arrive while one is open join it: each runs inside its own
 * SAVEPOINT, so a failing one is rolled back alone, and all of them become durable with one COMMIT.
 * A caller's promise settles only after that COMMIT, so nothing is acknowledged before it is on
 * disk. No library offers this for better-sqlite3; it is a few lines on top of Kysely.
 */
export class SqliteGroupCommit {
  readonly #db: Kysely<Database>;
  readonly #maxBatch: number;
  #queue: Pending[] = [];
  readonly stats = { transactions: 0, commits: 0 };
  #running = false;

  readonly #afterCommit: () => void;

  constructor(db: Kysely<Database>, options: { maxBatch?: number; afterCommit?: () => void } = {}) {
    this.#db = db;
    this.#maxBatch = options.maxBatch ?? 64;
    this.#afterCommit = options.afterCommit ?? (() => undefined);
  }

  run<T>(work: Work<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ work: work, resolve: resolve as (value: unknown) => void, reject });
      if (!this.#running) void this.#drain();
    });
  }

  async #drain(): Promise<void> {
    this.#running = true;
    try {
      while (this.#queue.length > 0) {
        // better-sqlite3 answers synchronously, so a batch never yields to the event loop: work
        // arriving on other sockets could join only after the commit. One turn of the loop first
        // lets every request already readable reach the queue and share this commit.
        await new Promise((resolve) => setImmediate(resolve));
        await this.#commitBatch();
      }
    } finally {
      this.#running = false;
    }
  }

  async #commitBatch(): Promise<void> {
    const done: { item: Pending; value: unknown }[] = [];
    try {
      await this.#db.transaction().execute(async (trx) => {
        // Keep taking work that arrives while the batch runs, up to the limit, then commit once.
        while (this.#queue.length > 0 && done.length < this.#maxBatch) {
          const item = this.#queue.shift() as Pending;
          await sql`savepoint roster_work`.execute(trx);
          try {
            const value = await item.work(trx);
            await sql`release savepoint roster_work`.execute(trx);
            done.push({ item, value });
          } catch (error) {
            await sql`rollback to savepoint roster_work`.execute(trx);
            await sql`release savepoint roster_work`.execute(trx);
            item.reject(error);
          }
        }
      });
    } catch (error) {
      for (const { item } of done) item.reject(error);
      return;
    }
    this.stats.commits += 1;
    this.stats.transactions += done.length;
    this.#afterCommit();
    for (const { item, value } of done) item.resolve(value);
  }
}
