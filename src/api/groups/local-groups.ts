import { newId } from '../../ids.js';
import { isoNow } from '../../clock.js';
import { toGroupView, type GroupView } from '../../domain/views.js';
import { RosterError, notFound } from '../../errors.js';
import type { Runtime } from '../../runtime.js';
import { appendAudit, type Actor, type NewAuditEntry } from '../../store/audit.js';
import type { Executor } from '../../store/database.js';
import { appendEvents, type NewEvent } from '../../store/events.js';
import {
  addGroupMembers,
  deleteGroup,
  findGroup,
  insertGroup,
  removeGroupMembers,
  renameGroup,
} from '../../store/groups.js';
import type { GroupRow } from '../../store/schema.js';
import { usersByIds } from '../../store/users.js';

/**
 * Admin changes to groups through the API. Local groups are the organization's own; a group a
 * directory provides is changed in Entra, so its name and members are refused here with 409.
 * Changes, events and audit entries commit together; delivery is woken after commit.
 */
export async function createLocalGroup(
  runtime: Runtime,
  organizationId: string,
  displayName: string,
  actor: Actor,
): Promise<GroupView> {
  const now = isoNow(runtime.clock);
  return commitGroupChange(runtime, organizationId, actor, now, async (trx) => {
    const row: GroupRow = {
      id: newId(),
      organization_id: organizationId,
      display_name: displayName,
      source: 'local',
      source_connection_id: null,
      external_id: null,
      member_count: 0,
      created_at: now,
      updated_at: now,
    };
    await insertGroup(trx, row);
    const view = toGroupView(row);
    return {
      result: view,
      events: [{ type: 'group.created', data: { group: view } }],
      audit: [{ action: 'group.created', targetType: 'group', targetId: row.id, after: view }],
    };
  });
}

export async function renameLocalGroup(
  runtime: Runtime,
  organizationId: string,
  groupId: string,
  displayName: string,
  actor: Actor,
): Promise<GroupView> {
  const now = isoNow(runtime.clock);
  return commitGroupChange(runtime, organizationId, actor, now, async (trx) => {
    const group = await localGroup(trx, organizationId, groupId);
    const before = toGroupView(group);
    if (group.display_name === displayName) return { result: before, events: [], audit: [] };
    await renameGroup(trx, organizationId, groupId, displayName, now);
    const view = toGroupView({ ...group, display_name: displayName, updated_at: now });
    return {
      result: view,
      events: [{ type: 'group.updated', data: { group: view, changed: ['displayName'] } }],
      audit: [{ action: 'group.updated', targetType: 'group', targetId: groupId, before, after: view }],
    };
  });
}

export async function deleteLocalGroup(
  runtime: Runtime,
  organizationId: string,
  groupId: string,
  actor: Actor,
): Promise<void> {
  const now = isoNow(runtime.clock);
  await commitGroupChange(runtime, organizationId, actor, now, async (trx) => {
    const group = await localGroup(trx, organizationId, groupId);
    await deleteGroup(trx, organizationId, groupId);
    const view = toGroupView(group);
    return {
      result: undefined,
      events: [{ type: 'group.deleted', data: { group: view } }],
      audit: [{ action: 'group.deleted', targetType: 'group', targetId: groupId, before: view }],
    };
  });
}

/** Adds users to a local group; returns the ids that were not members before. */
export async function addLocalMembers(
  runtime: Runtime,
  organizationId: string,
  groupId: string,
  userIds: readonly string[],
  actor: Actor,
): Promise<string[]> {
  const now = isoNow(runtime.clock);
  return commitGroupChange(runtime, organizationId, actor, now, async (trx) => {
    await localGroup(trx, organizationId, groupId);
    const unique = [...new Set(userIds)];
    const known = await usersByIds(trx, organizationId, unique);
    const missing = unique.filter((id) => !known.some((row) => row.id === id));
    if (missing.length > 0) throw notFound(`User "${missing[0] ?? ''}"`);
    const added = await addGroupMembers(trx, organizationId, groupId, unique, now);
    return {
      result: added,
      events: added.map((userId) => ({ type: 'group.member_added', data: { groupId, userId } })),
      audit:
        added.length === 0
          ? []
          : [
              {
                action: 'group.members_added',
                targetType: 'group',
                targetId: groupId,
                after: { userIds: added },
              },
            ],
    };
  });
}

export async function removeLocalMember(
  runtime: Runtime,
  organizationId: string,
  groupId: string,
  userId: string,
  actor: Actor,
): Promise<void> {
  const now = isoNow(runtime.clock);
  await commitGroupChange(runtime, organizationId, actor, now, async (trx) => {
    await localGroup(trx, organizationId, groupId);
    const removed = await removeGroupMembers(trx, groupId, [userId], now);
    if (removed.length === 0) throw notFound(`Member "${userId}" of group "${groupId}"`);
    return {
      result: undefined,
      events: [{ type: 'group.member_removed', data: { groupId, userId } }],
      audit: [{ action: 'group.member_removed', targetType: 'group', targetId: groupId, before: { userId } }],
    };
  });
}

async function localGroup(trx: Executor, organizationId: string, groupId: string): Promise<GroupRow> {
  const group = await findGroup(trx, organizationId, groupId);
  if (!group) throw notFound(`Group "${groupId}"`);
  if (group.source !== 'local') {
    const connection = group.source_connection_id
      ? await trx
          .selectFrom('connections')
          .select('name')
          .where('id', '=', group.source_connection_id)
          .executeTakeFirst()
      : undefined;
    throw Object.assign(
      new RosterError(
        'locked_by_directory',
        `Group "${group.display_name}" is managed by ${connection?.name ?? 'a directory connection'}; change it in Microsoft Entra ID`,
      ),
      {
        connectionId: group.source_connection_id,
        connectionName: connection?.name ?? null,
        directory: group.source,
      },
    );
  }
  return group;
}

async function commitGroupChange<T>(
  runtime: Runtime,
  organizationId: string,
  actor: Actor,
  now: string,
  work: (trx: Executor) => Promise<{ result: T; events: NewEvent[]; audit: NewAuditEntry[] }>,
): Promise<T> {
  const change = await runtime.store.transaction(async (trx) => {
    const done = await work(trx);
    await appendEvents(trx, organizationId, done.events, now);
    await appendAudit(trx, organizationId, actor, done.audit, now);
    return done;
  });
  if (change.events.length > 0) runtime.eventBus.notify(organizationId);
  return change.result;
}
