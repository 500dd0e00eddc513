import { resolvePolicy } from '../domain/policy/policy.js';
import type { SourceUser } from '../domain/source-user.js';
import { toUserView } from '../domain/views.js';
import { getConnection } from '../store/connections.js';
import type { UserRow } from '../store/schema.js';
import { updateUser } from '../store/users.js';
import type { ApplyContext } from './context.js';
import type { Outcome } from './outcome.js';

/**
 * One person reached through several connections (matched by Entra object id) is one platform
 * user, and one of those connections owns it (`source_connection_id`): the owner's directory
 * decides the user's fields, status and roles; the others only link it and bring its memberships.
 * A user stays while any connection still brings it in: when the owner no longer does (the person
 * was deleted from its directory, or left its scope), a connection that has the person in scope
 * takes it over (its heir).
 */

export type Owner = Pick<UserRow, 'source' | 'source_connection_id'>;

/** A connection that brings a user in: the directory user it links from, and what it last stored of it. */
export interface Heir {
  readonly owner: Owner;
  readonly directoryUserId: string;
  /** Null for a directory user synced before policy state was kept (0003-policy). */
  readonly source: SourceUser | null;
}

/**
 * For each of the users, a connection other than `ctx`'s that has it in scope (the first by id,
 * when several do).
 */
export async function heirsOf(ctx: ApplyContext, userIds: readonly string[]): Promise<Map<string, Heir>> {
  const heirs = new Map<string, Heir>();
  if (userIds.length === 0) return heirs;
  const rows = await ctx.trx
    .selectFrom('directory_users')
    .innerJoin('connections', 'connections.id', 'directory_users.connection_id')
    .leftJoin('directory_user_policy', (join) =>
      join
        .onRef('directory_user_policy.connection_id', '=', 'directory_users.connection_id')
        .onRef('directory_user_policy.directory_user_id', '=', 'directory_users.id'),
    )
    .select([
      'directory_users.user_id',
      'directory_users.id',
      'directory_users.connection_id',
      'connections.kind',
      'directory_user_policy.source',
    ])
    .where('directory_users.organization_id', '=', ctx.organizationId)
    .where('directory_users.user_id', 'in', userIds)
    .where('directory_users.connection_id', 'not in', [ctx.connectionId, ...(ctx.handedOverBy ?? [])])
    // A directory user without policy state predates policy (0003-policy), which never left it out.
    .where((eb) =>
      eb.or([eb('directory_user_policy.in_scope', 'is', null), eb('directory_user_policy.in_scope', '=', 1)]),
    )
    .orderBy('directory_users.connection_id')
    .execute();
  for (const row of rows) {
    if (row.user_id !== null && !heirs.has(row.user_id)) {
      heirs.set(row.user_id, {
        owner: { source: row.kind, source_connection_id: row.connection_id },
        directoryUserId: row.id,
        source: row.source === null ? null : (JSON.parse(row.source) as SourceUser),
      });
    }
  }
  return heirs;
}

export async function setOwner(
  ctx: ApplyContext,
  user: UserRow,
  owner: Owner,
  outcome: Outcome,
): Promise<UserRow> {
  const next: UserRow = { ...user, ...owner, updated_at: ctx.now };
  await updateUser(ctx.trx, ctx.organizationId, user.id, { ...owner, updated_at: ctx.now });
  const changed = user.source === owner.source ? ['connectionId'] : ['source', 'connectionId'];
  outcome.emit('user.updated', { user: toUserView(next), changed }, 'usersUpdated');
  return next;
}

/** Whether the user's owner, another live connection, still has it in scope. */
export async function ownerStillBringsIn(ctx: ApplyContext, user: UserRow): Promise<boolean> {
  const owner = user.source_connection_id;
  if (owner === null || owner === ctx.connectionId) return false;
  const row = await ctx.trx
    .selectFrom('directory_users')
    .leftJoin('directory_user_policy', (join) =>
      join
        .onRef('directory_user_policy.connection_id', '=', 'directory_users.connection_id')
        .onRef('directory_user_policy.directory_user_id', '=', 'directory_users.id'),
    )
    .select('directory_user_policy.in_scope')
    .where('directory_users.connection_id', '=', owner)
    .where('directory_users.organization_id', '=', ctx.organizationId)
    .where('directory_users.user_id', '=', user.id)
    .executeTakeFirst();
  return row !== undefined && row.in_scope !== 0;
}

/** The heir's own apply context: its policy decides the user from now on, in the same transaction. */
export async function heirContext(ctx: ApplyContext, heir: Heir): Promise<ApplyContext> {
  const connectionId = heir.owner.source_connection_id as string;
  const connection = await getConnection(ctx.trx, connectionId, ctx.organizationId);
  return {
    trx: ctx.trx,
    organizationId: ctx.organizationId,
    connectionId,
    connectorKind: connection.kind,
    policy: resolvePolicy(connection.kind, connection.policy),
    now: ctx.now,
    onReject: 'record',
    dryRun: ctx.dryRun,
    seatGuard: ctx.seatGuard,
    preview: ctx.preview,
    deferEvents: ctx.deferEvents,
    handedOverBy: [...(ctx.handedOverBy ?? []), ctx.connectionId],
  };
}
