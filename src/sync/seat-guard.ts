import { RosterError } from '../errors.js';
import { getOrganizationSettings } from '../store/organization-settings.js';
import type { ApplyContext } from './context.js';
import type { Outcome, SeatCheck } from './outcome.js';

/**
 * The seat guard: an organization may cap its user count (`organizations.settings.seatLimit`).
 * Active and pending users hold seats; inactive ones do not. A batch that imports or reactivates
 * users and ends above the cap applies nothing: it throws, and the caller's transaction rolls back.
 */
export class SeatLimitError extends RosterError {
  readonly seatLimit: number;
  readonly seatsUsed: number;
  /** How many users the batch would have imported (created or reactivated). */
  readonly wouldImport: number;

  constructor(check: SeatCheck) {
    super(
      'seat_limit_exceeded',
      `This change would import ${check.wouldImport} user(s), above the organization's seat limit of ` +
        `${check.seatLimit} (${check.seatsUsed} seats needed); nothing was applied. ` +
        "Raise the seat limit or narrow the policy's scope.",
      { field: 'seatLimit' },
    );
    this.name = 'SeatLimitError';
    this.seatLimit = check.seatLimit;
    this.seatsUsed = check.seatsUsed;
    this.wouldImport = check.wouldImport;
  }
}

/** Checks the batch's effect on seats; records the check on the outcome and says whether it passed. */
export async function checkSeats(ctx: ApplyContext, outcome: Outcome): Promise<SeatCheck | undefined> {
  const wouldImport = outcome.counts.usersCreated + outcome.counts.usersReactivated;
  if (wouldImport === 0) return undefined;
  const { seatLimit } = await getOrganizationSettings(ctx.trx, ctx.organizationId);
  if (typeof seatLimit !== 'number') return undefined;
  // Lock the organization row before counting, so two batches on PostgreSQL cannot both squeeze
  // under the limit; on SQLite the single writer already serialises them and this is a no-op.
  await ctx.trx
    .updateTable('organizations')
    .set((eb) => ({ event_seq: eb.ref('event_seq') }))
    .where('id', '=', ctx.organizationId)
    .execute();
  const row = await ctx.trx
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('organization_id', '=', ctx.organizationId)
    .where('status', 'in', ['active', 'pending'])
    .executeTakeFirstOrThrow();
  const seatsUsed = Number(row.count);
  const check: SeatCheck = { seatLimit, seatsUsed, wouldImport, exceeded: seatsUsed > seatLimit };
  outcome.seatCheck = check;
  return check;
}
