import { isoNow } from '../../clock.js';
import { invalidInput, notFound } from '../../errors.js';
import type { Runtime } from '../../runtime.js';
import { appendAudit, type Actor } from '../../store/audit.js';
import type { Executor } from '../../store/database.js';
import type { WebhookDeliveryRow } from '../../store/schema.js';
import {
  attemptsOf,
  findDelivery,
  insertDeliveries,
  listDeliveries,
  type AttemptRecord,
} from '../../store/webhooks.js';
import { getWebhookEndpoint } from './webhook-endpoints.js';

/**
 * The delivery log of an endpoint, newest first, each delivery with its attempts; and manual
 * redelivery, which queues a fresh delivery of the same event with the same `webhook-id`, so a
 * receiver that already processed it can tell.
 */
export interface WebhookDeliveryView {
  id: string;
  endpointId: string;
  eventId: string;
  eventSeq: number;
  eventType: string;
  status: WebhookDeliveryRow['status'];
  attempts: AttemptRecord[];
  nextAttemptAt: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
  redeliveryOf: string | null;
  createdAt: string;
  updatedAt: string;
}

function toDeliveryView(row: WebhookDeliveryRow, attempts: AttemptRecord[]): WebhookDeliveryView {
  return {
    id: row.id,
    endpointId: row.endpoint_id,
    eventId: row.event_id,
    eventSeq: Number(row.event_seq),
    eventType: row.event_type,
    status: row.status,
    attempts,
    nextAttemptAt: row.status === 'pending' ? row.next_attempt_at : null,
    lastStatusCode: row.last_status_code,
    lastError: row.last_error,
    redeliveryOf: row.redelivery_of,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Cursor: `createdAt|id` of the last delivery of the previous page, base64url encoded. */
export async function pageWebhookDeliveries(
  db: Executor,
  organizationId: string,
  endpointId: string,
  options: { status?: string | undefined; cursor?: string | undefined; limit: number },
): Promise<{ data: WebhookDeliveryView[]; nextCursor: string | null }> {
  await getWebhookEndpoint(db, organizationId, endpointId);
  const rows = await listDeliveries(db, organizationId, endpointId, {
    status: options.status,
    before: decodeDeliveryCursor(options.cursor),
    limit: options.limit + 1,
  });
  const page = rows.slice(0, options.limit);
  const attempts = await attemptsOf(
    db,
    page.map((row) => row.id),
  );
  const last = page.at(-1);
  return {
    data: page.map((row) => toDeliveryView(row, attempts.get(row.id) ?? [])),
    nextCursor:
      rows.length > options.limit && last
        ? Buffer.from(`${last.created_at}|${last.id}`).toString('base64url')
        : null,
  };
}

export async function getWebhookDelivery(
  db: Executor,
  organizationId: string,
  endpointId: string,
  deliveryId: string,
): Promise<WebhookDeliveryView> {
  const row = await findDelivery(db, organizationId, deliveryId);
  if (!row || row.endpoint_id !== endpointId) throw notFound(`Webhook delivery "${deliveryId}"`);
  const attempts = await attemptsOf(db, [row.id]);
  return toDeliveryView(row, attempts.get(row.id) ?? []);
}

export async function redeliverWebhook(
  runtime: Runtime,
  organizationId: string,
  endpointId: string,
  deliveryId: string,
  actor: Actor,
): Promise<WebhookDeliveryView> {
  const now = isoNow(runtime.clock);
  const id = await runtime.store.transaction(async (trx) => {
    const original = await findDelivery(trx, organizationId, deliveryId);
    if (!original || original.endpoint_id !== endpointId) throw notFound(`Webhook delivery "${deliveryId}"`);
    const [created] = await insertDeliveries(
      trx,
      [
        {
          endpointId,
          organizationId,
          eventId: original.event_id,
          eventSeq: Number(original.event_seq),
          eventType: original.event_type,
          payload: original.payload,
          redeliveryOf: original.id,
        },
      ],
      now,
    );
    await appendAudit(
      trx,
      organizationId,
      actor,
      [
        {
          action: 'webhook.redelivered',
          targetType: 'webhook_delivery',
          targetId: original.id,
          after: { deliveryId: created, eventId: original.event_id },
        },
      ],
      now,
    );
    return created ?? '';
  });
  // The worker sends it on its next round; waking it makes that now.
  runtime.eventBus.notify(organizationId);
  return getWebhookDelivery(runtime.store.db, organizationId, endpointId, id);
}

/**
 * Only cursors this API gave out are taken: anything else would quietly answer some other page
 * (usually the first), so it is a 400 like the other lists' cursors.
 */
function decodeDeliveryCursor(cursor: string | undefined): { createdAt: string; id: string } | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  const [createdAt = '', id = '', ...rest] = decoded.split('|');
  const givenOut =
    rest.length === 0 &&
    Buffer.from(decoded).toString('base64url') === cursor &&
    isIsoTimestamp(createdAt) &&
    uuidPattern.test(id);
  if (!givenOut) throw invalidInput('cursor is not one this API gave out', 'cursor');
  return { createdAt, id };
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** `created_at` is written by `toISOString`, and compared as text, so only that form sorts right. */
function isIsoTimestamp(value: string): boolean {
  const time = Date.parse(value);
  return !Number.isNaN(time) && new Date(time).toISOString() === value;
}
