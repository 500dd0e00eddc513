import { sql } from 'kysely';
import { RosterError } from '../../errors.js';
import type { StoredEvent } from '../../store/events.js';
import { raisedByUniqueIndex } from '../../store/unique-violation.js';
import { applyChanges } from '../apply-changes.js';
import type { Change } from '../change.js';
import type { ApplyContext } from '../context.js';
import { Outcome, type ChangeError } from '../outcome.js';

/**
 * Applies one page of a pull inside the caller's transaction. Usually the whole page goes through
 * at once; if one change fails (a userName taken, a name clash), the page is rolled back to a
 * savepoint and replayed change by change, so one bad object is recorded as an error and the
 * other 999 still arrive. Savepoints exist on both engines with the same syntax.
 */
export async function applyPage(
  ctx: ApplyContext,
  changes: readonly Change[],
): Promise<{ outcome: Outcome; events: StoredEvent[] }> {
  if (changes.length === 0) return { outcome: new Outcome(), events: [] };
  try {
    return await withSavepoint(ctx, 'roster_page', () => applyChanges(ctx, changes));
  } catch (error) {
    if (!isObjectError(error)) throw error;
  }
  const outcome = new Outcome();
  const events: StoredEvent[] = [];
  for (const change of changes) {
    try {
      const one = await applyOneChange(ctx, change);
      // merge() keeps the change's events too, so a dry run can list what each change would do.
      outcome.merge(one.outcome);
      events.push(...one.events);
    } catch (error) {
      if (!isObjectError(error)) throw error;
      outcome.errors.push({ objectId: objectIdOf(change), ...fieldOf(error), message: error.message });
    }
  }
  return { outcome, events };
}

/**
 * One change alone. A unique index refusing it means another transaction committed the same
 * email or name a moment ago (PostgreSQL: Entra provisioning over SCIM the person this pull
 * imports); applied once more, it reads that row and joins the person by object id instead.
 */
async function applyOneChange(ctx: ApplyContext, change: Change) {
  try {
    return await withSavepoint(ctx, 'roster_change', () => applyChanges(ctx, [change]));
  } catch (error) {
    if (!raisedByUniqueIndex(error)) throw error;
    return withSavepoint(ctx, 'roster_change', () => applyChanges(ctx, [change]));
  }
}

async function withSavepoint<T>(ctx: ApplyContext, name: string, work: () => Promise<T>): Promise<T> {
  await sql.raw(`savepoint ${name}`).execute(ctx.trx);
  try {
    const result = await work();
    await sql.raw(`release savepoint ${name}`).execute(ctx.trx);
    return result;
  } catch (error) {
    await sql.raw(`rollback to savepoint ${name}`).execute(ctx.trx);
    await sql.raw(`release savepoint ${name}`).execute(ctx.trx);
    throw error;
  }
}

/**
 * Errors about one object's data; anything else (the database gone) fails the whole run. The seat
 * guard is about the batch, not an object: replaying change by change would import users up to
 * the limit, so it fails the run instead.
 */
function isObjectError(error: unknown): error is RosterError {
  return error instanceof RosterError && error.status < 500 && error.code !== 'seat_limit_exceeded';
}

function fieldOf(error: RosterError): Pick<ChangeError, 'field'> {
  return error.field === undefined ? {} : { field: error.field };
}

function objectIdOf(change: Change): string {
  switch (change.kind) {
    case 'user.upsert':
      return change.user.id;
    case 'group.upsert':
      return change.group.id;
    case 'user.delete':
    case 'group.delete':
      return change.id;
    default:
      return change.groupId;
  }
}

export function mergeOutcome(into: Outcome, from: Outcome): void {
  for (const key of Object.keys(into.counts) as (keyof Outcome['counts'])[])
    into.counts[key] += from.counts[key];
  into.errors.push(...from.errors);
}
