import { sql } from 'kysely';
import { conflict } from '../errors.js';
import type { Executor } from './database.js';
import type { DirectoryGroupRow, DirectoryUserRow } from './schema.js';
import { isUniqueViolation, violatedConstraint } from './unique-violation.js';
import { chunks, statementBatches } from './statement-shapes.js';

/**
 * Directory objects: what a connection's source says, stored as received and keyed by the
 * source's id. For SCIM these are the resources Entra reads back.
 */

export async function getDirectoryUser(
  db: Executor,
  connectionId: string,
  id: string,
): Promise<DirectoryUserRow | undefined> {
  return db
    .selectFrom('directory_users')
    .selectAll()
    .where('connection_id', '=', connectionId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/** Whole directory user rows, as `getDirectoryUser` reads one. */
export async function getDirectoryUsers(
  db: Executor,
  connectionId: string,
  ids: readonly string[],
): Promise<DirectoryUserRow[]> {
  const result: DirectoryUserRow[] = [];
  for (const batch of chunks(ids)) {
    result.push(
      ...(await db
        .selectFrom('directory_users')
        .selectAll()
        .where('connection_id', '=', connectionId)
        .where('id', 'in', batch)
        .execute()),
    );
  }
  return result;
}

export async function getDirectoryGroup(
  db: Executor,
  connectionId: string,
  id: string,
): Promise<DirectoryGroupRow | undefined> {
  return db
    .selectFrom('directory_groups')
    .selectAll()
    .where('connection_id', '=', connectionId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/** Inserts or replaces a directory user; a userName taken by another object is a conflict. */
export async function saveDirectoryUser(db: Executor, row: DirectoryUserRow, isNew: boolean): Promise<void> {
  if (isNew) return insertDirectoryUsers(db, [row]);
  const { connection_id, id, created_at: _created, ...changes } = row;
  try {
    await db
      .updateTable('directory_users')
      .set(changes)
      .where('connection_id', '=', connection_id)
      .where('id', '=', id)
      .execute();
  } catch (error) {
    throw directoryUserConflict(error, [row]);
  }
}

/**
 * Inserts new directory users, many rows per statement. A taken userName or id fails them all:
 * a Graph page then replays change by change (`applyPage`) to find which object it was.
 */
export async function insertDirectoryUsers(db: Executor, rows: readonly DirectoryUserRow[]): Promise<void> {
  try {
    for (const batch of statementBatches(rows, 256))
      await db.insertInto('directory_users').values(batch).execute();
  } catch (error) {
    throw directoryUserConflict(error, rows);
  }
}

/** A unique violation as a conflict, naming the user when the statement wrote one. */
function directoryUserConflict(error: unknown, rows: readonly DirectoryUserRow[]): unknown {
  if (!isUniqueViolation(error)) return error;
  const row = rows.length === 1 ? rows[0] : undefined;
  if (/user_name/.test(violatedConstraint(error))) {
    const what = row ? `userName "${row.user_name}" is` : 'A userName in this batch is';
    return conflict(`${what} already taken`, 'userName', error);
  }
  const what = row ? `A user with id "${row.id}"` : 'A user id in this batch';
  return conflict(`${what} already exists`, 'id', error);
}

export async function saveDirectoryGroup(
  db: Executor,
  row: DirectoryGroupRow,
  isNew: boolean,
): Promise<void> {
  try {
    if (isNew) {
      await db.insertInto('directory_groups').values(row).execute();
    } else {
      const { connection_id, id, created_at: _created, ...changes } = row;
      await db
        .updateTable('directory_groups')
        .set(changes)
        .where('connection_id', '=', connection_id)
        .where('id', '=', id)
        .execute();
    }
  } catch (error) {
    if (isUniqueViolation(error) && /display_name/.test(violatedConstraint(error))) {
      throw conflict(`displayName "${row.display_name}" is already taken`, 'displayName', error);
    }
    if (isUniqueViolation(error)) throw conflict(`A group with id "${row.id}" already exists`, 'id', error);
    throw error;
  }
}

export async function deleteDirectoryUser(db: Executor, connectionId: string, id: string): Promise<void> {
  await db
    .deleteFrom('directory_memberships')
    .where('connection_id', '=', connectionId)
    .where('member_id', '=', id)
    .execute();
  await db
    .deleteFrom('directory_users')
    .where('connection_id', '=', connectionId)
    .where('id', '=', id)
    .execute();
}

export async function deleteDirectoryGroup(db: Executor, connectionId: string, id: string): Promise<void> {
  await db
    .deleteFrom('directory_memberships')
    .where('connection_id', '=', connectionId)
    .where((eb) => eb.or([eb('group_id', '=', id), eb('member_id', '=', id)]))
    .execute();
  await db
    .deleteFrom('directory_groups')
    .where('connection_id', '=', connectionId)
    .where('id', '=', id)
    .execute();
}

/**
 * Inserts membership rows and returns the member ids that were new; rows already there are skipped
 * by the insert itself (ON CONFLICT DO NOTHING … RETURNING).
 */
export async function insertDirectoryMembers(
  db: Executor,
  rows: {
    connection_id: string;
    group_id: string;
    member_id: string;
    organization_id: string;
    member_type: 'user' | 'group';
  }[],
): Promise<Set<string>> {
  const inserted = new Set<string>();
  for (const batch of statementBatches(rows, 512)) {
    const returned = await db
      .insertInto('directory_memberships')
      .values(batch)
      .onConflict((conflict) => conflict.columns(['connection_id', 'group_id', 'member_id']).doNothing())
      .returning('member_id')
      .execute();
    for (const row of returned) inserted.add(row.member_id);
  }
  return inserted;
}

export async function deleteDirectoryMembers(
  db: Executor,
  connectionId: string,
  groupId: string,
  memberIds: readonly string[],
): Promise<void> {
  for (const chunk of chunks(memberIds)) {
    await db
      .deleteFrom('directory_memberships')
      .where('connection_id', '=', connectionId)
      .where('group_id', '=', groupId)
      .where('member_id', 'in', chunk)
      .execute();
  }
}

/** Member ids of a group in id order, a page at a time, so huge groups never load at once. */
export async function pageDirectoryMembers(
  db: Executor,
  connectionId: string,
  groupId: string,
  options: { after?: string; limit: number },
): Promise<{ member_id: string; member_type: 'user' | 'group' }[]> {
  let query = db
    .selectFrom('directory_memberships')
    .select(['member_id', 'member_type'])
    .where('connection_id', '=', connectionId)
    .where('group_id', '=', groupId);
  if (options.after !== undefined) query = query.where('member_id', '>', options.after);
  return query.orderBy('member_id').limit(options.limit).execute();
}

/** Only the link columns, for membership changes that touch hundreds of users at once. */
export async function directoryUsersByIds(
  db: Executor,
  connectionId: string,
  ids: readonly string[],
): Promise<Pick<DirectoryUserRow, 'id' | 'user_id' | 'user_name'>[]> {
  const result: Pick<DirectoryUserRow, 'id' | 'user_id' | 'user_name'>[] = [];
  for (const batch of chunks(ids)) {
    const rows = await db
      .selectFrom('directory_users')
      .select(['id', 'user_id', 'user_name'])
      .where('connection_id', '=', connectionId)
      .where('id', 'in', batch)
      .execute();
    result.push(...rows);
  }
  return result;
}

export async function directoryGroupIdsOfMember(
  db: Executor,
  connectionId: string,
  memberId: string,
): Promise<string[]> {
  const rows = await db
    .selectFrom('directory_memberships')
    .select('group_id')
    .where('connection_id', '=', connectionId)
    .where('member_id', '=', memberId)
    .execute();
  return rows.map((row) => row.group_id);
}

/**
 * The names of a connection's stored directory groups, by the ids a policy names them by: the
 * group's id in the connection (a SCIM resource id, a Graph object id) or its Entra object id (SCIM
 * `externalId`; docs/policy.md), so the portal shows "Roster Admins" for either. Each group found
 * answers with the id it was asked by, so the caller can map it back; ids not stored are left out.
 */
export async function directoryGroupNamesByIds(
  db: Executor,
  connectionId: string,
  ids: readonly string[],
): Promise<{ id: string; display_name: string }[]> {
  const result: { id: string; display_name: string }[] = [];
  for (const batch of chunks([...new Set(ids)])) {
    const byId = new Map<string, string>();
    const byExternalId = new Map<string, string>();
    const query = db
      .selectFrom('directory_groups')
      .select(['id', 'external_id', 'display_name'])
      .where('connection_id', '=', connectionId);
    // Two lookups, each on its own index, rather than one `or` the planner may walk the table for.
    for (const row of await query.where('id', 'in', batch).execute()) byId.set(row.id, row.display_name);
    for (const row of await query.where('external_id', 'in', batch).execute())
      if (row.external_id !== null && !byExternalId.has(row.external_id))
        byExternalId.set(row.external_id, row.display_name);
    for (const id of batch) {
      // The connection's own id wins should it also be another group's Entra object id.
      const name = byId.get(id) ?? byExternalId.get(id);
      if (name !== undefined) result.push({ id, display_name: name });
    }
  }
  return result;
}

/**
 * A connection's stored directory groups whose name has a word starting with `term`, as Graph's
 * `$search` matches, for connections Roster cannot ask (SCIM: Entra pushes, nothing to query).
 */
export async function searchDirectoryGroups(
  db: Executor,
  connectionId: string,
  term: string,
  limit = 25,
): Promise<{ id: string; external_id: string | null; display_name: string }[]> {
  const key = term
    .trim()
    .toLowerCase()
    .replace(/[\\%_]/g, (c) => `\\${c}`);
  return db
    .selectFrom('directory_groups')
    .select(['id', 'external_id', 'display_name'])
    .where('connection_id', '=', connectionId)
    .where((eb) =>
      eb.or([
        sql<boolean>`${eb.ref('display_name_key')} like ${`${key}%`} escape '\\'`,
        sql<boolean>`${eb.ref('display_name_key')} like ${`% ${key}%`} escape '\\'`,
      ]),
    )
    .orderBy('display_name_key')
    .limit(limit)
    .execute();
}
