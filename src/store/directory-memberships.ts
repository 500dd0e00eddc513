import type { DirectoryGroupFacts } from '../domain/policy/policy.js';
import { unicodeLower, type Executor } from './database.js';
import { chunks } from './statement-shapes.js';

/**
 * Membership queries policy needs beyond the SCIM view: a user's groups (and the groups above
 * them, for nested scope), the users below a group, and which users still reach a platform group
 * through another directory group. Each walks the `(connection_id, member_id)` or primary-key index.
 */

/** Groups that directly contain any of `memberIds`. */
export async function parentGroupIds(
  db: Executor,
  connectionId: string,
  memberIds: readonly string[],
): Promise<string[]> {
  const found = new Set<string>();
  for (const chunk of chunks(memberIds)) {
    const rows = await db
      .selectFrom('directory_memberships')
      .select('group_id')
      .where('connection_id', '=', connectionId)
      .where('member_id', 'in', chunk)
      .execute();
    for (const row of rows) found.add(row.group_id);
  }
  return [...found];
}

/** The members of groups, with their type, as rows (a group's members are read whole, so callers page by group). */
export async function membersOfGroups(
  db: Executor,
  connectionId: string,
  groupIds: readonly string[],
): Promise<{ member_id: string; member_type: 'user' | 'group' }[]> {
  const rows: { member_id: string; member_type: 'user' | 'group' }[] = [];
  for (const chunk of chunks(groupIds)) {
    rows.push(
      ...(await db
        .selectFrom('directory_memberships')
        .select(['member_id', 'member_type'])
        .where('connection_id', '=', connectionId)
        .where('group_id', 'in', chunk)
        .execute()),
    );
  }
  return rows;
}

/** The member type of each of `memberIds` in a group, for members about to be removed. */
export async function memberTypes(
  db: Executor,
  connectionId: string,
  groupId: string,
  memberIds: readonly string[],
): Promise<Map<string, 'user' | 'group'>> {
  const types = new Map<string, 'user' | 'group'>();
  for (const chunk of chunks(memberIds)) {
    const rows = await db
      .selectFrom('directory_memberships')
      .select(['member_id', 'member_type'])
      .where('connection_id', '=', connectionId)
      .where('group_id', '=', groupId)
      .where('member_id', 'in', chunk)
      .execute();
    for (const row of rows) types.set(row.member_id, row.member_type);
  }
  return types;
}

export async function directoryGroupFacts(
  db: Executor,
  connectionId: string,
  groupIds: readonly string[],
): Promise<DirectoryGroupFacts[]> {
  const facts: DirectoryGroupFacts[] = [];
  for (const chunk of chunks(groupIds)) {
    const rows = await db
      .selectFrom('directory_groups')
      .select(['id', 'external_id', 'display_name'])
      .where('connection_id', '=', connectionId)
      .where('id', 'in', chunk)
      .execute();
    for (const row of rows)
      facts.push({ id: row.id, externalId: row.external_id, displayName: row.display_name });
  }
  return facts;
}

/**
 * Of `directoryUserIds`, those still directly in another directory group of this connection that
 * projects onto `platformGroupId`: auto-remove must leave them in the platform group.
 */
export async function stillReachPlatformGroup(
  db: Executor,
  connectionId: string,
  platformGroupId: string,
  directoryUserIds: readonly string[],
): Promise<Set<string>> {
  const kept = new Set<string>();
  for (const chunk of chunks(directoryUserIds)) {
    const rows = await db
      .selectFrom('directory_memberships as m')
      .innerJoin('directory_groups as g', (join) =>
        join.onRef('g.connection_id', '=', 'm.connection_id').onRef('g.id', '=', 'm.group_id'),
      )
      .select('m.member_id')
      .where('m.connection_id', '=', connectionId)
      .where('g.group_id', '=', platformGroupId)
      .where('m.member_id', 'in', chunk)
      .execute();
    for (const row of rows) kept.add(row.member_id);
  }
  return kept;
}

/** Platform groups a directory user reaches through its direct directory groups. */
export async function platformGroupsOfDirectoryUser(
  db: Executor,
  connectionId: string,
  directoryUserId: string,
): Promise<string[]> {
  return (
    (await platformGroupsOfDirectoryUsers(db, connectionId, [directoryUserId])).get(directoryUserId) ?? []
  );
}

/** The platform groups each directory user's direct groups project onto (users in none left out). */
export async function platformGroupsOfDirectoryUsers(
  db: Executor,
  connectionId: string,
  directoryUserIds: readonly string[],
): Promise<Map<string, string[]>> {
  const groups = new Map<string, Set<string>>();
  for (const batch of chunks(directoryUserIds)) {
    const rows = await db
      .selectFrom('directory_memberships as m')
      .innerJoin('directory_groups as g', (join) =>
        join.onRef('g.connection_id', '=', 'm.connection_id').onRef('g.id', '=', 'm.group_id'),
      )
      .select(['m.member_id', 'g.group_id'])
      .where('m.connection_id', '=', connectionId)
      .where('m.member_id', 'in', batch)
      .where('g.group_id', 'is not', null)
      .execute();
    for (const row of rows) {
      if (row.group_id === null) continue;
      groups.set(row.member_id, (groups.get(row.member_id) ?? new Set()).add(row.group_id));
    }
  }
  return new Map([...groups].map(([id, set]) => [id, [...set]]));
}

/** A platform group of the organization by name, case-insensitively, for mappings that create by name. */
export async function findGroupByName(
  db: Executor,
  organizationId: string,
  name: string,
): Promise<{ id: string } | undefined> {
  return db
    .selectFrom('groups')
    .select('id')
    .where('organization_id', '=', organizationId)
    .where((eb) => eb(unicodeLower(db, eb.ref('display_name')), '=', unicodeLower(db, eb.val(name))))
    .orderBy('created_at')
    .executeTakeFirst();
}
