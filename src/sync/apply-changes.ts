import { sql } from 'kysely';
import { appendEvents, type StoredEvent } from '../store/events.js';
import type { Change } from './change.js';
import type { ApplyContext } from './context.js';
import { applyGroupDelete, applyGroupUpsert } from './apply-group.js';
import { applyMembersAdd, applyMembersClear, applyMembersRemove } from './apply-members.js';
import { applyUserDelete, applyUserUpsert } from './apply-user.js';
import { Outcome } from './outcome.js';
import { SeatLimitError, checkSeats } from './seat-guard.js';
import { UserPrefetch } from './user-prefetch.js';

/**
 * The road: applies a batch of changes through policy inside the caller's transaction, checks the
 * organization's seat limit, then appends the events they caused to the organization's log in that
 * same transaction. Delivery (and the enrollment mailer) is woken by the caller after commit.
 *
 * With `ctx.dryRun` the batch runs inside a savepoint that is rolled back: the outcome says
 * exactly what would change (`outcome.planned()`), a seat-limit breach is reported on
 * `outcome.seatCheck` instead of thrown, and no events are returned because none were kept.
 */
export async function applyChanges(
  ctx: ApplyContext,
  changes: readonly Change[],
): Promise<{ outcome: Outcome; events: StoredEvent[] }> {
  if (ctx.dryRun === true) return { outcome: await dryRunChanges(ctx, changes), events: [] };
  const outcome = await applyChangesWithoutEvents(ctx, changes);
  // A preview's writes are thrown away and nothing reads its events (its counts and planned
  // changes come from the outcome); appending them would lock the organization's row, which every
  // other writer of the organization would then wait on until the preview ends.
  if (ctx.preview === true || ctx.deferEvents === true) return { outcome, events: [] };
  const events = await appendEvents(ctx.trx, ctx.organizationId, outcome.events, ctx.now);
  return { outcome, events };
}

/**
 * The road but its last step: the caller appends `outcome.events` itself, in the same
 * transaction, as the last thing before it commits. Appending takes the organization's event
 * sequence — on PostgreSQL a row lock that every other writer of the organization then waits
 * for until commit — so a caller with more to do after the road (a SCIM request reads its
 * resource back and writes its audit entry) holds that lock for less time this way.
 */
export async function applyChangesWithoutEvents(
  ctx: ApplyContext,
  changes: readonly Change[],
): Promise<Outcome> {
  const outcome = await applyAll(ctx, changes);
  const seats = await checkSeats(ctx, outcome);
  if (seats?.exceeded && ctx.seatGuard !== 'report') throw new SeatLimitError(seats);
  return outcome;
}

/** Applies the batch and rolls it back, returning what it would have done. */
export async function dryRunChanges(ctx: ApplyContext, changes: readonly Change[]): Promise<Outcome> {
  await sql.raw('savepoint roster_dry_run').execute(ctx.trx);
  try {
    const outcome = await applyAll(ctx, changes);
    await checkSeats(ctx, outcome);
    outcome.dryRun = true;
    return outcome;
  } finally {
    await sql.raw('rollback to savepoint roster_dry_run').execute(ctx.trx);
    await sql.raw('release savepoint roster_dry_run').execute(ctx.trx);
  }
}

async function applyAll(ctx: ApplyContext, changes: readonly Change[]): Promise<Outcome> {
  const outcome = new Outcome();
  for (let i = 0; i < changes.length;) {
    const run = userUpsertRun(changes, i);
    const minted = new Set(run.flatMap((change) => (change.minted === true ? [change.user.id] : [])));
    if (run.length < 2 && minted.size === 0) {
      await applyChange(ctx, changes[i] as Change, outcome);
      i += 1;
      continue;
    }
    // A page of users reads what it needs in a few queries, not a few per user; a minted id
    // needs none.
    const userPrefetch = await UserPrefetch.load(
      ctx,
      run.map((change) => change.user),
      minted,
    );
    for (const change of run) await applyUserUpsert({ ...ctx, userPrefetch }, change.user, outcome);
    await userPrefetch.flush();
    i += run.length;
  }
  return outcome;
}

/** The user upserts that follow one another from `start`. */
function userUpsertRun(
  changes: readonly Change[],
  start: number,
): Extract<Change, { kind: 'user.upsert' }>[] {
  const run: Extract<Change, { kind: 'user.upsert' }>[] = [];
  for (let i = start; i < changes.length; i += 1) {
    const change = changes[i];
    if (change?.kind !== 'user.upsert') break;
    run.push(change);
  }
  return run;
}

async function applyChange(ctx: ApplyContext, change: Change, outcome: Outcome): Promise<void> {
  switch (change.kind) {
    case 'user.upsert':
      return applyUserUpsert(ctx, change.user, outcome);
    case 'user.delete':
      return applyUserDelete(ctx, change.id, outcome);
    case 'group.upsert':
      return applyGroupUpsert(ctx, change.group, outcome);
    case 'group.delete':
      return applyGroupDelete(ctx, change.id, outcome);
    case 'members.add':
      return applyMembersAdd(ctx, change.groupId, change.members, outcome);
    case 'members.remove':
      return applyMembersRemove(ctx, change.groupId, change.memberIds, outcome);
    case 'members.clear':
      return applyMembersClear(ctx, change.groupId, outcome);
  }
}
