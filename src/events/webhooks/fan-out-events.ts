import type { Runtime } from '../../runtime.js';
import {
  endpointsBehind,
  insertDeliveries,
  lockEndpointForFanOut,
  updateWebhookEndpoint,
} from '../../store/webhooks.js';
import { matchesEventTypes } from '../event-types.js';

/**
 * Turns new events into deliveries, endpoint by endpoint. Each step reads a slice of the log after
 * the endpoint's cursor, inserts a delivery for every event its filter passes, and moves the cursor,
 * all in one transaction: a crash repeats the step rather than losing or doubling events.
 */
const sliceSize = 500;

export interface WebhookPayload {
  id: string;
  seq: number;
  type: string;
  timestamp: string;
  organizationId: string;
  data: Record<string, unknown>;
}

export async function fanOutEvents(runtime: Runtime): Promise<number> {
  let created = 0;
  for (const endpoint of await endpointsBehind(runtime.store.db)) {
    let moved = true;
    while (moved) {
      const step = await fanOutSlice(runtime, endpoint.id);
      created += step.created;
      moved = step.moved;
    }
  }
  return created;
}

async function fanOutSlice(
  runtime: Runtime,
  endpointId: string,
): Promise<{ created: number; moved: boolean }> {
  const canLockRows = runtime.store.engine === 'postgres';
  const now = runtime.clock.now().toISOString();
  return runtime.store.transaction(async (trx) => {
    // Another process holding this endpoint is copying the same slice; leave it to that process.
    const endpoint = await lockEndpointForFanOut(trx, endpointId, canLockRows);
    if (!endpoint || endpoint.status !== 'enabled') return { created: 0, moved: false };
    const events = await trx
      .selectFrom('events')
      .selectAll()
      .where('organization_id', '=', endpoint.organization_id)
      .where('seq', '>', endpoint.cursor_seq)
      .orderBy('seq')
      .limit(sliceSize)
      .execute();
    const last = events.at(-1);
    if (!last) return { created: 0, moved: false };
    const filter = JSON.parse(endpoint.event_types) as string[];
    const wanted = events.filter((event) => matchesEventTypes(filter, event.type));
    await insertDeliveries(
      trx,
      wanted.map((event) => ({
        endpointId: endpoint.id,
        organizationId: endpoint.organization_id,
        eventId: event.id,
        eventSeq: Number(event.seq),
        eventType: event.type,
        payload: JSON.stringify({
          id: event.id,
          seq: Number(event.seq),
          type: event.type,
          timestamp: event.occurred_at,
          organizationId: endpoint.organization_id,
          data: JSON.parse(event.data) as Record<string, unknown>,
        } satisfies WebhookPayload),
      })),
      now,
    );
    await updateWebhookEndpoint(trx, endpoint.organization_id, endpoint.id, { cursor_seq: Number(last.seq) });
    return { created: wanted.length, moved: events.length === sliceSize };
  });
}
