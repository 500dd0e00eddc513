import { randomUUID } from 'node:crypto';
import { decideUser } from '../domain/policy/decide-user.js';
import type { PlatformUserFields } from '../domain/source-user.js';
import { toUserView } from '../domain/views.js';
import { RosterError, invalidInput } from '../errors.js';
import { deleteDirectoryUser, getDirectoryUser, saveDirectoryUser } from '../store/directory.js';
import { groupIdsOfUser, removeGroupMembers } from '../store/groups.js';
import type { UserRow } from '../store/schema.js';
import { deleteUser, findUser, findUserByExternalId, insertUser, updateUser } from '../store/users.js';
import type { DirectoryUserInput } from './change.js';
import type { ApplyContext } from './context.js';
import type { Outcome } from './outcome.js';

export async function applyUserUpsert(
  ctx: ApplyContext,
  input: DirectoryUserInput,
  outcome: Outcome,
): Promise<void> {
  const { trx, organizationId, connectionId, now } = ctx;
  const existing = await getDirectoryUser(trx, connectionId, input.id);
  const decision = decideUser(ctx.policy, input.source);
  if (decision.action === 'reject') {
    if (ctx.onReject === 'throw') throw invalidInput(decision.message, decision.field);
    outcome.errors.push({ objectId: input.id, field: decision.field, message: decision.message });
    return;
  }

  let user = existing?.user_id ? await findUser(trx, organizationId, existing.user_id) : undefined;
  // The same person reached through another connection is one platform user, joined by object id.
  if (!user && input.source.objectId)
    user = await findUserByExternalId(trx, organizationId, input.source.objectId);
  const userId = user?.id ?? randomUUID();

  await saveDirectoryUser(
    trx,
    {
      connection_id: connectionId,
      id: input.id,
      organization_id: organizationId,
      external_id: input.externalId,
      user_name: input.userName,
      user_name_key: input.userName.toLowerCase(),
      email_key: input.emailKey,
      active: input.active ? 1 : 0,
      attributes: JSON.stringify(input.attributes),
      version: (existing?.version ?? 0) + 1,
      user_id: userId,
      created_at: existing?.created_at ?? now,
      updated_at: now,
    },
    existing === undefined,
  );

  const columns = userColumns(decision.fields, decision.status);
  if (!user) {
    const row: UserRow = {
      id: userId,
      organization_id: organizationId,
      ...columns,
      source: ctx.connectorKind,
      source_connection_id: connectionId,
      external_id: input.source.objectId,
      created_at: now,
      updated_at: now,
    };
    await insertUser(trx, row);
    outcome.emit('user.created', { user: toUserView(row) }, 'usersCreated');
    return;
  }

  const changed = changedColumns(user, columns);
  if (changed.length === 0) return;
  const next: UserRow = { ...user, ...columns, updated_at: now };
  await updateUser(trx, organizationId, user.id, { ...columns, updated_at: now });
  const view = toUserView(next);
  const fieldChanges = changed.filter((column) => column !== 'status');
  if (fieldChanges.length > 0) {
    outcome.emit('user.updated', { user: view, changed: fieldChanges }, 'usersUpdated');
  }
  if (user.status !== next.status && next.status === 'inactive') {
    outcome.emit('user.deactivated', { user: view }, 'usersDeactivated');
  } else if (user.status === 'inactive' && next.status === 'active') {
    outcome.emit('user.reactivated', { user: view }, 'usersReactivated');
  }
}

export async function applyUserDelete(ctx: ApplyContext, id: string, outcome: Outcome): Promise<void> {
  const { trx, organizationId, connectionId, now } = ctx;
  const existing = await getDirectoryUser(trx, connectionId, id);
  if (!existing) throw new RosterError('not_found', `User "${id}" was not found`);
  await deleteDirectoryUser(trx, connectionId, id);
  if (!existing.user_id) return;
  const user = await findUser(trx, organizationId, existing.user_id);
  if (!user) return;
  // Another connection still provides this person: it keeps the user.
  const otherSource = await trx
    .selectFrom('directory_users')
    .select('connection_id')
    .where('user_id', '=', user.id)
    .executeTakeFirst();
  if (otherSource) return;
  if (ctx.policy.lifecycle.onDelete === 'delete') {
    for (const groupId of await groupIdsOfUser(trx, user.id)) {
      for (const userId of await removeGroupMembers(trx, groupId, [user.id], now)) {
        outcome.emit('group.member_removed', { groupId, userId }, 'membershipsRemoved');
      }
    }
    await deleteUser(trx, organizationId, user.id);
    outcome.emit('user.deleted', { user: toUserView(user) }, 'usersDeleted');
  } else if (user.status !== 'inactive') {
    await updateUser(trx, organizationId, user.id, { status: 'inactive', updated_at: now });
    outcome.emit(
      'user.deactivated',
      { user: toUserView({ ...user, status: 'inactive', updated_at: now }) },
      'usersDeactivated',
    );
  }
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

function changedColumns(before: UserRow, after: UserColumns): string[] {
  return (Object.keys(after) as (keyof UserColumns)[])
    .filter((column) => column !== 'email_key' && before[column] !== after[column])
    .map((column) => column.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase()));
}
