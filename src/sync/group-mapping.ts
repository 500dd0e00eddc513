import { newId } from '../ids.js';
import { groupRefMatches, type DirectoryGroupFacts, type GroupMapping } from '../domain/policy/policy.js';
import { toGroupView } from '../domain/views.js';
import { RosterError } from '../errors.js';
import { findGroupByName } from '../store/directory-memberships.js';
import { findGroup, insertGroup } from '../store/groups.js';
import type { GroupRow } from '../store/schema.js';
import type { ApplyContext } from './context.js';
import type { Outcome } from './outcome.js';

/** The policy's mapping for a directory group, and its index (for errors naming the setting). */
export function findGroupMapping(
  ctx: ApplyContext,
  group: DirectoryGroupFacts,
): { mapping: GroupMapping; index: number } | undefined {
  const index = ctx.policy.groups.mappings.findIndex((mapping) =>
    groupRefMatches(mapping.directoryGroup, group),
  );
  const mapping = ctx.policy.groups.mappings[index];
  return mapping === undefined ? undefined : { mapping, index };
}

/** Whether users leave the mapped platform group with the directory group: the mapping's say, else lifecycle's. */
export function autoRemoves(ctx: ApplyContext, mapping: GroupMapping | undefined): boolean {
  return mapping?.autoRemove ?? ctx.policy.lifecycle.autoRemoveFromGroups;
}

/**
 * The platform group a mapping points at: an existing one by id (which must exist in this
 * organization), or one by name, created when the organization has none of that name.
 */
export async function resolveMappedGroup(
  ctx: ApplyContext,
  found: { mapping: GroupMapping; index: number },
  outcome: Outcome,
): Promise<string> {
  const target = found.mapping.platformGroup;
  if ('id' in target) {
    if (await findGroup(ctx.trx, ctx.organizationId, target.id)) return target.id;
    throw new RosterError(
      'invalid_input',
      `groups.mappings[${found.index}].platformGroup.id: platform group "${target.id}" does not exist in this organization`,
      { field: `groups.mappings[${found.index}].platformGroup.id` },
    );
  }
  const existing = await findGroupByName(ctx.trx, ctx.organizationId, target.create);
  if (existing) return existing.id;
  // A group a mapping creates belongs to the platform, not to the connection: no directory change
  // renames or deletes it, and it outlives the mapping.
  const row: Omit<GroupRow, 'member_count'> = {
    id: newId(),
    organization_id: ctx.organizationId,
    display_name: target.create,
    source: 'local',
    source_connection_id: null,
    external_id: null,
    created_at: ctx.now,
    updated_at: ctx.now,
  };
  await insertGroup(ctx.trx, row);
  outcome.emit('group.created', { group: toGroupView({ ...row, member_count: 0 }) }, 'groupsCreated');
  return row.id;
}
