import { EventEmitter } from 'node:events';

/**
 * Wakes event consumers (webhook delivery, live views) after a transaction that appended events
 * has committed. It carries only "organization X has new events"; consumers read the log itself.
 */
export class EventBus {
  readonly #emitter = new EventEmitter();

  constructor() {
    this.#emitter.setMaxListeners(0);
  }

  notify(organizationId: string): void {
    this.#emitter.emit('events', organizationId);
  }

  subscribe(listener: (organizationId: string) => void): () => void {
    this.#emitter.on('events', listener);
    return () => this.#emitter.off('events', listener);
  }
}
