import { appendEvents } from '../../store/events.js';
import { appendAudit } from '../../store/audit.js';
import type { Runtime } from '../../runtime.js';
import type { WebhookDeliveryRow } from '../../store/schema.js';
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

export async function recordAttempt(
  runtime: Runtime,
  delivery: WebhookDeliveryRow,
  result: AttemptResult,
  policy: RetryPolicy,
  attemptedAt: Date,
): Promise<{ disabled: boolean }> {
  const attempt = Number(delivery.attempts) + 1;
  const nowMs = runtime.clock.now().getTime();
  const now = new Date(nowMs).toISOString();
  const delay = result.ok ? undefined : nextRetryDelayMs(policy.retryScheduleMs, attempt);
  const status = result.ok ? 'succeeded' : delay === undefined ? 'failed' : 'pending';
  const disabled = await runtime.store.transaction(async (trx) => {
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
  });
  // Woken after commit, never inside: other endpoints may want the new event.
  if (disabled) runtime.eventBus.notify(delivery.organization_id);
  return { disabled };
}
