import { toUserView } from '../domain/views.js';
import {
  issueCredential,
  listCredentials,
  revokeUserCredentials,
  type Credential,
} from '../store/credentials.js';
import { queueEnrollmentEmail } from '../store/enrollment.js';
import { groupIdsOfUser, removeGroupMembers } from '../store/groups.js';
import type { UserRow } from '../store/schema.js';
import { deleteUser, updateUser } from '../store/users.js';
import type { ApplyContext } from './context.js';
import type { Outcome } from './outcome.js';

/**
 * What follows from a user's lifecycle, written in the same transaction as the user: credentials
 * issued when a user arrives or comes back, revoked when it is deactivated or deleted, and the
 * one enrollment email of a user queued in the outbox (sent after commit by the mailer) when it
 * becomes active and has none yet.
 */
export async function onUserCreated(ctx: ApplyContext, user: UserRow, outcome: Outcome): Promise<void> {
  // A user that arrives already blocked gets nothing until it is enabled (see afterStatusChange).
  if (user.status !== 'active') return;
  await ensureCredentials(ctx, user.id, outcome);
  if (ctx.policy.newUsers.enrollmentEmail) await queueEnrollment(ctx, user, outcome);
}

/**
 * A user who is active again. Entra commonly creates pre-hire accounts disabled and enables them
 * on the first day: a user active for the first time (`activated_at` still null) is enrolled now.
 * One that was active before is not, even if the organization asked for emails only since (the
 * outbox alone could not tell, as it holds nothing for a user created before).
 */
async function onUserReactivated(ctx: ApplyContext, user: UserRow, outcome: Outcome): Promise<void> {
  await ensureCredentials(ctx, user.id, outcome);
  if (user.activated_at !== null) return;
  await updateUser(ctx.trx, ctx.organizationId, user.id, { activated_at: ctx.now });
  if (ctx.policy.newUsers.enrollmentEmail) await queueEnrollment(ctx, user, outcome);
}

async function queueEnrollment(ctx: ApplyContext, user: UserRow, outcome: Outcome): Promise<void> {
  const organization = await ctx.trx
    .selectFrom('organizations')
    .select('name')
    .where('id', '=', ctx.organizationId)
    .executeTakeFirstOrThrow();
  const queued = await queueEnrollmentEmail(ctx.trx, {
    organizationId: ctx.organizationId,
    userId: user.id,
    connectionId: ctx.connectionId,
    now: ctx.now,
    data: {
      organizationName: organization.name,
      givenName: user.given_name,
      displayName: user.display_name,
      email: user.email,
    },
  });
  if (queued) outcome.count('enrollmentEmailsQueued');
}

/** Issues each credential type the policy names that the user does not hold yet. */
export async function ensureCredentials(ctx: ApplyContext, userId: string, outcome: Outcome): Promise<void> {
  const types = ctx.policy.newUsers.credentials;
  if (types.length === 0) return;
  const held = new Set(
    (await listCredentials(ctx.trx, ctx.organizationId, { userId, status: 'active' })).map((c) => c.type),
  );
  for (const type of types) {
    if (held.has(type)) continue;
    const credential = await issueCredential(ctx.trx, {
      organizationId: ctx.organizationId,
      userId,
      connectionId: ctx.connectionId,
      type,
      now: ctx.now,
    });
    outcome.emit('credential.issued', { credential: credentialView(credential) }, 'credentialsIssued');
  }
}

export async function revokeCredentials(
  ctx: ApplyContext,
  userId: string,
  reason: 'deactivated' | 'deleted',
  outcome: Outcome,
): Promise<void> {
  for (const credential of await revokeUserCredentials(
    ctx.trx,
    ctx.organizationId,
    userId,
    reason,
    ctx.now,
  )) {
    outcome.emit('credential.revoked', { credential: credentialView(credential) }, 'credentialsRevoked');
  }
}

/** Status changes and what follows them: events, credentials revoked or issued again, enrollment. */
export async function afterStatusChange(
  ctx: ApplyContext,
  before: UserRow,
  after: UserRow,
  outcome: Outcome,
): Promise<void> {
  if (before.status === after.status) return;
  if (after.status === 'inactive') {
    outcome.emit('user.deactivated', { user: toUserView(after) }, 'usersDeactivated');
    await revokeCredentials(ctx, after.id, 'deactivated', outcome);
  } else if (before.status === 'inactive' && after.status === 'active') {
    outcome.emit('user.reactivated', { user: toUserView(after) }, 'usersReactivated');
    await onUserReactivated(ctx, after, outcome);
  }
}

/** Deletes a platform user: out of its groups (with events), credentials revoked, then the row. */
export async function deletePlatformUser(ctx: ApplyContext, user: UserRow, outcome: Outcome): Promise<void> {
  await ctx.userPrefetch?.forget();
  for (const groupId of await groupIdsOfUser(ctx.trx, user.id)) {
    for (const userId of await removeGroupMembers(ctx.trx, groupId, [user.id], ctx.now)) {
      outcome.emit('group.member_removed', { groupId, userId }, 'membershipsRemoved');
    }
  }
  await revokeCredentials(ctx, user.id, 'deleted', outcome);
  await ctx.trx
    .updateTable('directory_users')
    .set({ user_id: null })
    .where('organization_id', '=', ctx.organizationId)
    .where('user_id', '=', user.id)
    .execute();
  await deleteUser(ctx.trx, ctx.organizationId, user.id);
  outcome.emit('user.deleted', { user: toUserView(user) }, 'usersDeleted');
}

/**
 * A credential as the host application sees it, in `credential.*` events and in the REST API's
 * credential lists alike, so a receiver can match one against the other member for member.
 */
export function credentialView(credential: Credential): Credential {
  return {
    id: credential.id,
    userId: credential.userId,
    connectionId: credential.connectionId,
    type: credential.type,
    status: credential.status,
    issuedAt: credential.issuedAt,
    revokedAt: credential.revokedAt,
    revokedReason: credential.revokedReason,
  };
}
