import { appendEvents, type StoredEvent } from '../store/events.js';
import type { Change } from './change.js';
import type { ApplyContext } from './context.js';
import { applyGroupDelete, applyGroupUpsert } from './apply-group.js';
import { applyMembersAdd, applyMembersClear, applyMembersRemove } from './apply-members.js';
import { applyUserDelete, applyUserUpsert } from './apply-user.js';
import { Outcome } from './outcome.js';

/**
 * The road: applies a batch of changes through policy inside the caller's transaction, then
 * appends the events they caused to the organization's log in that same transaction. Delivery is
 * woken by the caller after commit, never from inside.
 */
export async function applyChanges(
  ctx: ApplyContext,
  changes: readonly Change[],
): Promise<{ outcome: Outcome; events: StoredEvent[] }> {
  const outcome = new Outcome();
  for (const change of changes) await applyChange(ctx, change, outcome);
  const events = await appendEvents(ctx.trx, ctx.organizationId, outcome.events, ctx.now);
  return { outcome, events };
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
