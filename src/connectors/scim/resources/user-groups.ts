import type { Executor } from '../../../store/database.js';
import { chunks } from '../../../store/statement-shapes.js';

/** One value of a User's readOnly `groups` (RFC 7643 §4.1.2). */
export interface UserGroupReference {
  value: string;
  $ref: string;
  display: string;
  type: 'direct';
}

/**
 * The groups each of `userIds` is a direct member of, by user id, read from the stored directory
 * memberships: one query per 512 users, through the `(connection_id, member_id, group_id)` index,
 * so a page of users costs one query and a group's member list is never read. Groups come in
 * displayName order. Nested memberships are not followed: `type` is always "direct".
 */
export async function loadUserGroups(
  db: Executor,
  connectionId: string,
  userIds: readonly string[],
  baseUrl: string,
): Promise<Map<string, UserGroupReference[]>> {
  const byUser = new Map<string, UserGroupReference[]>();
  for (const batch of chunks([...new Set(userIds)])) {
    const rows = await db
      .selectFrom('directory_memberships as m')
      .innerJoin('directory_groups as g', (join) =>
        join.onRef('g.connection_id', '=', 'm.connection_id').onRef('g.id', '=', 'm.group_id'),
      )
      .select(['m.member_id', 'g.id', 'g.display_name'])
      .where('m.connection_id', '=', connectionId)
      .where('m.member_id', 'in', batch)
      .where('m.member_type', '=', 'user')
      .orderBy('g.display_name_key')
      .orderBy('g.id')
      .execute();
    for (const row of rows) {
      const groups = byUser.get(row.member_id) ?? [];
      groups.push({
        value: row.id,
        $ref: `${baseUrl}/Groups/${row.id}`,
        display: row.display_name,
        type: 'direct',
      });
      byUser.set(row.member_id, groups);
    }
  }
  return byUser;
}

/**
 * The users directly in `groupId`, as a subquery of user ids: the rows `loadUserGroups` reads,
 * seen from the group's side through the `(connection_id, group_id, member_id)` primary key, so
 * `groups[value eq "…"]` finds exactly the users whose `groups` hold that value.
 */
export function userMembersOfGroup(db: Executor, connectionId: string, groupId: string) {
  return db
    .selectFrom('directory_memberships as m')
    .innerJoin('directory_groups as g', (join) =>
      join.onRef('g.connection_id', '=', 'm.connection_id').onRef('g.id', '=', 'm.group_id'),
    )
    .select('m.member_id')
    .where('m.connection_id', '=', connectionId)
    .where('m.group_id', '=', groupId)
    .where('m.member_type', '=', 'user');
}
