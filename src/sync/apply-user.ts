import { RosterError } from '../errors.js';
import { deleteDirectoryUserPolicy } from '../store/directory-user-policy.js';
import {
  deleteDirectoryUser,
  directoryGroupIdsOfMember,
  getDirectoryUser,
  saveDirectoryUser,
} from '../store/directory.js';
import { findUser, updateUser } from '../store/users.js';
import type { DirectoryUserInput } from './change.js';
import { applyMembersRemove } from './apply-members.js';
import type { ApplyContext } from './context.js';
import type { Outcome } from './outcome.js';
import { handOverUser, projectDirectoryUser } from './project-user.js';
import { knownOr } from './user-prefetch.js';
import { afterStatusChange, deletePlatformUser } from './user-effects.js';

/**
 * A directory user as the source now describes it. The directory object is always kept (SCIM
 * reads it back, and a later membership may bring it into scope); what the platform gets is
 * policy's decision.
 */
export async function applyUserUpsert(
  ctx: ApplyContext,
  input: DirectoryUserInput,
  outcome: Outcome,
): Promise<void> {
  const { trx, organizationId, connectionId, now } = ctx;
  const existing = await knownOr(ctx.userPrefetch, ctx.userPrefetch?.directoryUser(input.id), () =>
    getDirectoryUser(trx, connectionId, input.id),
  );
  const row = {
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
    user_id: existing?.user_id ?? null,
    created_at: existing?.created_at ?? now,
    updated_at: now,
  };
  if (existing === undefined && ctx.userPrefetch !== undefined) {
    await ctx.userPrefetch.holdDirectoryUser(row);
  } else {
    await saveDirectoryUser(trx, row, existing === undefined);
    ctx.userPrefetch?.wroteDirectoryUser(input.id);
  }
  await projectDirectoryUser(ctx, row, input.source, outcome, ctx.onReject);
}

export async function applyUserDelete(ctx: ApplyContext, id: string, outcome: Outcome): Promise<void> {
  const { trx, organizationId, connectionId, now } = ctx;
  await ctx.userPrefetch?.forget();
  const existing = await getDirectoryUser(trx, connectionId, id);
  if (!existing) throw new RosterError('not_found', `User "${id}" was not found`);
  // A user gone from the directory has left its groups there too: the platform groups follow, as
  // for any membership removal (auto-remove), before the directory rows that say so disappear.
  for (const groupId of await directoryGroupIdsOfMember(trx, connectionId, id)) {
    await applyMembersRemove(ctx, groupId, [id], outcome);
  }
  await deleteDirectoryUser(trx, connectionId, id);
  await deleteDirectoryUserPolicy(trx, connectionId, id);
  if (!existing.user_id) return;
  const user = await findUser(trx, organizationId, existing.user_id);
  if (!user) return;
  // The owner decides (user-ownership.ts); a connection that still has the person in scope keeps it.
  if (user.source_connection_id !== connectionId) return;
  if (await handOverUser(ctx, user, outcome)) return;
  if (ctx.policy.lifecycle.onDelete === 'delete') {
    await deletePlatformUser(ctx, user, outcome);
  } else if (user.status !== 'inactive') {
    const next = { ...user, status: 'inactive' as const, updated_at: now };
    await updateUser(trx, organizationId, user.id, { status: 'inactive', updated_at: now });
    await afterStatusChange(ctx, user, next, outcome);
  }
}
