import { newId } from '../ids.js';
import type { Executor } from './database.js';
import type { WebhookDeliveryRow, WebhookEndpointRow } from './schema.js';
import { statementBatches } from './statement-shapes.js';

/**
 * Webhook endpoints, their deliveries (one per event and endpoint, kept until delivered or given
 * up) and the attempt log. Every query names the organization or reaches rows through one that does.
 */

export async function insertWebhookEndpoint(db: Executor, row: WebhookEndpointRow): Promise<void> {
  await db.insertInto('webhook_endpoints').values(row).execute();
}

export async function findWebhookEndpoint(
  db: Executor,
  organizationId: string,
  endpointId: string,
): Promise<WebhookEndpointRow | undefined> {
  return db
    .selectFrom('webhook_endpoints')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .where('id', '=', endpointId)
    .executeTakeFirst();
}

export async function listWebhookEndpoints(
  db: Executor,
  organizationId: string,
): Promise<WebhookEndpointRow[]> {
  return db
    .selectFrom('webhook_endpoints')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

export async function updateWebhookEndpoint(
  db: Executor,
  organizationId: string,
  endpointId: string,
  changes: Partial<Omit<WebhookEndpointRow, 'id' | 'organization_id' | 'created_at'>>,
): Promise<void> {
  await db
    .updateTable('webhook_endpoints')
    .set(changes)
    .where('organization_id', '=', organizationId)
    .where('id', '=', endpointId)
    .execute();
}

export async function deleteWebhookEndpoint(
  db: Executor,
  organizationId: string,
  endpointId: string,
): Promise<void> {
  // Attempts and deliveries go with the endpoint (ON DELETE CASCADE on both engines).
  await db
    .deleteFrom('webhook_endpoints')
    .where('organization_id', '=', organizationId)
    .where('id', '=', endpointId)
    .execute();
}

/** Enabled endpoints whose cursor is behind their organization's last event. */
export async function endpointsBehind(db: Executor): Promise<{ id: string; organizationId: string }[]> {
  const rows = await db
    .selectFrom('webhook_endpoints')
    .innerJoin('organizations', 'organizations.id', 'webhook_endpoints.organization_id')
    .select(['webhook_endpoints.id', 'webhook_endpoints.organization_id'])
    .where('webhook_endpoints.status', '=', 'enabled')
    .whereRef('webhook_endpoints.cursor_seq', '<', 'organizations.event_seq')
    .execute();
  return rows.map((row) => ({ id: row.id, organizationId: row.organization_id }));
}

/**
 * Takes one endpoint for fan-out inside the caller's transaction. On PostgreSQL the row lock with
 * SKIP LOCKED lets several processes share the work without two of them copying the same events;
 * SQLite has one writer, so a plain read is already exclusive.
 */
export async function lockEndpointForFanOut(
  db: Executor,
  endpointId: string,
  canLockRows: boolean,
): Promise<WebhookEndpointRow | undefined> {
  const query = db.selectFrom('webhook_endpoints').selectAll().where('id', '=', endpointId);
  return (canLockRows ? query.forUpdate().skipLocked() : query).executeTakeFirst();
}

export interface NewDelivery {
  endpointId: string;
  organizationId: string;
  eventId: string;
  eventSeq: number;
  eventType: string;
  payload: string;
  redeliveryOf?: string | null;
}

export async function insertDeliveries(
  db: Executor,
  deliveries: readonly NewDelivery[],
  now: string,
): Promise<string[]> {
  const rows = deliveries.map((delivery) => ({
    id: newId(),
    endpoint_id: delivery.endpointId,
    organization_id: delivery.organizationId,
    event_id: delivery.eventId,
    event_seq: delivery.eventSeq,
    event_type: delivery.eventType,
    payload: delivery.payload,
    status: 'pending' as const,
    attempts: 0,
    next_attempt_at: now,
    last_status_code: null,
    last_error: null,
    redelivery_of: delivery.redeliveryOf ?? null,
    created_at: now,
    updated_at: now,
  }));
  for (const batch of statementBatches(rows, 256)) {
    await db.insertInto('webhook_deliveries').values(batch).execute();
  }
  return rows.map((row) => row.id);
}

export interface DeliveryClaim {
  now: string;
  leaseUntil: string;
  /** Deliveries to claim at most: the caller's free slots. */
  limit: number;
  /** Deliveries one endpoint may have in flight at once, counting those already in flight. */
  perEndpointLimit: number;
  /** The caller's deliveries in flight, per endpoint id. */
  inFlightByEndpoint: ReadonlyMap<string, number>;
  canLockRows: boolean;
}

/**
 * Claims due deliveries of enabled endpoints by pushing their due time out by a lease: a process
 * that dies mid-delivery leaves them due again when the lease ends. PostgreSQL skips rows another
 * process is claiming at the same moment; on SQLite the single writer makes the claim exclusive.
 *
 * No endpoint gets more than its share of the caller's slots: a receiver that answers slowly (or
 * not at all until the timeout) would otherwise take every slot with its backlog, and every other
 * endpoint, of every organization, would wait behind it. So due rows are read in order a page at a
 * time, an endpoint's rows are taken while it has room, and an endpoint without room is left out
 * of the next page's query, so its backlog is skipped by the database rather than read.
 */
export async function claimDueDeliveries(db: Executor, input: DeliveryClaim): Promise<WebhookDeliveryRow[]> {
  if (input.limit <= 0) return [];
  const room = new Map<string, number>();
  const roomOf = (endpointId: string) =>
    room.get(endpointId) ?? input.perEndpointLimit - (input.inFlightByEndpoint.get(endpointId) ?? 0);
  const full = new Set([...input.inFlightByEndpoint.keys()].filter((endpointId) => roomOf(endpointId) <= 0));
  const picked: string[] = [];
  let after: DuePosition | undefined;
  while (picked.length < input.limit) {
    const page = await dueDeliveryPage(db, input, full, after, input.limit);
    for (const row of page) {
      const left = roomOf(row.endpoint_id);
      if (left <= 0) continue;
      picked.push(row.id);
      room.set(row.endpoint_id, left - 1);
      if (left === 1) full.add(row.endpoint_id);
      if (picked.length === input.limit) break;
    }
    const last = page.at(-1);
    if (last === undefined || page.length < input.limit) break;
    after = last;
  }
  if (picked.length === 0) return [];
  return db
    .updateTable('webhook_deliveries')
    .set({ next_attempt_at: input.leaseUntil })
    .where('id', 'in', picked)
    .returningAll()
    .execute();
}

interface DuePosition {
  id: string;
  next_attempt_at: string | null;
  event_seq: number | string | bigint;
}

/**
 * One page of due deliveries after `after`, in due order, leaving out endpoints without room. On
 * PostgreSQL the page's rows are locked (SKIP LOCKED), so a row another process is claiming is
 * passed over and none is claimed twice; rows of an endpoint that filled up within the page stay
 * locked, unclaimed, until the caller's transaction ends, which other processes simply skip.
 */
async function dueDeliveryPage(
  db: Executor,
  input: DeliveryClaim,
  full: ReadonlySet<string>,
  after: DuePosition | undefined,
  size: number,
): Promise<(DuePosition & { endpoint_id: string })[]> {
  let query = db
    .selectFrom('webhook_deliveries')
    .select(['id', 'endpoint_id', 'next_attempt_at', 'event_seq'])
    .where('status', '=', 'pending')
    .where('next_attempt_at', '<=', input.now)
    .where('endpoint_id', 'in', (eb) =>
      eb.selectFrom('webhook_endpoints').select('id').where('status', '=', 'enabled'),
    );
  if (full.size > 0) query = query.where('endpoint_id', 'not in', [...full]);
  if (after !== undefined) {
    query = query.where((eb) =>
      eb(
        eb.refTuple('next_attempt_at', 'event_seq', 'id'),
        '>',
        eb.tuple(after.next_attempt_at ?? '', Number(after.event_seq), after.id),
      ),
    );
  }
  query = query.orderBy('next_attempt_at').orderBy('event_seq').orderBy('id').limit(size);
  return (input.canLockRows ? query.forUpdate().skipLocked() : query).execute();
}

export async function findDelivery(
  db: Executor,
  organizationId: string,
  deliveryId: string,
): Promise<WebhookDeliveryRow | undefined> {
  return db
    .selectFrom('webhook_deliveries')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .where('id', '=', deliveryId)
    .executeTakeFirst();
}

export async function listDeliveries(
  db: Executor,
  organizationId: string,
  endpointId: string,
  options: {
    status?: string | undefined;
    before?: { createdAt: string; id: string } | undefined;
    limit: number;
  },
): Promise<WebhookDeliveryRow[]> {
  let query = db
    .selectFrom('webhook_deliveries')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .where('endpoint_id', '=', endpointId);
  if (options.status) query = query.where('status', '=', options.status as WebhookDeliveryRow['status']);
  const before = options.before;
  if (before) {
    query = query.where((eb) =>
      eb.or([
        eb('created_at', '<', before.createdAt),
        eb.and([eb('created_at', '=', before.createdAt), eb('id', '<', before.id)]),
      ]),
    );
  }
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(options.limit).execute();
}

export interface AttemptRecord {
  attempt: number;
  attemptedAt: string;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
}

export async function insertAttempt(db: Executor, deliveryId: string, record: AttemptRecord): Promise<void> {
  await db
    .insertInto('webhook_attempts')
    .values({
      id: newId(),
      delivery_id: deliveryId,
      attempt: record.attempt,
      attempted_at: record.attemptedAt,
      status_code: record.statusCode,
      duration_ms: record.durationMs,
      error: record.error,
    })
    .execute();
}

export async function attemptsOf(
  db: Executor,
  deliveryIds: readonly string[],
): Promise<Map<string, AttemptRecord[]>> {
  const byDelivery = new Map<string, AttemptRecord[]>();
  if (deliveryIds.length === 0) return byDelivery;
  const rows = await db
    .selectFrom('webhook_attempts')
    .selectAll()
    .where('delivery_id', 'in', deliveryIds)
    .orderBy('attempt')
    .execute();
  for (const row of rows) {
    const list = byDelivery.get(row.delivery_id) ?? [];
    list.push({
      attempt: row.attempt,
      attemptedAt: row.attempted_at,
      statusCode: row.status_code,
      durationMs: row.duration_ms,
      error: row.error,
    });
    byDelivery.set(row.delivery_id, list);
  }
  return byDelivery;
}
