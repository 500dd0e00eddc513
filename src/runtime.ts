import type { Logger } from 'pino';
import { systemClock, type Clock } from './clock.js';
import type { RosterConfig } from './config.js';
import { EventBus } from './events/event-bus.js';
import { createLogger } from './logger.js';
import { openStore, type Store } from './store/database.js';

/**
 * Everything a Roster process shares: configuration, the store, the clock, the logger and the
 * event bus. Built once by `roster serve` or a CLI command, then passed down explicitly.
 */
export interface Runtime {
  readonly config: RosterConfig;
  readonly store: Store;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly eventBus: EventBus;
  close(): Promise<void>;
}

export async function openRuntime(
  config: RosterConfig,
  /** `server`: a long-running process (`serve`, `demo`), which checkpoints SQLite on a worker thread. */
  options: { clock?: Clock; logger?: Logger; server?: boolean } = {},
): Promise<Runtime> {
  const store = await openStore({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    backgroundCheckpoint: options.server,
  });
  const logger = options.logger ?? createLogger(config.logLevel);
  return {
    config,
    store,
    clock: options.clock ?? systemClock,
    logger,
    eventBus: new EventBus(),
    close: () => store.close(),
  };
}
