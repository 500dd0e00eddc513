import {
  deleteDirectoryMembers,
  directoryUsersByIds,
  existingDirectoryMembers,
  getDirectoryGroup,
  insertDirectoryMembers,
  pageDirectoryMembers,
} from '../store/directory.js';
import { addGroupMembers, removeGroupMembers } from '../store/groups.js';
import type { DirectoryMemberRef } from './change.js';
import type { ApplyContext } from './context.js';
import type { Outcome } from './outcome.js';

/**
 * Membership changes touch only the rows named: adding one member to a 100,000-member group costs
 * the same as adding one to a group of two.
 */
export async function applyMembersAdd(
  ctx: ApplyContext,
  groupId: string,
  members: readonly DirectoryMemberRef[],
  outcome: Outcome,
): Promise<void> {
  const { trx, organizationId, connectionId, now } = ctx;
  const unique = [...new Map(members.map((member) => [member.id, member])).values()];
  const present = await existingDirectoryMembers(
    trx,
    connectionId,
    groupId,
    unique.map((member) => member.id),
  );
  const fresh = unique.filter((member) => !present.has(member.id));
  if (fresh.length === 0) return;
  await insertDirectoryMembers(
    trx,
    fresh.map((member) => ({
      connection_id: connectionId,
      group_id: groupId,
      member_id: member.id,
      organization_id: organizationId,
      member_type: member.type,
    })),
  );
  const platformGroupId = await platformGroupOf(ctx, groupId);
  if (platformGroupId === null) return;
  const userIds = await platformUsersOf(
    ctx,
    fresh.filter((member) => member.type === 'user').map((member) => member.id),
  );
  for (const userId of await addGroupMembers(trx, organizationId, platformGroupId, userIds, now)) {
    outcome.emit('group.member_added', { groupId: platformGroupId, userId }, 'membershipsAdded');
  }
}

export async function applyMembersRemove(
  ctx: ApplyContext,
  groupId: string,
  memberIds: readonly string[],
  outcome: Outcome,
): Promise<void> {
  const { trx, connectionId, now } = ctx;
  const present = [...(await existingDirectoryMembers(trx, connectionId, groupId, memberIds))];
  if (present.length === 0) return;
  await deleteDirectoryMembers(trx, connectionId, groupId, present);
  if (!ctx.policy.lifecycle.autoRemoveFromGroups) return;
  const platformGroupId = await platformGroupOf(ctx, groupId);
  if (platformGroupId === null) return;
  const userIds = await platformUsersOf(ctx, present);
  for (const userId of await removeGroupMembers(trx, platformGroupId, userIds, now)) {
    outcome.emit('group.member_removed', { groupId: platformGroupId, userId }, 'membershipsRemoved');
  }
}

export async function applyMembersClear(ctx: ApplyContext, groupId: string, outcome: Outcome): Promise<void> {
  for (;;) {
    const page = await pageDirectoryMembers(ctx.trx, ctx.connectionId, groupId, { limit: 1000 });
    if (page.length === 0) return;
    await applyMembersRemove(
      ctx,
      groupId,
      page.map((row) => row.member_id),
      outcome,
    );
  }
}

async function platformGroupOf(ctx: ApplyContext, directoryGroupId: string): Promise<string | null> {
  const group = await getDirectoryGroup(ctx.trx, ctx.connectionId, directoryGroupId);
  return group?.group_id ?? null;
}

async function platformUsersOf(ctx: ApplyContext, directoryUserIds: readonly string[]): Promise<string[]> {
  const rows = await directoryUsersByIds(ctx.trx, ctx.connectionId, directoryUserIds);
  return rows.map((row) => row.user_id).filter((id): id is string => id !== null);
}
