import { randomUUID } from 'node:crypto';
import { announceSecretExpiry, secretExpiryNoticeDays } from '../connectors/graph/secret-expiry.js';
import type { Runtime } from '../runtime.js';
import { toConnection } from '../store/connections.js';
import { releaseLease, tryAcquireLease } from '../sync/runs/run-lease.js';
import { markInterrupted } from '../sync/runs/start-sync-run.js';

/** How often one process looks again at a connection; the event itself stays once a day. */
export const secretExpiryCheckMs = 60 * 60_000;

const dayMs = 24 * 60 * 60 * 1000;

/**
 * Announces expiring Graph credentials whether or not the connection syncs (a schedule of `off`
 * never runs, so the announcement at the start of a run would never come). `announceSecretExpiry`
 * reads the event log for a recent announcement and then appends one: a check-then-write that is
 * once a day only while one caller at a time does it for a connection. Runs call it under the
 * connection's lease, so this takes the same lease: across processes sharing one PostgreSQL the
 * second caller waits its turn and sees the first one's event. A lease held by a run is left
 * alone (that run announces); the connection is looked at again at the next tick.
 *
 * `checkedAt` is this process's memory of when it last looked at each connection.
 */
export async function announceExpiringSecrets(
  runtime: Runtime,
  checkedAt: Map<string, number>,
): Promise<void> {
  const now = runtime.clock.now();
  const rows = await runtime.store.db
    .selectFrom('connections')
    .selectAll()
    .where('kind', '=', 'graph')
    .where('status', '=', 'active')
    .where('secret_expires_at', 'is not', null)
    .execute();
  for (const row of rows) {
    if (now.getTime() - (checkedAt.get(row.id) ?? -Infinity) < secretExpiryCheckMs) continue;
    // Far from its notice period: nothing to announce, so the lease is not touched.
    if (Date.parse(row.secret_expires_at ?? '') - now.getTime() >= (secretExpiryNoticeDays + 1) * dayMs) {
      checkedAt.set(row.id, now.getTime());
      continue;
    }
    const holder = randomUUID();
    const lease = await tryAcquireLease(runtime.store.db, row.id, holder, now);
    if (!lease.acquired) continue;
    if (lease.takenOverRunId !== null) await markInterrupted(runtime, lease.takenOverRunId);
    try {
      await announceSecretExpiry(runtime, toConnection(row));
      checkedAt.set(row.id, now.getTime());
    } finally {
      await releaseLease(runtime.store.db, row.id, holder);
    }
  }
}
