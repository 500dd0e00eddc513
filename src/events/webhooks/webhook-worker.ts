import type { Transaction } from 'kysely';
import type { Runtime } from '../../runtime.js';
import type { Database, WebhookDeliveryRow } from '../../store/schema.js';
import { claimDueDeliveries } from '../../store/webhooks.js';
import { sweepExpiredEvents } from '../event-retention.js';
import { fanOutEvents } from './fan-out-events.js';
import { recordAttempts, type FinishedAttempt, type RetryPolicy } from './record-attempt.js';
import { defaultRetryScheduleMs } from './retry-schedule.js';
import { createWebhookAgents, sendWebhook } from './send-webhook.js';
import { openWebhookSecret } from './webhook-secret.js';

/**
 * Delivers webhooks outside every sync transaction. It wakes when the event bus says an
 * organization has new committed events, and polls as well, because on PostgreSQL events may be
 * written by another Roster process. Deliveries are durable rows claimed with a lease, so several
 * processes share the work and a crashed one's deliveries are picked up again.
 */
export interface WebhookWorkerOptions {
  retryScheduleMs?: readonly number[];
  /** Disable an endpoint whose delivery ran out of retries after failing this long without a break. */
  disableAfterMs?: number;
  pollIntervalMs?: number;
  requestTimeoutMs?: number;
  /** Deliveries in flight at once. */
  concurrency?: number;
  /**
   * Deliveries in flight at once to one endpoint, so a slow receiver holds only a few of the
   * slots and the others go on serving every other endpoint.
   */
  perEndpointConcurrency?: number;
  sweepIntervalMs?: number;
}

interface Claimed {
  delivery: WebhookDeliveryRow;
  url: string;
  sealedSecret: string;
}

export interface WebhookWorker {
  /** Runs a round soon; the event bus calls this after each commit that appended events. */
  wake(): void;
  stop(): Promise<void>;
}

export function startWebhookWorker(runtime: Runtime, options: WebhookWorkerOptions = {}): WebhookWorker {
  const settings = Object.freeze({
    retryScheduleMs: Object.freeze([...(options.retryScheduleMs ?? defaultRetryScheduleMs)]),
    disableAfterMs: options.disableAfterMs ?? 24 * 3_600_000,
    pollIntervalMs: options.pollIntervalMs ?? 2_000,
    requestTimeoutMs: options.requestTimeoutMs ?? 15_000,
    concurrency: options.concurrency ?? 32,
    perEndpointConcurrency: options.perEndpointConcurrency ?? 8,
    sweepIntervalMs: options.sweepIntervalMs ?? 3_600_000,
  });
  const retry: RetryPolicy = settings;
  // The lease outlives a request's timeout, so a delivery in flight is never claimed twice.
  const leaseMs = settings.requestTimeoutMs + 30_000;
  const secrets = new Map<string, { sealed: string; secret: string }>();
  const agents = createWebhookAgents(settings.concurrency, runtime.config.webhooksAllowPrivate);
  let stopped = false;
  let running: Promise<void> | undefined;
  let again = false;
  let timer: NodeJS.Timeout | undefined;
  let lastSweep = 0;
  // Counted from the claim on (not from the send), so two claims never hand out the same slot.
  let inFlight = 0;
  const inFlightByEndpoint = new Map<string, number>();
  let claiming: Promise<unknown> = Promise.resolve();
  const finished: FinishedAttempt[] = [];
  let flushing: Promise<void> | undefined;
  let flushScheduled = false;

  const schedule = (delayMs: number) => {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(() => wake(), delayMs);
    timer.unref();
  };

  const wake = () => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = round()
      .catch((error: unknown) => runtime.logger.error({ err: error }, 'webhook delivery round failed'))
      .finally(() => {
        running = undefined;
        if (again) {
          again = false;
          wake();
        } else schedule(settings.pollIntervalMs);
      });
  };

  async function round(): Promise<void> {
    if (Date.now() - lastSweep >= settings.sweepIntervalMs) {
      lastSweep = Date.now();
      const swept = await sweepExpiredEvents(runtime);
      if (swept.eventsDeleted > 0) runtime.logger.info(swept, 'swept events past their retention');
    }
    await fanOutEvents(runtime);
    // Fills the free slots. From then on, each batch of finished attempts claims the next
    // deliveries in the commit that records it (flush), so a slow receiver holds one slot, not
    // the whole batch, and the worker comes back here only when it runs dry.
    while (!stopped && inFlight < settings.concurrency) {
      let claimed: Claimed[] = [];
      try {
        await runtime.store.transaction(async (trx) => {
          claimed = await claimIn(trx);
        });
      } catch (error) {
        release(claimed);
        throw error;
      }
      if (claimed.length === 0) return;
      for (const delivery of claimed) start(delivery);
    }
  }

  /**
   * Claims due deliveries for the free slots, with their endpoints' URL and sealed secret, so
   * sending needs no query. The slots are taken at once; the caller starts the deliveries after
   * its transaction commits, or gives the slots back (`release`) if it fails.
   */
  function claimIn(trx: Transaction<Database>): Promise<Claimed[]> {
    // One claim at a time in this process: two reading the same counts at once (a round and a
    // flush, on PostgreSQL) would each fill the same endpoint's room.
    const claimed = claiming.then(() => claimFreeSlots(trx));
    claiming = claimed.catch(() => undefined);
    return claimed;
  }

  async function claimFreeSlots(trx: Transaction<Database>): Promise<Claimed[]> {
    const limit = settings.concurrency - inFlight;
    if (limit <= 0 || stopped) return [];
    const now = runtime.clock.now();
    const deliveries = await claimDueDeliveries(trx, {
      now: now.toISOString(),
      leaseUntil: new Date(now.getTime() + leaseMs).toISOString(),
      limit,
      perEndpointLimit: settings.perEndpointConcurrency,
      inFlightByEndpoint,
      canLockRows: runtime.store.engine === 'postgres',
    });
    if (deliveries.length === 0) return [];
    const endpoints = await trx
      .selectFrom('webhook_endpoints')
      .select(['id', 'url', 'secret_ciphertext'])
      .where('id', 'in', [...new Set(deliveries.map((delivery) => delivery.endpoint_id))])
      .execute();
    const byId = new Map(endpoints.map((endpoint) => [endpoint.id, endpoint]));
    const claimed = deliveries.flatMap((delivery) => {
      const endpoint = byId.get(delivery.endpoint_id);
      return endpoint ? [{ delivery, url: endpoint.url, sealedSecret: endpoint.secret_ciphertext }] : [];
    });
    for (const { delivery } of claimed) hold(delivery.endpoint_id);
    return claimed;
  }

  function hold(endpointId: string): void {
    inFlight += 1;
    inFlightByEndpoint.set(endpointId, (inFlightByEndpoint.get(endpointId) ?? 0) + 1);
  }

  function releaseSlot(endpointId: string): void {
    inFlight -= 1;
    const left = (inFlightByEndpoint.get(endpointId) ?? 1) - 1;
    if (left > 0) inFlightByEndpoint.set(endpointId, left);
    else inFlightByEndpoint.delete(endpointId);
  }

  /** Gives back the slots of claims whose transaction failed; their lease makes them due again. */
  function release(claimed: readonly Claimed[]): void {
    for (const { delivery } of claimed) releaseSlot(delivery.endpoint_id);
  }

  /** Sends a claimed delivery in the slot its claim took. */
  function start(claimed: Claimed): void {
    deliver(claimed)
      .then((done) => finished.push(done))
      .catch((error: unknown) =>
        runtime.logger.error({ err: error, deliveryId: claimed.delivery.id }, 'webhook delivery failed'),
      )
      .finally(() => {
        releaseSlot(claimed.delivery.endpoint_id);
        scheduleFlush();
      });
  }

  async function deliver({ delivery, url, sealedSecret }: Claimed): Promise<FinishedAttempt> {
    const attemptedAt = runtime.clock.now();
    const result = await sendWebhook({
      url,
      secret: secretOf(delivery.endpoint_id, sealedSecret),
      messageId: delivery.event_id,
      payload: delivery.payload,
      now: attemptedAt,
      timeoutMs: settings.requestTimeoutMs,
      agents,
    });
    if (!result.ok) {
      runtime.logger.info(
        {
          deliveryId: delivery.id,
          endpointId: delivery.endpoint_id,
          statusCode: result.statusCode,
          error: result.error,
        },
        'webhook delivery attempt failed',
      );
    }
    return { delivery, result, attemptedAt };
  }

  /**
   * Flushes on the next turn of the event loop rather than at once, so the responses that arrived
   * meanwhile join the same batch instead of each waiting for a commit of its own.
   */
  function scheduleFlush(): void {
    if (flushScheduled) return;
    flushScheduled = true;
    setImmediate(() => {
      flushScheduled = false;
      flush();
    });
  }

  /** Writes the attempts finished so far in one transaction; more finishing meanwhile wait for the next. */
  function flush(): void {
    if (flushing) return;
    const batch = finished.splice(0);
    if (batch.length === 0) return;
    // The same commit claims deliveries for the slots the batch freed: one commit per cycle.
    let claimed: Claimed[] = [];
    flushing = runtime.store
      .transaction(async (trx) => {
        const disabled = await recordAttempts(trx, runtime.clock.now().getTime(), batch, retry);
        claimed = await claimIn(trx);
        return { disabled, next: claimed };
      })
      .then(({ disabled, next }) => {
        for (const delivery of next) start(delivery);
        claimed = [];
        for (const { endpointId, organizationId } of disabled) {
          runtime.logger.warn({ endpointId }, 'webhook endpoint disabled');
          // Woken after commit, never inside: other endpoints may want the new event.
          runtime.eventBus.notify(organizationId);
        }
      })
      .catch((error: unknown) => {
        // The deliveries stay claimed until their lease ends, then are sent again: at least once.
        release(claimed);
        runtime.logger.error({ err: error }, 'recording webhook attempts failed');
      })
      .finally(() => {
        flushing = undefined;
        if (finished.length > 0) scheduleFlush();
        else if (inFlight === 0) wake();
      });
  }

  /** Secrets are opened once per endpoint and kept in memory until the sealed value changes. */
  function secretOf(endpointId: string, sealed: string): string {
    const cached = secrets.get(endpointId);
    if (cached?.sealed === sealed) return cached.secret;
    const secret = openWebhookSecret(runtime.config, endpointId, sealed);
    secrets.set(endpointId, { sealed, secret });
    return secret;
  }

  const unsubscribe = runtime.eventBus.subscribe(() => wake());
  wake();

  return {
    wake,
    async stop() {
      stopped = true;
      unsubscribe();
      clearTimeout(timer);
      await running;
      // Deliveries in flight finish (each within its timeout) and their attempts are written.
      while (inFlight > 0 || flushing !== undefined || finished.length > 0) {
        flush();
        await (flushing ?? new Promise((resolve) => setTimeout(resolve, 10)));
      }
      agents.destroy();
    },
  };
}
