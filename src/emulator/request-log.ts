/**
 * The last requests the emulator served, so tests can assert how a client behaved ("it retried
 * the 429 once", "it never listed /groups/{id}/members"). Bounded: old entries fall off.
 */

export interface RequestLogEntry {
  at: string;
  method: string;
  /** Path and query string. */
  path: string;
  status: number;
  /** The calling application, when a Graph request carried a valid token. */
  appId: string | null;
  durationMs: number;
}

export class RequestLog {
  readonly #capacity: number;
  #entries: RequestLogEntry[] = [];
  #total = 0;

  constructor(capacity = 2000) {
    this.#capacity = capacity;
  }

  add(entry: RequestLogEntry): void {
    this.#total++;
    this.#entries.push(entry);
    if (this.#entries.length > this.#capacity) this.#entries.splice(0, this.#entries.length - this.#capacity);
  }

  /** Requests served since start (including those that fell off the log). */
  get total(): number {
    return this.#total;
  }

  entries(): RequestLogEntry[] {
    return [...this.#entries];
  }

  clear(): void {
    this.#entries = [];
  }
}
