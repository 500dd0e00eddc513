import { newId } from '../ids.js';
import { policyReadsGroups } from '../domain/policy/evaluate-scope.js';
import { toGroupView } from '../domain/views.js';
import { RosterError } from '../errors.js';
import { deleteDirectoryGroup, getDirectoryGroup, saveDirectoryGroup } from '../store/directory.js';
import { deleteGroup, findGroup, insertGroup, updateGroup } from '../store/groups.js';
import type { GroupRow } from '../store/schema.js';
import { findMirrorOfEntraGroup, otherProjectingConnection } from '../store/shared-groups.js';
import {
  applyMembersClear,
  projectExistingMembers,
  redecideGroupMembers,
  withdrawExistingMembers,
} from './apply-members.js';
import type { DirectoryGroupInput } from './change.js';
import type { ApplyContext } from './context.js';
import { findGroupMapping, resolveMappedGroup } from './group-mapping.js';
import { otherConnections } from './other-connections.js';
import type { Outcome } from './outcome.js';

/**
 * A directory group becomes: the platform group its mapping names; a mirrored platform group of
 * its own (unmapped, `groups.unmapped: mirror`); or nothing (`ignore`). The same Entra group
 * reached through two connections of the organization has one mirror: the connection that made it
 * owns it (renames it), the other shares it, and it passes to the other when the owner lets go.
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
  const entraId = entraIdOf(ctx, input);
  const previous = existing?.group_id ? existing.group_id : null;
  const previousMirror = previous !== null && (await isMirrorOf(ctx, previous, entraId));
  let groupId: string | null;
  if (mapped) groupId = await resolveMappedGroup(ctx, mapped, outcome);
  else if (ctx.policy.groups.unmapped === 'ignore') groupId = null;
  else if (previousMirror) groupId = previous;
  else groupId = (await sharedMirror(ctx, entraId)) ?? newId();

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
  if (previous !== null && previous !== groupId) {
    // A platform group that stays (mapped, or a mirror another connection keeps) loses the members
    // this directory group brought; a mirror that goes takes them along.
    const stays = !previousMirror || (await heirOf(ctx, previous)) !== undefined;
    if (stays) await withdrawExistingMembers(ctx, input.id, previous, outcome);
    // A mirror the group no longer projects onto (mapped now, or `unmapped: ignore`) goes, as it
    // would with the directory group: nothing else keeps it current.
    if (previousMirror) await deleteMirror(ctx, previous, outcome);
  }
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
  const externalId = entraIdOf(ctx, input);
  if (!group) {
    const row: GroupRow = {
      id: groupId,
      organization_id: organizationId,
      display_name: input.displayName,
      source: ctx.connectorKind,
      source_connection_id: connectionId,
      external_id: externalId,
      member_count: 0,
      created_at: now,
      updated_at: now,
    };
    await insertGroup(trx, row);
    outcome.emit('group.created', { group: toGroupView(row) }, 'groupsCreated');
    return;
  }
  // A mapped platform group keeps its own name; only a mirror follows the directory's: its name,
  // and its Entra object id (Entra may set a SCIM group's externalId after creating it).
  if (mapped || group.source_connection_id !== connectionId) return;
  const changes: Partial<Pick<GroupRow, 'display_name' | 'external_id'>> = {};
  if (group.display_name !== input.displayName) changes.display_name = input.displayName;
  if (externalId !== null && group.external_id !== externalId) changes.external_id = externalId;
  if (Object.keys(changes).length === 0) return;
  await updateGroup(trx, organizationId, group.id, { ...changes, updated_at: now });
  const view = toGroupView({ ...group, ...changes, updated_at: now });
  const changed = Object.keys(changes).map((column) =>
    column === 'display_name' ? 'displayName' : 'externalId',
  );
  outcome.emit('group.updated', { group: view, changed }, 'groupsUpdated');
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
  const entraId = entraIdOf(ctx, { id, externalId: existing.external_id });
  let mirror: string | null = null;
  if (existing.group_id && !mapped && (await isMirrorOf(ctx, existing.group_id, entraId))) {
    mirror = existing.group_id;
  }
  // Members leave first, so auto-remove, scope and role rules see the group go; from a mirror
  // another connection keeps, those only this connection brought leave.
  const shared = mirror !== null && (await heirOf(ctx, mirror)) !== undefined;
  if (mapped || policyReadsGroups(ctx.policy) || shared) await applyMembersClear(ctx, id, outcome);
  await deleteDirectoryGroup(trx, connectionId, id);
  // Only a group this connection mirrored goes away with it; mapped platform groups stay.
  if (mirror !== null) await deleteMirror(ctx, mirror, outcome);
}

/** Another connection whose directory group projects onto the platform group too. */
async function heirOf(ctx: ApplyContext, groupId: string) {
  const others = await otherConnections(ctx);
  return others.length === 0 ? undefined : otherProjectingConnection(ctx.trx, others, groupId);
}

/**
 * A mirror this connection lets go of is deleted, unless another connection's directory group
 * still projects onto it: then that connection takes it over.
 */
async function deleteMirror(ctx: ApplyContext, groupId: string, outcome: Outcome): Promise<void> {
  const group = await findGroup(ctx.trx, ctx.organizationId, groupId);
  if (!group) return;
  const heir = await heirOf(ctx, groupId);
  if (heir === undefined) {
    await deleteGroup(ctx.trx, ctx.organizationId, group.id);
    outcome.emit('group.deleted', { group: toGroupView(group) }, 'groupsDeleted');
    return;
  }
  if (group.source_connection_id !== ctx.connectionId) return;
  await ctx.trx
    .updateTable('groups')
    .set({ source: heir.kind, source_connection_id: heir.id, updated_at: ctx.now })
    .where('organization_id', '=', ctx.organizationId)
    .where('id', '=', groupId)
    .execute();
  const view = toGroupView({
    ...group,
    source: heir.kind,
    source_connection_id: heir.id,
    updated_at: ctx.now,
  });
  outcome.emit('group.updated', { group: view, changed: ['source', 'connectionId'] }, 'groupsUpdated');
}

/** The Entra object id of a directory group: Graph's id; what Entra sends as SCIM `externalId`. */
function entraIdOf(ctx: ApplyContext, group: { id: string; externalId: string | null }): string | null {
  return ctx.connectorKind === 'graph' ? group.id : group.externalId;
}

/** Another connection's mirror of the same Entra group, to share rather than duplicate. */
async function sharedMirror(ctx: ApplyContext, entraId: string | null): Promise<string | undefined> {
  if (entraId === null) return undefined;
  const others = await otherConnections(ctx);
  const found = await findMirrorOfEntraGroup(ctx.trx, ctx.organizationId, others, entraId);
  return found !== undefined && (await isMirrorOf(ctx, found, entraId)) ? found : undefined;
}

/**
 * A mirror of this directory group: a platform group a connection created (this one, or another
 * for the same Entra group), that no mapping of this policy targets.
 */
async function isMirrorOf(ctx: ApplyContext, groupId: string, entraId: string | null): Promise<boolean> {
  const group = await findGroup(ctx.trx, ctx.organizationId, groupId);
  if (!group || group.source_connection_id === null) return false;
  const mine =
    group.source_connection_id === ctx.connectionId || (entraId !== null && group.external_id === entraId);
  if (!mine) return false;
  return !ctx.policy.groups.mappings.some(
    (mapping) =>
      ('id' in mapping.platformGroup && mapping.platformGroup.id === groupId) ||
      ('create' in mapping.platformGroup &&
        mapping.platformGroup.create.toLowerCase() === group.display_name.toLowerCase()),
  );
}
