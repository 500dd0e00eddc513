import { isoNow } from '../../clock.js';
import type { Runtime } from '../../runtime.js';
import { appendAudit, type Actor } from '../../store/audit.js';
import { getConnection } from '../../store/connections.js';
import { toGraphConnectionView, type GraphConnectionView } from './graph-connections.js';
import { formatInterval, graphSettingsOf, parseInterval } from './graph-settings.js';

/**
 * Changes how often a Graph connection syncs on its own (`15m`, `1h`, `<n>m`, `<n>h`, `off`).
 * The scheduler reads the setting at each tick, so the next run follows the new interval counted
 * from the last run. Audited with before and after.
 */
export async function setGraphSchedule(
  runtime: Runtime,
  connectionId: string,
  interval: string,
  actor: Actor,
  organizationId?: string,
): Promise<GraphConnectionView> {
  const intervalMinutes = parseInterval(interval);
  const now = isoNow(runtime.clock);
  await runtime.store.transaction(async (trx) => {
    const connection = await getConnection(trx, connectionId, organizationId);
    const settings = graphSettingsOf(connection);
    await trx
      .updateTable('connections')
      .set({ settings: JSON.stringify({ ...settings, intervalMinutes }), updated_at: now })
      .where('id', '=', connection.id)
      .execute();
    await appendAudit(
      trx,
      connection.organizationId,
      actor,
      [
        {
          action: 'connection.schedule_set',
          targetType: 'connection',
          targetId: connection.id,
          connectionId: connection.id,
          before: { interval: formatInterval(settings.intervalMinutes) },
          after: { interval: formatInterval(intervalMinutes) },
        },
      ],
      now,
    );
  });
  return toGraphConnectionView(await getConnection(runtime.store.db, connectionId, organizationId));
}
