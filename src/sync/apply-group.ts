import { randomUUID } from 'node:crypto';
import { toGroupView } from '../domain/views.js';
import { RosterError } from '../errors.js';
import { deleteDirectoryGroup, getDirectoryGroup, saveDirectoryGroup } from '../store/directory.js';
import { deleteGroup, findGroup, insertGroup, renameGroup } from '../store/groups.js';
import type { GroupRow } from '../store/schema.js';
import type { DirectoryGroupInput } from './change.js';
import type { ApplyContext } from './context.js';
import type { Outcome } from './outcome.js';

export async function applyGroupUpsert(
  ctx: ApplyContext,
  input: DirectoryGroupInput,
  outcome: Outcome,
): Promise<void> {
  const { trx, organizationId, connectionId, now } = ctx;
  const existing = await getDirectoryGroup(trx, connectionId, input.id);
  let groupId = existing?.group_id ?? null;
  if (groupId === null && ctx.policy.groups.unmapped === 'mirror') groupId = randomUUID();

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
  if (groupId === null) return;

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
  } else if (group.source_connection_id === connectionId && group.display_name !== input.displayName) {
    await renameGroup(trx, organizationId, group.id, input.displayName, now);
    const view = toGroupView({ ...group, display_name: input.displayName, updated_at: now });
    outcome.emit('group.updated', { group: view, changed: ['displayName'] }, 'groupsUpdated');
  }
}

export async function applyGroupDelete(ctx: ApplyContext, id: string, outcome: Outcome): Promise<void> {
  const { trx, organizationId, connectionId } = ctx;
  const existing = await getDirectoryGroup(trx, connectionId, id);
  if (!existing) throw new RosterError('not_found', `Group "${id}" was not found`);
  await deleteDirectoryGroup(trx, connectionId, id);
  if (!existing.group_id) return;
  const group = await findGroup(trx, organizationId, existing.group_id);
  // Only a group this connection mirrored goes away with it; mapped platform groups stay.
  if (!group || group.source_connection_id !== connectionId) return;
  await deleteGroup(trx, organizationId, group.id);
  outcome.emit('group.deleted', { group: toGroupView(group) }, 'groupsDeleted');
}
