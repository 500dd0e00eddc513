import type { Clock } from '../../../src/clock.js';
import { loadConfig } from '../../../src/config.js';
import { EventBus } from '../../../src/events/event-bus.js';
import { createLogger } from '../../../src/logger.js';
import type { Runtime } from '../../../src/runtime.js';
import type { Store } from '../../../src/store/database.js';

/** A runtime over a test store with a clock the test moves; closing it leaves the store to its owner. */
export function testRuntime(
  store: Store,
  options: { at?: string; env?: NodeJS.ProcessEnv } = {},
): Runtime & { clock: MovableClock } {
  const clock = new MovableClock(options.at ?? '2026-11-24T10:00:00.000Z');
  return {
    config: loadConfig({ ROSTER_DATA_DIR: '/tmp/roster-unused', ...options.env }),
    store,
    clock,
    logger: createLogger('silent'),
    eventBus: new EventBus(),
    close: async () => undefined,
  };
}

export class MovableClock implements Clock {
  #now: number;

  constructor(at: string) {
    this.#now = Date.parse(at);
  }

  now(): Date {
    return new Date(this.#now);
  }

  set(at: string): void {
    this.#now = Date.parse(at);
  }

  advance(ms: number): void {
    this.#now += ms;
  }
}
