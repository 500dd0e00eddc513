import { newId } from '../ids.js';
import { policyReadsGroups } from '../domain/policy/evaluate-scope.js';
import { toGroupView } from '../domain/views.js';
import { RosterError } from '../errors.js';
import { deleteDirectoryGroup, getDirectoryGroup, saveDirectoryGroup } from '../store/directory.js';
import { deleteGroup, findGroup, insertGroup, renameGroup } from '../store/groups.js';
import type { GroupRow } from '../store/schema.js';
import { applyMembersClear, projectExistingMembers, redecideGroupMembers } from './apply-members.js';
import type { DirectoryGroupInput } from './change.js';
import type { ApplyContext } from './context.js';
import { findGroupMapping, resolveMappedGroup } from './group-mapping.js';
import type { Outcome } from './outcome.js';

/**
 * A directory group becomes: the platform group its mapping names; a mirrored platform group of
 * its own (unmapped, `groups.unmapped: mirror`); or nothing (`ignore`).
 */
export async function applyGroupUpsert(
  ctx: ApplyContext,
  input: DirectoryGroupInput,
  outcome: Outcome,
): Promise<void> {
  const { trx, organizationId, connectionId, now } = ctx;
  const existing = await getDirectoryGroup(trx, connectionId, input.id);
  const mapped = findGroupMapping(ctx, {
    id: input.id,
    externalId: input.externalId,
    displayName: input.displayName,
  });
  const previous = existing?.group_id ? existing.group_id : null;
  const previousMirror = previous !== null && (await isMirrorOf(ctx, previous));
  let groupId: string | null;
  if (mapped) groupId = await resolveMappedGroup(ctx, mapped, outcome);
  else if (ctx.policy.groups.unmapped === 'ignore') groupId = null;
  else groupId = previousMirror ? previous : newId();

  await saveDirectoryGroup(
    trx,
    {
      connection_id: connectionId,
      id: input.id,
      organization_id: organizationId,
      external_id: input.externalId,
      display_name: input.displayName,
      display_name_key: input.displayName.toLowerCase(),
      attributes: JSON.stringify(input.attributes),
      version: (existing?.version ?? 0) + 1,
      group_id: groupId,
      created_at: existing?.created_at ?? now,
      updated_at: now,
    },
    existing === undefined,
  );
  if (groupId !== null) await projectPlatformGroup(ctx, input, groupId, mapped !== undefined, outcome);
  // The group now projects elsewhere (a mapping added, or a mirror after `ignore`): its members follow.
  if (existing !== undefined && existing.group_id !== groupId) {
    await projectExistingMembers(ctx, input.id, groupId, outcome);
  }
  // A mirror the group no longer projects onto (mapped now, or `unmapped: ignore`) goes, as it
  // would with the directory group: nothing else keeps it current.
  if (previousMirror && previous !== groupId) await deleteMirror(ctx, previous, outcome);
  // Scope and role rules may name the group: its members are decided again under the new name.
  if (existing !== undefined && existing.display_name !== input.displayName) {
    await redecideGroupMembers(ctx, input.id, outcome);
  }
}

/** Creates the platform group a directory group projects onto, or renames a mirror with it. */
async function projectPlatformGroup(
  ctx: ApplyContext,
  input: DirectoryGroupInput,
  groupId: string,
  mapped: boolean,
  outcome: Outcome,
): Promise<void> {
  const { trx, organizationId, connectionId, now } = ctx;
  const group = await findGroup(trx, organizationId, groupId);
  if (!group) {
    const row: GroupRow = {
      id: groupId,
      organization_id: organizationId,
      display_name: input.displayName,
      source: ctx.connectorKind,
      source_connection_id: connectionId,
      external_id: input.externalId ?? (ctx.connectorKind === 'graph' ? input.id : null),
      member_count: 0,
      created_at: now,
      updated_at: now,
    };
    await insertGroup(trx, row);
    outcome.emit('group.created', { group: toGroupView(row) }, 'groupsCreated');
  } else if (
    !mapped &&
    group.source_connection_id === connectionId &&
    group.display_name !== input.displayName
  ) {
    // A mapped platform group keeps its own name; only a mirror follows the directory's.
    await renameGroup(trx, organizationId, group.id, input.displayName, now);
    const view = toGroupView({ ...group, display_name: input.displayName, updated_at: now });
    outcome.emit('group.updated', { group: view, changed: ['displayName'] }, 'groupsUpdated');
  }
}

export async function applyGroupDelete(ctx: ApplyContext, id: string, outcome: Outcome): Promise<void> {
  const { trx, connectionId } = ctx;
  const existing = await getDirectoryGroup(trx, connectionId, id);
  if (!existing) throw new RosterError('not_found', `Group "${id}" was not found`);
  const mapped = findGroupMapping(ctx, {
    id,
    externalId: existing.external_id,
    displayName: existing.display_name,
  });
  // Members leave first, so auto-remove, scope and role rules see the group go.
  if (mapped || policyReadsGroups(ctx.policy)) await applyMembersClear(ctx, id, outcome);
  await deleteDirectoryGroup(trx, connectionId, id);
  // Only a group this connection mirrored goes away with it; mapped platform groups stay.
  if (!existing.group_id || mapped || !(await isMirrorOf(ctx, existing.group_id))) return;
  await deleteMirror(ctx, existing.group_id, outcome);
}

async function deleteMirror(ctx: ApplyContext, groupId: string, outcome: Outcome): Promise<void> {
  const group = await findGroup(ctx.trx, ctx.organizationId, groupId);
  if (!group) return;
  await deleteGroup(ctx.trx, ctx.organizationId, group.id);
  outcome.emit('group.deleted', { group: toGroupView(group) }, 'groupsDeleted');
}

/** A platform group this connection created as a mirror: its own source, and no mapping's target. */
async function isMirrorOf(ctx: ApplyContext, groupId: string): Promise<boolean> {
  const group = await findGroup(ctx.trx, ctx.organizationId, groupId);
  if (!group || group.source_connection_id !== ctx.connectionId) return false;
  return !ctx.policy.groups.mappings.some(
    (mapping) =>
      ('id' in mapping.platformGroup && mapping.platformGroup.id === groupId) ||
      ('create' in mapping.platformGroup &&
        mapping.platformGroup.create.toLowerCase() === group.display_name.toLowerCase()),
  );
}
