import type { Transaction } from 'kysely';
import { appendAudit } from '../../store/audit.js';
import { appendEvents } from '../../store/events.js';
import type { Database, WebhookDeliveryRow } from '../../store/schema.js';
import { insertAttempt } from '../../store/webhooks.js';
import { nextRetryDelayMs } from './retry-schedule.js';
import type { AttemptResult } from './send-webhook.js';

/**
 * Writes one attempt's result: the attempt log line, the delivery's new state (done, due again
 * after the next wait, or given up), and the endpoint's failure streak. An endpoint whose delivery
 * has used up every retry while it has failed without a break for `disableAfterMs` is disabled,
 * and the organization's log gets a `webhook.disabled` event (other endpoints and the Events API
 * see it; the disabled one does not).
 */
export interface RetryPolicy {
  retryScheduleMs: readonly number[];
  disableAfterMs: number;
}

export interface FinishedAttempt {
  delivery: WebhookDeliveryRow;
  result: AttemptResult;
  attemptedAt: Date;
}

/**
 * Records a batch of finished attempts inside the caller's transaction: on a durable SQLite every
 * commit waits for the disk, so one commit per batch rather than per delivery is what lets
 * delivery keep up. Returns the organizations and endpoints it disabled; the caller wakes event
 * consumers for them after commit.
 */
export async function recordAttempts(
  trx: Transaction<Database>,
  nowMs: number,
  attempts: readonly FinishedAttempt[],
  policy: RetryPolicy,
): Promise<{ endpointId: string; organizationId: string }[]> {
  const disabled: { endpointId: string; organizationId: string }[] = [];
  for (const attempt of attempts) {
    if (await recordAttempt(trx, nowMs, attempt, policy)) {
      disabled.push({
        endpointId: attempt.delivery.endpoint_id,
        organizationId: attempt.delivery.organization_id,
      });
    }
  }
  return disabled;
}

async function recordAttempt(
  trx: Transaction<Database>,
  nowMs: number,
  { delivery, result, attemptedAt }: FinishedAttempt,
  policy: RetryPolicy,
): Promise<boolean> {
  const attempt = Number(delivery.attempts) + 1;
  const now = new Date(nowMs).toISOString();
  const delay = result.ok ? undefined : nextRetryDelayMs(policy.retryScheduleMs, attempt);
  const status = result.ok ? 'succeeded' : delay === undefined ? 'failed' : 'pending';
  await insertAttempt(trx, delivery.id, {
    attempt,
    attemptedAt: attemptedAt.toISOString(),
    statusCode: result.statusCode,
    durationMs: result.durationMs,
    error: result.error,
  });
  await trx
    .updateTable('webhook_deliveries')
    .set({
      status,
      attempts: attempt,
      next_attempt_at: status === 'pending' ? new Date(nowMs + (delay ?? 0)).toISOString() : null,
      last_status_code: result.statusCode,
      last_error: result.error,
      updated_at: now,
    })
    .where('id', '=', delivery.id)
    .execute();
  if (result.ok) {
    // Written only when there is a streak to end, so healthy deliveries do not contend on the row.
    await trx
      .updateTable('webhook_endpoints')
      .set({ failing_since: null, consecutive_failures: 0 })
      .where('id', '=', delivery.endpoint_id)
      .where((eb) => eb.or([eb('failing_since', 'is not', null), eb('consecutive_failures', '>', 0)]))
      .execute();
    return false;
  }
  const endpoint = await trx
    .updateTable('webhook_endpoints')
    .set((eb) => ({
      consecutive_failures: eb('consecutive_failures', '+', 1),
      failing_since: eb.fn.coalesce('failing_since', eb.val(now)),
    }))
    .where('id', '=', delivery.endpoint_id)
    .returning(['status', 'failing_since', 'consecutive_failures', 'url'])
    .executeTakeFirst();
  if (status !== 'failed' || !endpoint || endpoint.status !== 'enabled') return false;
  const failingFor = nowMs - Date.parse(endpoint.failing_since ?? now);
  if (failingFor < policy.disableAfterMs) return false;
  const reason = `every delivery failed for ${Math.round(failingFor / 60_000)} minutes (last: ${result.error ?? 'unknown'})`;
  await trx
    .updateTable('webhook_endpoints')
    .set({ status: 'disabled', disabled_at: now, disabled_reason: reason, updated_at: now })
    .where('id', '=', delivery.endpoint_id)
    .execute();
  await appendEvents(
    trx,
    delivery.organization_id,
    [
      {
        type: 'webhook.disabled',
        data: {
          endpointId: delivery.endpoint_id,
          url: endpoint.url,
          reason,
          consecutiveFailures: Number(endpoint.consecutive_failures),
          failingSince: endpoint.failing_since,
        },
      },
    ],
    now,
  );
  await appendAudit(
    trx,
    delivery.organization_id,
    { type: 'system', id: null },
    [
      {
        action: 'webhook.disabled',
        targetType: 'webhook_endpoint',
        targetId: delivery.endpoint_id,
        before: { status: 'enabled' },
        after: { status: 'disabled', reason },
      },
    ],
    now,
  );
  return true;
}
