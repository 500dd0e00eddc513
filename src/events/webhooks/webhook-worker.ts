import type { Runtime } from '../../runtime.js';
import type { WebhookDeliveryRow } from '../../store/schema.js';
import { claimDueDeliveries } from '../../store/webhooks.js';
import { sweepExpiredEvents } from '../event-retention.js';
import { fanOutEvents } from './fan-out-events.js';
import { recordAttempt, type RetryPolicy } from './record-attempt.js';
import { defaultRetryScheduleMs } from './retry-schedule.js';
import { sendWebhook } from './send-webhook.js';
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
  /** Deliveries claimed and sent at once. */
  concurrency?: number;
  sweepIntervalMs?: number;
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
    sweepIntervalMs: options.sweepIntervalMs ?? 3_600_000,
  });
  const retry: RetryPolicy = settings;
  // The lease outlives a request's timeout, so a delivery in flight is never claimed twice.
  const leaseMs = settings.requestTimeoutMs + 30_000;
  const secrets = new Map<string, { sealed: string; secret: string }>();
  let stopped = false;
  let running: Promise<void> | undefined;
  let again = false;
  let timer: NodeJS.Timeout | undefined;
  let lastSweep = 0;

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
    for (;;) {
      if (stopped) return;
      const claimed = await claim();
      if (claimed.length === 0) return;
      await Promise.all(claimed.map((delivery) => deliver(delivery)));
      // New events may have arrived while sending; copy them before the next claim.
      await fanOutEvents(runtime);
    }
  }

  async function claim(): Promise<WebhookDeliveryRow[]> {
    const now = runtime.clock.now();
    return runtime.store.transaction((trx) =>
      claimDueDeliveries(trx, {
        now: now.toISOString(),
        leaseUntil: new Date(now.getTime() + leaseMs).toISOString(),
        limit: settings.concurrency,
        canLockRows: runtime.store.engine === 'postgres',
      }),
    );
  }

  async function deliver(delivery: WebhookDeliveryRow): Promise<void> {
    const endpoint = await runtime.store.db
      .selectFrom('webhook_endpoints')
      .select(['url', 'secret_ciphertext', 'status'])
      .where('id', '=', delivery.endpoint_id)
      .executeTakeFirst();
    if (!endpoint) return;
    const attemptedAt = runtime.clock.now();
    const result = await sendWebhook({
      url: endpoint.url,
      secret: secretOf(delivery.endpoint_id, endpoint.secret_ciphertext),
      messageId: delivery.event_id,
      payload: delivery.payload,
      now: attemptedAt,
      timeoutMs: settings.requestTimeoutMs,
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
    const { disabled } = await recordAttempt(runtime, delivery, result, retry, attemptedAt);
    if (disabled) runtime.logger.warn({ endpointId: delivery.endpoint_id }, 'webhook endpoint disabled');
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
    },
  };
}
