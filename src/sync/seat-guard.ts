import { RosterError } from '../errors.js';
import type { Executor } from '../store/database.js';
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

  /** `message` replaces the sync's wording, for a caller whose change is not an import (the REST API). */
  constructor(check: SeatCheck, message?: string) {
    super(
      'seat_limit_exceeded',
      message ??
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
  // A count whose batch is never kept (a preview, a pre-check that judges the whole run itself, a
  // dry-run batch) decides nothing another writer could race, so it takes no lock.
  const lock = ctx.preview !== true && ctx.seatGuard !== 'report' && ctx.dryRun !== true;
  const check = await checkSeatLimit(ctx.trx, ctx.organizationId, wouldImport, { lock });
  if (check !== undefined) outcome.seatCheck = check;
  return check;
}

/**
 * The seats held once the caller's transaction has written its users, against the organization's
 * limit (undefined without one). Every path that adds seats — a sync batch, a local user created or
 * reactivated through the API — calls this after writing and before committing, so they all count
 * alike and one that ends above the limit can roll back. `lock: false` is for a count whose writes
 * are thrown away, which must not hold up the organization's other writers.
 */
export async function checkSeatLimit(
  trx: Executor,
  organizationId: string,
  wouldImport: number,
  options: { lock?: boolean } = {},
): Promise<SeatCheck | undefined> {
  const { seatLimit } = await getOrganizationSettings(trx, organizationId);
  if (typeof seatLimit !== 'number') return undefined;
  // Lock the organization row before counting, so two writers on PostgreSQL cannot both squeeze
  // under the limit (the later one counts after the earlier commits); on SQLite the single writer
  // already serialises them and this is a no-op.
  if (options.lock !== false) {
    await trx
      .updateTable('organizations')
      .set((eb) => ({ event_seq: eb.ref('event_seq') }))
      .where('id', '=', organizationId)
      .execute();
  }
  const row = await trx
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('organization_id', '=', organizationId)
    .where('status', 'in', ['active', 'pending'])
    .executeTakeFirstOrThrow();
  const seatsUsed = Number(row.count);
  return { seatLimit, seatsUsed, wouldImport, exceeded: seatsUsed > seatLimit };
}
