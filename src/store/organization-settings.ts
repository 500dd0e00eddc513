import { invalidInput, notFound } from '../errors.js';
import type { Executor } from './database.js';

/**
 * Organization-wide settings kept as JSON in `organizations.settings`. Policy reads `seatLimit`:
 * the licence's maximum user count, or none.
 */
export interface OrganizationSettings {
  seatLimit?: number | null;
  [setting: string]: unknown;
}

export async function getOrganizationSettings(
  db: Executor,
  organizationId: string,
): Promise<OrganizationSettings> {
  const row = await db
    .selectFrom('organizations')
    .select('settings')
    .where('id', '=', organizationId)
    .executeTakeFirst();
  if (!row) throw notFound(`Organization "${organizationId}"`);
  return JSON.parse(row.settings) as OrganizationSettings;
}

/** Sets (or with null removes) the seat limit; other settings are kept as they are. */
export async function setSeatLimit(
  db: Executor,
  organizationId: string,
  seatLimit: number | null,
  now: string,
): Promise<OrganizationSettings> {
  if (seatLimit !== null && (!Number.isInteger(seatLimit) || seatLimit < 0)) {
    throw invalidInput(
      'seatLimit must be a whole number of users, 0 or more, or null for no limit',
      'seatLimit',
    );
  }
  const settings = await getOrganizationSettings(db, organizationId);
  const next: OrganizationSettings = { ...settings, seatLimit };
  if (seatLimit === null) delete next.seatLimit;
  await db
    .updateTable('organizations')
    .set({ settings: JSON.stringify(next), updated_at: now })
    .where('id', '=', organizationId)
    .execute();
  return next;
}
