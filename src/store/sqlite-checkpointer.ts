import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * The worker: its own connection, which never writes, so a checkpoint copies pages from the WAL
 * straight to the file. Plain JavaScript given as source, because a worker's entry point must be
 * a file Node loads as is, and from source (tests, under tsx) ours would be TypeScript.
 */
const workerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const SQLite = require(workerData.driver);
const sqlite = new SQLite(workerData.file);
sqlite.pragma('busy_timeout = 10000');
sqlite.pragma('synchronous = FULL');
sqlite.pragma('cache_size = -1024');
sqlite.pragma('wal_autocheckpoint = 0');
parentPort.on('message', (message) => {
  if (message === 'close') {
    sqlite.close();
    parentPort.close();
    return;
  }
  try {
    sqlite.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // Busy (another process checkpointing): the next commit asks again.
  }
  parentPort.postMessage('done');
});
`;

/**
 * Checkpoints a SQLite database's write-ahead log on a worker thread with its own connection.
 * By default SQLite checkpoints inside the commit that grows the WAL past 1,000 pages, on the
 * thread that serves requests: that commit then also copies every page back into the database
 * file and syncs it. A PASSIVE checkpoint on another connection does the same work beside the
 * writer without blocking it, so on a second core the copy and its fsync leave the request path.
 * The writer keeps SQLite's own checkpoint, with a higher threshold, as a safety net.
 */
export class SqliteCheckpointer {
  readonly #worker: Worker;
  /** At most one checkpoint per interval: small commits then share one, as they would in SQLite. */
  readonly #minIntervalMs: number;
  #lastStarted = 0;
  #busy = false;
  #again = false;
  #timer: NodeJS.Timeout | undefined;
  #closed: Promise<void> | undefined;

  /**
   * `onFailure` hears if the worker dies (say, it cannot open the file); checkpoints then stop,
   * and the caller should hand them back to SQLite.
   */
  constructor(file: string, onFailure: (error: unknown) => void, minIntervalMs = 50) {
    this.#minIntervalMs = minIntervalMs;
    this.#worker = new Worker(workerSource, {
      eval: true,
      workerData: { file, driver: createRequire(import.meta.url).resolve('better-sqlite3') },
    });
    // The worker alone must not keep the process alive; close() holds it until it has exited.
    this.#worker.unref();
    this.#worker.on('error', (error) => {
      this.#closed ??= Promise.resolve();
      onFailure(error);
    });
    this.#worker.on('message', () => {
      this.#busy = false;
      if (this.#again) this.afterCommit();
    });
  }

  /** Called after each commit: asks for a checkpoint, one at a time, coalescing the rest. */
  afterCommit(): void {
    if (this.#closed !== undefined || this.#timer !== undefined) return;
    if (this.#busy) {
      this.#again = true;
      return;
    }
    const wait = this.#lastStarted + this.#minIntervalMs - performance.now();
    if (wait > 0) {
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        this.afterCommit();
      }, wait);
      this.#timer.unref();
      return;
    }
    this.#busy = true;
    this.#again = false;
    this.#lastStarted = performance.now();
    this.#worker.postMessage('checkpoint');
  }

  close(): Promise<void> {
    clearTimeout(this.#timer);
    this.#closed ??= new Promise((resolve) => {
      this.#worker.once('exit', () => resolve());
      this.#worker.ref();
      this.#worker.postMessage('close');
    });
    return this.#closed;
  }
}
