import { containsText, type Executor } from './database.js';
import type { GroupRow } from './schema.js';
import { chunks, statementBatches } from './statement-shapes.js';

/** The platform's groups; memberships are rows and `member_count` is kept beside them. */

export async function findGroup(
  db: Executor,
  organizationId: string,
  groupId: string,
): Promise<GroupRow | undefined> {
  return db
    .selectFrom('groups')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .where('id', '=', groupId)
    .executeTakeFirst();
}

export async function insertGroup(db: Executor, row: Omit<GroupRow, 'member_count'>): Promise<void> {
  await db
    .insertInto('groups')
    .values({ ...row, member_count: 0 })
    .execute();
}

export async function renameGroup(
  db: Executor,
  organizationId: string,
  groupId: string,
  displayName: string,
  now: string,
): Promise<void> {
  await db
    .updateTable('groups')
    .set({ display_name: displayName, updated_at: now })
    .where('organization_id', '=', organizationId)
    .where('id', '=', groupId)
    .execute();
}

/** Sets a group's own columns (a mirror following its directory group). */
export async function updateGroup(
  db: Executor,
  organizationId: string,
  groupId: string,
  changes: Partial<Pick<GroupRow, 'display_name' | 'external_id' | 'updated_at'>>,
): Promise<void> {
  await db
    .updateTable('groups')
    .set(changes)
    .where('organization_id', '=', organizationId)
    .where('id', '=', groupId)
    .execute();
}

export async function deleteGroup(db: Executor, organizationId: string, groupId: string): Promise<void> {
  await db.deleteFrom('group_members').where('group_id', '=', groupId).execute();
  await db
    .deleteFrom('groups')
    .where('organization_id', '=', organizationId)
    .where('id', '=', groupId)
    .execute();
}

/** Which of `userIds` (one chunk) are members of the group: one primary-key probe. */
async function membersAmong(db: Executor, groupId: string, userIds: readonly string[]): Promise<Set<string>> {
  const rows = await db
    .selectFrom('group_members')
    .select('user_id')
    .where('group_id', '=', groupId)
    .where('user_id', 'in', userIds)
    .execute();
  return new Set(rows.map((row) => row.user_id));
}

/**
 * Adds users to a group and returns those that were not members before. Rows already there are
 * skipped by the insert itself (ON CONFLICT DO NOTHING … RETURNING), which also keeps two
 * concurrent adds of one member from failing on PostgreSQL.
 */
export async function addGroupMembers(
  db: Executor,
  organizationId: string,
  groupId: string,
  userIds: readonly string[],
  now: string,
): Promise<string[]> {
  const added: string[] = [];
  for (const batch of statementBatches([...new Set(userIds)], 512)) {
    const rows = await db
      .insertInto('group_members')
      .values(
        batch.map((user_id) => ({
          group_id: groupId,
          user_id,
          organization_id: organizationId,
          created_at: now,
        })),
      )
      .onConflict((conflict) => conflict.columns(['group_id', 'user_id']).doNothing())
      .returning('user_id')
      .execute();
    for (const row of rows) added.push(row.user_id);
  }
  if (added.length > 0) await adjustMemberCount(db, groupId, added.length, now);
  return added;
}

/** Removes users from a group and returns those that were members. */
export async function removeGroupMembers(
  db: Executor,
  groupId: string,
  userIds: readonly string[],
  now: string,
): Promise<string[]> {
  const removed: string[] = [];
  for (const chunk of chunks(userIds)) {
    const ids = [...(await membersAmong(db, groupId, [...new Set(chunk)]))];
    if (ids.length === 0) continue;
    await db
      .deleteFrom('group_members')
      .where('group_id', '=', groupId)
      .where('user_id', 'in', ids)
      .execute();
    removed.push(...ids);
  }
  if (removed.length > 0) await adjustMemberCount(db, groupId, -removed.length, now);
  return removed;
}

async function adjustMemberCount(db: Executor, groupId: string, delta: number, now: string): Promise<void> {
  await db
    .updateTable('groups')
    .set((eb) => ({ member_count: eb('member_count', '+', delta), updated_at: now }))
    .where('id', '=', groupId)
    .execute();
}

export async function groupIdsOfUser(db: Executor, userId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('group_members')
    .select('group_id')
    .where('user_id', '=', userId)
    .execute();
  return rows.map((row) => row.group_id);
}

export async function listGroups(
  db: Executor,
  organizationId: string,
  options: { search?: string | undefined; after?: string | undefined; limit: number },
): Promise<GroupRow[]> {
  let query = db.selectFrom('groups').selectAll().where('organization_id', '=', organizationId);
  // Case-insensitive on both engines (PostgreSQL's LIKE is not), `%` and `_` taken as typed.
  const search = options.search;
  if (search) query = query.where((eb) => containsText(db, eb.ref('display_name'), search));
  if (options.after) query = query.where('id', '>', options.after);
  return query.orderBy('id').limit(options.limit).execute();
}

export async function pageGroupMembers(
  db: Executor,
  organizationId: string,
  groupId: string,
  options: { after?: string | undefined; limit: number },
): Promise<string[]> {
  let query = db
    .selectFrom('group_members')
    .select('user_id')
    .where('organization_id', '=', organizationId)
    .where('group_id', '=', groupId);
  if (options.after) query = query.where('user_id', '>', options.after);
  const rows = await query.orderBy('user_id').limit(options.limit).execute();
  return rows.map((row) => row.user_id);
}
