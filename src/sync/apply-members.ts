import { policyReadsGroups } from '../domain/policy/evaluate-scope.js';
import { getDirectoryUserPolicy } from '../store/directory-user-policy.js';
import { memberTypes, stillReachPlatformGroup } from '../store/directory-memberships.js';
import {
  deleteDirectoryMembers,
  directoryUsersByIds,
  getDirectoryGroup,
  insertDirectoryMembers,
  pageDirectoryMembers,
} from '../store/directory.js';
import { addGroupMembers, removeGroupMembers } from '../store/groups.js';
import { platformUsersReachingViaOthers } from '../store/shared-groups.js';
import type { DirectoryMemberRef } from './change.js';
import type { ApplyContext } from './context.js';
import { autoRemoves, findGroupMapping } from './group-mapping.js';
import { otherConnections } from './other-connections.js';
import type { Outcome } from './outcome.js';
import { projectDirectoryUser } from './project-user.js';
import { affectedUsers } from './user-groups.js';

/**
 * Membership changes touch only the rows named: adding one member to a 100,000-member group costs
 * the same as adding one to a group of two. When policy reads groups (group scope, `memberOf`
 * filters, role rules), the users a change touches are decided again: a user added to a group in
 * scope comes in, one removed goes out through the lifecycle.
 */
export async function applyMembersAdd(
  ctx: ApplyContext,
  groupId: string,
  members: readonly DirectoryMemberRef[],
  outcome: Outcome,
): Promise<void> {
  const { trx, organizationId, connectionId, now } = ctx;
  const unique = [...new Map(members.map((member) => [member.id, member])).values()];
  const inserted = await insertDirectoryMembers(
    trx,
    unique.map((member) => ({
      connection_id: connectionId,
      group_id: groupId,
      member_id: member.id,
      organization_id: organizationId,
      member_type: member.type,
    })),
  );
  const fresh = unique.filter((member) => inserted.has(member.id));
  if (fresh.length === 0) return;
  // Users coming into scope are created here and join all their groups, this one included.
  await redecideUsers(ctx, fresh, outcome);
  const group = await getDirectoryGroup(trx, connectionId, groupId);
  if (!group?.group_id) return;
  const userIds = await platformUsersOf(
    ctx,
    fresh.filter((member) => member.type === 'user').map((member) => member.id),
  );
  for (const userId of await addGroupMembers(trx, organizationId, group.group_id, userIds, now)) {
    outcome.emit('group.member_added', { groupId: group.group_id, userId }, 'membershipsAdded');
  }
}

export async function applyMembersRemove(
  ctx: ApplyContext,
  groupId: string,
  memberIds: readonly string[],
  outcome: Outcome,
): Promise<void> {
  const { trx, connectionId } = ctx;
  const types = await memberTypes(trx, connectionId, groupId, [...new Set(memberIds)]);
  if (types.size === 0) return;
  const present = [...types.keys()];
  await deleteDirectoryMembers(trx, connectionId, groupId, present);
  const group = await getDirectoryGroup(trx, connectionId, groupId);
  if (group?.group_id) {
    const platformGroupId = group.group_id;
    const mapped = findGroupMapping(ctx, {
      id: group.id,
      externalId: group.external_id,
      displayName: group.display_name,
    });
    if (autoRemoves(ctx, mapped?.mapping)) {
      const users = present.filter((id) => types.get(id) === 'user');
      await removeUnreached(ctx, platformGroupId, users, outcome);
    }
  }
  await redecideUsers(
    ctx,
    present.map((id) => ({ id, type: types.get(id) ?? 'user' })),
    outcome,
  );
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

/** A directory group now projects onto another platform group: its current user members join it. */
export async function projectExistingMembers(
  ctx: ApplyContext,
  directoryGroupId: string,
  platformGroupId: string | null,
  outcome: Outcome,
): Promise<void> {
  if (platformGroupId === null) return;
  await forEachMemberPage(ctx, directoryGroupId, async (page) => {
    const users = page.filter((row) => row.member_type === 'user').map((row) => row.member_id);
    const userIds = await platformUsersOf(ctx, users);
    for (const userId of await addGroupMembers(
      ctx.trx,
      ctx.organizationId,
      platformGroupId,
      userIds,
      ctx.now,
    )) {
      outcome.emit('group.member_added', { groupId: platformGroupId, userId }, 'membershipsAdded');
    }
  });
}

/**
 * A directory group no longer projects onto `platformGroupId` (its mapping went or moved, or it
 * stopped sharing another connection's mirror): the users it brought there leave, as they would
 * have left one by one, unless something else still brings them. The mapping that put them there
 * is no longer in the policy, so the policy's default auto-remove rule decides.
 */
export async function withdrawExistingMembers(
  ctx: ApplyContext,
  directoryGroupId: string,
  platformGroupId: string,
  outcome: Outcome,
): Promise<void> {
  if (!autoRemoves(ctx, undefined)) return;
  await forEachMemberPage(ctx, directoryGroupId, async (page) => {
    const users = page.filter((row) => row.member_type === 'user').map((row) => row.member_id);
    await removeUnreached(ctx, platformGroupId, users, outcome);
  });
}

/** Takes directory users out of a platform group, but not those another directory group still brings. */
async function removeUnreached(
  ctx: ApplyContext,
  platformGroupId: string,
  directoryUserIds: readonly string[],
  outcome: Outcome,
): Promise<void> {
  // A user still in another directory group that projects onto the same platform group stays...
  const kept = await stillReachPlatformGroup(ctx.trx, ctx.connectionId, platformGroupId, directoryUserIds);
  let userIds = await platformUsersOf(
    ctx,
    directoryUserIds.filter((id) => !kept.has(id)),
  );
  // ...or through another connection's copy of the group (two connections to one tenant).
  const others = await otherConnections(ctx);
  if (others.length > 0 && userIds.length > 0) {
    const elsewhere = await platformUsersReachingViaOthers(ctx.trx, others, platformGroupId, userIds);
    userIds = userIds.filter((id) => !elsewhere.has(id));
  }
  for (const userId of await removeGroupMembers(ctx.trx, platformGroupId, userIds, ctx.now)) {
    outcome.emit('group.member_removed', { groupId: platformGroupId, userId }, 'membershipsRemoved');
  }
}

/** Decides every member of a group again (the group was renamed, and policy names groups by name). */
export async function redecideGroupMembers(
  ctx: ApplyContext,
  directoryGroupId: string,
  outcome: Outcome,
): Promise<void> {
  if (!policyReadsGroups(ctx.policy)) return;
  await forEachMemberPage(ctx, directoryGroupId, (page) =>
    redecideUsers(
      ctx,
      page.map((row) => ({ id: row.member_id, type: row.member_type })),
      outcome,
    ),
  );
}

/** A directory group's members a thousand at a time, so a group of any size costs bounded memory. */
async function forEachMemberPage(
  ctx: ApplyContext,
  directoryGroupId: string,
  visit: (page: Awaited<ReturnType<typeof pageDirectoryMembers>>) => Promise<void>,
): Promise<void> {
  for (let after: string | undefined; ;) {
    const page = await pageDirectoryMembers(ctx.trx, ctx.connectionId, directoryGroupId, {
      limit: 1000,
      ...(after === undefined ? {} : { after }),
    });
    if (page.length === 0) return;
    after = page[page.length - 1]?.member_id;
    await visit(page);
  }
}

/**
 * Decides the touched users again from their stored source. A user that policy now rejects is
 * recorded, never thrown: the membership change itself is sound, and one user must not stop it.
 */
async function redecideUsers(
  ctx: ApplyContext,
  members: readonly DirectoryMemberRef[],
  outcome: Outcome,
): Promise<void> {
  if (!policyReadsGroups(ctx.policy)) return;
  const ids = await affectedUsers(ctx, members);
  for (const row of await directoryUsersByIds(ctx.trx, ctx.connectionId, ids)) {
    const state = await getDirectoryUserPolicy(ctx.trx, ctx.connectionId, row.id);
    if (state === undefined) continue;
    await projectDirectoryUser(ctx, row, state.source, outcome, 'record');
  }
}

async function platformUsersOf(ctx: ApplyContext, directoryUserIds: readonly string[]): Promise<string[]> {
  const rows = await directoryUsersByIds(ctx.trx, ctx.connectionId, directoryUserIds);
  return rows.map((row) => row.user_id).filter((id): id is string => id !== null);
}
