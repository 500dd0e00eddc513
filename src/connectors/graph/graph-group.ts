import type { Change, DirectoryMemberRef } from '../../sync/change.js';

/** A group as `groups/delta` returns it, with membership changes in `members@delta`. */
export interface GraphGroup {
  id: string;
  displayName?: string | null;
  description?: string | null;
  '@removed'?: { reason?: string };
  'members@delta'?: GraphMemberDelta[];
}

export interface GraphMemberDelta {
  id: string;
  '@odata.type'?: string;
  '@removed'?: { reason?: string };
}

export const groupSelect = ['displayName', 'description', 'members'];

/**
 * Member types Roster keeps: users, and groups (nested, direct only as Graph reports them).
 * Devices, contacts and service principals are not people on the platform.
 */
function memberType(member: GraphMemberDelta): DirectoryMemberRef['type'] | null {
  const type = (member['@odata.type'] ?? '#microsoft.graph.user').toLowerCase();
  if (type === '#microsoft.graph.user') return 'user';
  if (type === '#microsoft.graph.group') return 'group';
  return null;
}

/** Members added and removed by one group object of a delta page. */
export function memberChanges(group: GraphGroup): { added: DirectoryMemberRef[]; removed: string[] } {
  const added: DirectoryMemberRef[] = [];
  const removed: string[] = [];
  for (const member of group['members@delta'] ?? []) {
    const type = memberType(member);
    if (type === null) continue;
    if (member['@removed'] !== undefined) removed.push(member.id);
    else added.push({ id: member.id, type });
  }
  return { added, removed };
}

/**
 * A group object becomes changes: its upsert first (so the platform group exists before members
 * arrive), then its added and removed members. `displayName` is the name to use, already made
 * unique within the connection by the caller.
 */
export function graphGroupChanges(group: GraphGroup, displayName: string | null): Change[] {
  const changes: Change[] = [];
  if (displayName !== null) {
    changes.push({
      kind: 'group.upsert',
      group: {
        id: group.id,
        externalId: group.id,
        displayName,
        attributes: { displayName: group.displayName ?? null, description: group.description ?? null },
      },
    });
  }
  const { added, removed } = memberChanges(group);
  if (added.length > 0) changes.push({ kind: 'members.add', groupId: group.id, members: added });
  if (removed.length > 0) changes.push({ kind: 'members.remove', groupId: group.id, memberIds: removed });
  return changes;
}
