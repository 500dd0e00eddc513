import { invalidInput } from '../errors.js';
import type { Runtime } from '../runtime.js';
import type { Executor } from '../store/database.js';
import { getOrganizationSettings } from '../store/organization-settings.js';

/**
 * How long the event log keeps events: `eventRetentionDays` in the organization's settings
 * (beside `seatLimit`, src/store/organization-settings.ts), 30 days unless set. The sweep deletes
 * older events, and finished webhook deliveries of the same age; pending deliveries stay, as their
 * retries carry their own copy of the event.
 */
export const defaultEventRetentionDays = 30;

export function retentionDaysOf(settings: Record<string, unknown>): number {
  const days = settings.eventRetentionDays;
  return typeof days === 'number' && Number.isInteger(days) && days > 0 ? days : defaultEventRetentionDays;
}

export async function setEventRetentionDays(
  db: Executor,
  organizationId: string,
  days: number,
  now: string,
): Promise<void> {
  if (!Number.isInteger(days) || days < 1) {
    throw invalidInput('eventRetentionDays must be a whole number of days, 1 or more', 'eventRetentionDays');
  }
  const settings = await getOrganizationSettings(db, organizationId);
  await db
    .updateTable('organizations')
    .set({ settings: JSON.stringify({ ...settings, eventRetentionDays: days }), updated_at: now })
    .where('id', '=', organizationId)
    .execute();
}

export interface SweepResult {
  eventsDeleted: number;
  deliveriesDeleted: number;
}

export async function sweepExpiredEvents(runtime: Runtime): Promise<SweepResult> {
  const db = runtime.store.db;
  const now = runtime.clock.now().getTime();
  const organizations = await db.selectFrom('organizations').select(['id', 'settings']).execute();
  const result: SweepResult = { eventsDeleted: 0, deliveriesDeleted: 0 };
  for (const organization of organizations) {
    const settings = JSON.parse(organization.settings) as Record<string, unknown>;
    const cutoff = new Date(now - retentionDaysOf(settings) * 86_400_000).toISOString();
    const events = await db
      .deleteFrom('events')
      .where('organization_id', '=', organization.id)
      .where('occurred_at', '<', cutoff)
      .executeTakeFirst();
    const deliveries = await db
      .deleteFrom('webhook_deliveries')
      .where('organization_id', '=', organization.id)
      .where('status', '!=', 'pending')
      .where('updated_at', '<', cutoff)
      .executeTakeFirst();
    result.eventsDeleted += Number(events.numDeletedRows);
    result.deliveriesDeleted += Number(deliveries.numDeletedRows);
  }
  return result;
}
