/**
 * Bounds how many Graph requests one connection has in flight: Graph throttles per application
 * and tenant, and a burst only buys 429s.
 */
export class Semaphore {
  readonly #limit: number;
  #active = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new TypeError('limit must be a positive integer');
    this.#limit = limit;
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    // A released slot is handed straight to the next waiter, so a newcomer cannot slip in between.
    if (this.#active >= this.#limit) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    else this.#active += 1;
    try {
      return await work();
    } finally {
      const next = this.#waiting.shift();
      if (next) next();
      else this.#active -= 1;
    }
  }
}
