import { sql } from 'kysely';
import { conflict } from '../errors.js';
import { containsText, lowerCaseContains, type Executor } from './database.js';
import type { NewUserRow, UserRow, UserUpdate } from './schema.js';
import { chunks, statementBatches } from './statement-shapes.js';
import { isUniqueViolation } from './unique-violation.js';

/** The platform's own users. Every query is scoped by organization. */

export async function findUser(
  db: Executor,
  organizationId: string,
  userId: string,
): Promise<UserRow | undefined> {
  return db
    .selectFrom('users')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .where('id', '=', userId)
    .executeTakeFirst();
}

/**
 * Users of an organization by id. The organization is compared as `organization_id || ''`, which
 * no index serves: SQLite's planner (without statistics) otherwise answers `organization_id = ?
 * and id in (…)` by walking the organization's index, every user of it (140 ms at 100,000 users),
 * instead of looking each id up by primary key. Both engines accept the expression.
 */
export async function usersByIds(
  db: Executor,
  organizationId: string,
  ids: readonly string[],
): Promise<UserRow[]> {
  const users: UserRow[] = [];
  for (const batch of chunks(ids)) {
    users.push(
      ...(await db
        .selectFrom('users')
        .selectAll()
        .where('id', 'in', batch)
        .where(sql`${sql.ref('organization_id')} || ''`, '=', organizationId)
        .execute()),
    );
  }
  return users;
}

/**
 * Users of an organization by Entra object id. Several users share one only through bad data;
 * like `findUserByExternalId`, any one of them answers.
 */
export async function usersByExternalIds(
  db: Executor,
  organizationId: string,
  externalIds: readonly string[],
): Promise<Map<string, UserRow>> {
  const users = new Map<string, UserRow>();
  for (const batch of chunks(externalIds)) {
    const rows = await db
      .selectFrom('users')
      .selectAll()
      .where('organization_id', '=', organizationId)
      .where('external_id', 'in', batch)
      .execute();
    for (const row of rows)
      if (row.external_id !== null && !users.has(row.external_id)) users.set(row.external_id, row);
  }
  return users;
}

/** Who holds each of these email keys in the organization (keys nobody holds left out). */
export async function emailOwners(
  db: Executor,
  organizationId: string,
  emailKeys: readonly string[],
): Promise<Map<string, string>> {
  const owners = new Map<string, string>();
  for (const batch of chunks(emailKeys)) {
    const rows = await db
      .selectFrom('users')
      .select(['id', 'email_key'])
      .where('organization_id', '=', organizationId)
      .where('email_key', 'in', batch)
      .execute();
    for (const row of rows) owners.set(row.email_key, row.id);
  }
  return owners;
}

export async function findUserByExternalId(
  db: Executor,
  organizationId: string,
  externalId: string,
): Promise<UserRow | undefined> {
  return db
    .selectFrom('users')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .where('external_id', '=', externalId)
    .executeTakeFirst();
}

export async function insertUser(db: Executor, row: NewUserRow): Promise<void> {
  await insertUsers(db, [row]);
}

/** Inserts new platform users, many rows per statement; a taken email fails them all. */
export async function insertUsers(db: Executor, rows: readonly NewUserRow[]): Promise<void> {
  try {
    for (const batch of statementBatches(rows, 256)) await db.insertInto('users').values(batch).execute();
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const [row] = rows;
    if (rows.length === 1 && row) throw emailTaken(row.email, error);
    throw conflict(
      'An email in this batch is already used by another user of this organization',
      'emails',
      error,
    );
  }
}

export async function updateUser(
  db: Executor,
  organizationId: string,
  userId: string,
  changes: UserUpdate,
): Promise<void> {
  try {
    await db
      .updateTable('users')
      .set(changes)
      .where('organization_id', '=', organizationId)
      .where('id', '=', userId)
      .execute();
  } catch (error) {
    if (isUniqueViolation(error)) throw emailTaken(String(changes.email ?? ''), error);
    throw error;
  }
}

export async function deleteUser(db: Executor, organizationId: string, userId: string): Promise<void> {
  await db
    .deleteFrom('users')
    .where('organization_id', '=', organizationId)
    .where('id', '=', userId)
    .execute();
}

function emailTaken(email: string, cause: unknown) {
  return conflict(
    `The email "${email}" is already used by another user of this organization`,
    'emails',
    cause,
  );
}

export interface UserListOptions {
  search?: string | undefined;
  status?: string | undefined;
  source?: string | undefined;
  connectionId?: string | undefined;
  /** Keyset cursor: the id of the last user of the previous page (users are listed by id). */
  after?: string | undefined;
  limit: number;
}

export async function listUsers(
  db: Executor,
  organizationId: string,
  options: UserListOptions,
): Promise<UserRow[]> {
  let query = db.selectFrom('users').selectAll().where('organization_id', '=', organizationId);
  if (options.status) query = query.where('status', '=', options.status as UserRow['status']);
  if (options.source) query = query.where('source', '=', options.source as UserRow['source']);
  if (options.connectionId) query = query.where('source_connection_id', '=', options.connectionId);
  if (options.search) {
    // Case-insensitive for every letter on both engines ("ångström" finds "ÅNGSTRÖM"); the email
    // key is stored in lower case already.
    const search = options.search;
    query = query.where((eb) =>
      eb.or([
        lowerCaseContains(eb.ref('email_key'), search),
        containsText(db, eb.ref('display_name'), search),
        containsText(db, sql<string>`given_name || ' ' || family_name`, search),
      ]),
    );
  }
  if (options.after) query = query.where('id', '>', options.after);
  return query.orderBy('id').limit(options.limit).execute();
}

/** Every user of the organization, whatever its status; seats are counted by `checkSeatLimit`. */
export async function countUsers(db: Executor, organizationId: string): Promise<number> {
  const row = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('organization_id', '=', organizationId)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

/** The groups of each user, for list views, in one query. */
export async function groupsOfUsers(
  db: Executor,
  organizationId: string,
  userIds: readonly string[],
): Promise<Map<string, { id: string; displayName: string }[]>> {
  const byUser = new Map<string, { id: string; displayName: string }[]>();
  if (userIds.length === 0) return byUser;
  const rows = await db
    .selectFrom('group_members')
    .innerJoin('groups', 'groups.id', 'group_members.group_id')
    .select(['group_members.user_id', 'groups.id', 'groups.display_name'])
    .where('group_members.organization_id', '=', organizationId)
    .where('group_members.user_id', 'in', userIds)
    .orderBy('groups.display_name')
    .execute();
  for (const row of rows) {
    const list = byUser.get(row.user_id) ?? [];
    list.push({ id: row.id, displayName: row.display_name });
    byUser.set(row.user_id, list);
  }
  return byUser;
}
