import { newId } from '../ids.js';
import type { Executor } from './database.js';
import { statementBatches } from './statement-shapes.js';

/**
 * The organization's append-only event log. Sequence numbers are handed out by bumping
 * `organizations.event_seq` inside the writing transaction: on PostgreSQL that row lock orders
 * concurrent writers, so a reader that follows `seq` never sees a later event before an earlier
 * one commits (a plain identity column would let readers skip events still in flight).
 */
export interface NewEvent {
  type: string;
  data: Record<string, unknown>;
}

export interface StoredEvent {
  id: string;
  seq: number;
  type: string;
  occurredAt: string;
  data: Record<string, unknown>;
}

export async function appendEvents(
  db: Executor,
  organizationId: string,
  events: readonly NewEvent[],
  now: string,
): Promise<StoredEvent[]> {
  if (events.length === 0) return [];
  const { event_seq: last } = await db
    .updateTable('organizations')
    .set((eb) => ({ event_seq: eb('event_seq', '+', events.length) }))
    .where('id', '=', organizationId)
    .returning('event_seq')
    .executeTakeFirstOrThrow();
  const first = Number(last) - events.length + 1;
  const stored = events.map((event, index) => ({
    id: newId(),
    seq: first + index,
    type: event.type,
    occurredAt: now,
    data: event.data,
  }));
  for (const batch of statementBatches(stored, 512)) {
    await db
      .insertInto('events')
      .values(
        batch.map((event) => ({
          organization_id: organizationId,
          seq: event.seq,
          id: event.id,
          type: event.type,
          occurred_at: event.occurredAt,
          data: JSON.stringify(event.data),
        })),
      )
      .execute();
  }
  return stored;
}

export async function readEvents(
  db: Executor,
  organizationId: string,
  options: { after?: number; limit: number; types?: readonly string[] },
): Promise<StoredEvent[]> {
  let query = db
    .selectFrom('events')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .where('seq', '>', options.after ?? 0);
  if (options.types && options.types.length > 0) query = query.where('type', 'in', options.types);
  const rows = await query.orderBy('seq').limit(options.limit).execute();
  return rows.map((row) => ({
    id: row.id,
    seq: Number(row.seq),
    type: row.type,
    occurredAt: row.occurred_at,
    data: JSON.parse(row.data) as Record<string, unknown>,
  }));
}
