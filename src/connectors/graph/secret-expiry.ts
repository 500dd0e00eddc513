import { isoNow } from '../../clock.js';
import type { Runtime } from '../../runtime.js';
import type { Connection } from '../../store/connections.js';
import { appendEvents } from '../../store/events.js';

/** How far ahead an expiring client secret or certificate is announced. */
export const secretExpiryNoticeDays = 30;

const dayMs = 24 * 60 * 60 * 1000;

/**
 * Announces a credential that expires within the notice period (or has expired): a warning in
 * the log and a `connection.secret_expiring` event, at most once a day per connection, so
 * webhooks reach whoever must rotate it before syncs start failing with AADSTS7000222.
 */
export async function announceSecretExpiry(runtime: Runtime, connection: Connection): Promise<boolean> {
  if (connection.secretExpiresAt === null) return false;
  const now = runtime.clock.now();
  const expiresAt = new Date(connection.secretExpiresAt);
  const daysLeft = Math.floor((expiresAt.getTime() - now.getTime()) / dayMs);
  if (daysLeft > secretExpiryNoticeDays) return false;
  const since = new Date(now.getTime() - dayMs).toISOString();
  const recent = await runtime.store.db
    .selectFrom('events')
    .select('data')
    .where('organization_id', '=', connection.organizationId)
    .where('type', '=', 'connection.secret_expiring')
    .where('occurred_at', '>', since)
    .execute();
  if (
    recent.some((row) => (JSON.parse(row.data) as { connectionId?: string }).connectionId === connection.id)
  )
    return false;
  const data = {
    connectionId: connection.id,
    expiresAt: connection.secretExpiresAt,
    daysLeft,
    expired: daysLeft < 0,
  };
  runtime.logger.warn(
    data,
    daysLeft < 0
      ? `The credential of Graph connection ${connection.id} has expired; create a new one in Entra and update the connection`
      : `The credential of Graph connection ${connection.id} expires in ${daysLeft} days; rotate it in Entra`,
  );
  await runtime.store.transaction((trx) =>
    appendEvents(
      trx,
      connection.organizationId,
      [{ type: 'connection.secret_expiring', data }],
      isoNow(runtime.clock),
    ),
  );
  runtime.eventBus.notify(connection.organizationId);
  return true;
}
