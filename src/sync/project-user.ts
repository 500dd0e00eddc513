import { newId } from '../ids.js';
import { decideUser, emailFieldOf } from '../domain/policy/decide-user.js';
import type { PlatformUserFields, SourceUser } from '../domain/source-user.js';
import { toUserView } from '../domain/views.js';
import { RosterError, invalidInput } from '../errors.js';
import {
  getDirectoryUserPolicy,
  saveDirectoryUserPolicy,
  type DirectoryUserPolicy,
  type PolicyKey,
} from '../store/directory-user-policy.js';
import { platformGroupsOfDirectoryUser } from '../store/directory-memberships.js';
import { addGroupMembers } from '../store/groups.js';
import type { UserRow } from '../store/schema.js';
import { findUser, findUserByExternalId, insertUser, updateUser } from '../store/users.js';
import type { ApplyContext } from './context.js';
import { otherConnections } from './other-connections.js';
import type { Outcome } from './outcome.js';
import { afterStatusChange, deletePlatformUser, onUserCreated } from './user-effects.js';
import { loadUserGroups } from './user-groups.js';
import { knownOr } from './user-prefetch.js';
import { heirContext, heirsOf, ownerStillBringsIn, setOwner } from './user-ownership.js';

/**
 * Projects one directory user onto the platform through policy: loads what policy reads (the
 * user's directory groups), asks `decideUser`, and writes what it decided. Used when the source
 * changes the user, and again when the user's memberships change (scope and role rules read them).
 */
export async function projectDirectoryUser(
  ctx: ApplyContext,
  directoryUser: { id: string; user_id: string | null },
  source: SourceUser,
  outcome: Outcome,
  onReject: 'throw' | 'record',
): Promise<void> {
  const { trx, organizationId, connectionId } = ctx;
  const key = { organizationId, connectionId, directoryUserId: directoryUser.id };
  const prefetch = ctx.userPrefetch;
  const previous = await knownOr(prefetch, prefetch?.policy(directoryUser.id), () =>
    getDirectoryUserPolicy(trx, connectionId, directoryUser.id),
  );
  const decision = decideUser(ctx.policy, source, await loadUserGroups(ctx, directoryUser.id));
  const linkedId = directoryUser.user_id;
  let user = linkedId
    ? await knownOr(prefetch, prefetch?.user(linkedId), () => findUser(trx, organizationId, linkedId))
    : undefined;

  if (decision.action === 'exclude') {
    if (previous?.inScope !== false) outcome.count('usersOutOfScope');
    // Only the owner takes the user out, and only when no other connection still brings it in.
    let deleteAfter: string | null = null;
    if (user !== undefined && user.source_connection_id === connectionId) {
      // Out of scope here before an heir is looked for, so this connection is never one.
      await savePolicy(ctx, key, { source, inScope: false, deleteAfter: previous?.deleteAfter ?? null });
      if (!(await handOverUser(ctx, user, outcome))) {
        deleteAfter = await leaveScope(ctx, user, previous?.deleteAfter ?? null, outcome);
      }
    }
    await savePolicy(ctx, key, { source, inScope: false, deleteAfter });
    return;
  }
  await savePolicy(ctx, key, { source, inScope: true, deleteAfter: null });
  if (decision.action === 'reject') return reject(ctx, directoryUser.id, decision, outcome, onReject);

  // The same person reached through another connection is one platform user, joined by object id.
  const objectId = source.objectId;
  if (!user && objectId) {
    user = await knownOr(prefetch, prefetch?.userByObjectId(objectId), () =>
      findUserByExternalId(trx, organizationId, objectId),
    );
  }
  const columns = userColumns(decision.fields, decision.status);
  let taken = user === undefined && (await emailTakenBy(ctx, columns.email_key, undefined));
  if (taken && objectId) {
    // Another connection may have brought this person in since this batch looked the object id
    // up (on PostgreSQL, a transaction that committed meanwhile): the email is then taken by the
    // very person, to be joined, not refused. Read again, past the prefetch.
    await prefetch?.flush();
    user = await findUserByExternalId(trx, organizationId, objectId);
    taken = user === undefined;
  }
  const takeOver = user !== undefined && (await isUnowned(ctx, user));
  if (user !== undefined && !takeOver && user.source_connection_id !== connectionId) {
    // Another connection owns the user and decides it (user-ownership.ts): this one links it and
    // brings its memberships, and writes nothing of its own onto it.
    if (directoryUser.user_id !== user.id) await linkDirectoryUser(ctx, directoryUser.id, user.id);
    if (previous?.inScope === false || directoryUser.user_id !== user.id) {
      await joinPlatformGroups(ctx, directoryUser.id, user.id, outcome);
    }
    return;
  }
  if (user !== undefined) taken = await emailTakenBy(ctx, columns.email_key, user.id);
  if (taken) {
    const message = `The email "${columns.email}" is already used by another user of this organization`;
    return reject(
      ctx,
      directoryUser.id,
      { field: emailFieldOf(ctx.policy, ctx.connectorKind), message },
      outcome,
      onReject,
    );
  }

  if (!user) {
    const row: UserRow = {
      id: newId(),
      organization_id: organizationId,
      ...columns,
      source: ctx.connectorKind,
      source_connection_id: connectionId,
      external_id: source.objectId,
      created_at: ctx.now,
      updated_at: ctx.now,
      activated_at: columns.status === 'active' ? ctx.now : null,
      sso_object_id: null,
    };
    await asInvalidEmail(ctx, prefetch !== undefined ? prefetch.holdUser(row) : insertUser(trx, row));
    await linkDirectoryUser(ctx, directoryUser.id, row.id);
    outcome.emit('user.created', { user: toUserView(row) }, 'usersCreated');
    await onUserCreated(ctx, row, outcome);
    await joinPlatformGroups(ctx, directoryUser.id, row.id, outcome);
    return;
  }
  if (directoryUser.user_id !== user.id) await linkDirectoryUser(ctx, directoryUser.id, user.id);

  let written: WrittenColumns = takeOver
    ? { ...columns, source: ctx.connectorKind, source_connection_id: connectionId }
    : columns;
  // The owner's Entra object id follows the source: Entra may set a SCIM user's externalId after
  // creating it (match on userName, then PATCH externalId), and joins across connections use it.
  if ((takeOver || user.source_connection_id === connectionId) && objectId && objectId !== user.external_id) {
    written = { ...written, external_id: objectId };
  }
  const changed = changedColumns(user, written);
  if (changed.length > 0) {
    const next: UserRow = { ...user, ...written, updated_at: ctx.now };
    await asInvalidEmail(ctx, updateUser(trx, organizationId, user.id, { ...written, updated_at: ctx.now }));
    prefetch?.wroteUser(user, next);
    const fieldChanges = changed.filter((column) => column !== 'status');
    if (fieldChanges.length > 0) {
      outcome.emit('user.updated', { user: toUserView(next), changed: fieldChanges }, 'usersUpdated');
    }
    await afterStatusChange(ctx, user, next, outcome);
  }
  // Back in scope (or newly linked): the user takes its place in the groups it belongs to.
  if (previous?.inScope === false || directoryUser.user_id !== user.id) {
    await joinPlatformGroups(ctx, directoryUser.id, user.id, outcome);
  }
}

/**
 * Whether nobody manages the user: a deleted connection released it (local, keeping its Entra
 * object id so a later connection recognises it), it still names a connection that is gone (one
 * deleted before deletion released users), or its owner no longer brings it in (the person left
 * that directory or its scope). The connection that brings it takes it over; a user another
 * connection owns and brings in stays that connection's.
 */
async function isUnowned(ctx: ApplyContext, user: UserRow): Promise<boolean> {
  if (user.source_connection_id === ctx.connectionId) return false;
  if (user.source === 'local') return user.external_id !== null;
  if (user.source_connection_id === null) return true;
  if (!(await otherConnections(ctx)).includes(user.source_connection_id)) return true;
  return !(await ownerStillBringsIn(ctx, user));
}

/**
 * The owner no longer brings the user in: a connection that has the person in scope takes it
 * over, and decides it at once from what it last stored of the person (SCIM may never write that
 * user again). False when no connection has the person in scope.
 */
export async function handOverUser(ctx: ApplyContext, user: UserRow, outcome: Outcome): Promise<boolean> {
  await ctx.userPrefetch?.flush();
  const heir = (await heirsOf(ctx, [user.id])).get(user.id);
  if (heir === undefined) return false;
  // The heir's projection writes rows the batch's prefetch does not follow.
  await ctx.userPrefetch?.forget();
  await setOwner(ctx, user, heir.owner, outcome);
  if (heir.source !== null) {
    const heirCtx = await heirContext(ctx, heir);
    await projectDirectoryUser(
      heirCtx,
      { id: heir.directoryUserId, user_id: user.id },
      heir.source,
      outcome,
      'record',
    );
  }
  return true;
}

/**
 * A user who leaves the scope becomes inactive; with `outOfScope: delete` it is deleted once the
 * grace period ends (at once for zero days). Returns the deletion deadline to remember.
 */
async function leaveScope(
  ctx: ApplyContext,
  user: UserRow,
  deadline: string | null,
  outcome: Outcome,
): Promise<string | null> {
  const { lifecycle } = ctx.policy;
  if (lifecycle.outOfScope === 'delete' && lifecycle.deleteAfterDays === 0) {
    await deletePlatformUser(ctx, user, outcome);
    return null;
  }
  if (user.status !== 'inactive') {
    const next: UserRow = { ...user, status: 'inactive', updated_at: ctx.now };
    // Only this user's row changes: the batch's prefetch forgets it alone, so a policy that takes
    // most users out does not make every later user of the page read one by one.
    await ctx.userPrefetch?.flush();
    await updateUser(ctx.trx, ctx.organizationId, user.id, { status: 'inactive', updated_at: ctx.now });
    ctx.userPrefetch?.wroteUser(user, next);
    await afterStatusChange(ctx, user, next, outcome);
  }
  if (lifecycle.outOfScope !== 'delete') return null;
  return deadline ?? new Date(Date.parse(ctx.now) + lifecycle.deleteAfterDays * 86_400_000).toISOString();
}

function reject(
  ctx: ApplyContext,
  objectId: string,
  problem: { field: string; message: string },
  outcome: Outcome,
  onReject: 'throw' | 'record',
): void {
  if (onReject === 'throw') throw invalidInput(problem.message, problem.field);
  outcome.errors.push({ objectId, field: problem.field, message: problem.message });
}

/**
 * The check below cannot see a writer that has not committed yet (PostgreSQL, two requests with
 * one email): the unique index then refuses the write. That is the same taken email, so it gets
 * the same answer (400 invalidValue, never a 409 that Entra would read as "this user exists").
 */
async function asInvalidEmail(ctx: ApplyContext, write: Promise<void>): Promise<void> {
  try {
    await write;
  } catch (error) {
    if (!(error instanceof RosterError) || error.code !== 'conflict' || error.field !== 'emails') throw error;
    throw new RosterError('invalid_input', error.message, {
      field: emailFieldOf(ctx.policy, ctx.connectorKind),
      cause: error,
    });
  }
}

/** Checked before writing: on PostgreSQL a failed insert would poison the whole transaction. */
async function emailTakenBy(
  ctx: ApplyContext,
  emailKey: string,
  exceptUserId: string | undefined,
): Promise<boolean> {
  const owner = ctx.userPrefetch?.emailOwner(emailKey);
  if (owner !== undefined) return owner.value !== undefined && owner.value !== exceptUserId;
  await ctx.userPrefetch?.flush();
  let query = ctx.trx
    .selectFrom('users')
    .select('id')
    .where('organization_id', '=', ctx.organizationId)
    .where('email_key', '=', emailKey);
  if (exceptUserId !== undefined) query = query.where('id', '!=', exceptUserId);
  return (await query.executeTakeFirst()) !== undefined;
}

async function linkDirectoryUser(ctx: ApplyContext, directoryUserId: string, userId: string): Promise<void> {
  if (ctx.userPrefetch?.linkHeld(directoryUserId, userId) === true) return;
  ctx.userPrefetch?.wroteDirectoryUser(directoryUserId);
  await ctx.trx
    .updateTable('directory_users')
    .set({ user_id: userId })
    .where('connection_id', '=', ctx.connectionId)
    .where('id', '=', directoryUserId)
    .execute();
}

/** Adds the user to the platform groups its directory groups project onto. */
async function joinPlatformGroups(
  ctx: ApplyContext,
  directoryUserId: string,
  userId: string,
  outcome: Outcome,
): Promise<void> {
  const groupIds = await knownOr(ctx.userPrefetch, ctx.userPrefetch?.platformGroups(directoryUserId), () =>
    platformGroupsOfDirectoryUser(ctx.trx, ctx.connectionId, directoryUserId),
  );
  // Memberships refer to the user: its row must be written first.
  if (groupIds.length > 0) await ctx.userPrefetch?.flush();
  for (const groupId of groupIds) {
    for (const added of await addGroupMembers(ctx.trx, ctx.organizationId, groupId, [userId], ctx.now)) {
      outcome.emit('group.member_added', { groupId, userId: added }, 'membershipsAdded');
    }
  }
}

/** The policy state of a directory user; in a prefetched run, held and written with the others. */
async function savePolicy(ctx: ApplyContext, key: PolicyKey, state: DirectoryUserPolicy): Promise<void> {
  if (ctx.userPrefetch !== undefined) await ctx.userPrefetch.holdPolicy(key, state, ctx.now);
  else await saveDirectoryUserPolicy(ctx.trx, key, state, ctx.now);
}

type UserColumns = Pick<
  UserRow,
  | 'email'
  | 'email_key'
  | 'user_name'
  | 'given_name'
  | 'family_name'
  | 'display_name'
  | 'status'
  | 'attributes'
  | 'roles'
>;

function userColumns(fields: PlatformUserFields, status: UserRow['status']): UserColumns {
  return {
    email: fields.email,
    email_key: fields.email.toLowerCase(),
    user_name: fields.userName,
    given_name: fields.givenName,
    family_name: fields.familyName,
    display_name: fields.displayName,
    status,
    attributes: JSON.stringify(fields.attributes),
    roles: JSON.stringify(fields.roles),
  };
}

/** The mapped columns, the owner when the connection takes the user over, and its object id. */
type WrittenColumns = UserColumns & Partial<Pick<UserRow, 'source' | 'source_connection_id' | 'external_id'>>;

/** The changed columns by their names in the user view (`connectionId` for the owner). */
function changedColumns(before: UserRow, after: WrittenColumns): string[] {
  return (Object.keys(after) as (keyof WrittenColumns)[])
    .filter((column) => column !== 'email_key' && before[column] !== after[column])
    .map((column) =>
      column === 'source_connection_id'
        ? 'connectionId'
        : column.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase()),
    );
}
