import { randomUUID } from 'node:crypto';
import { isoNow } from '../clock.js';
import { resolvePolicy } from '../domain/policy/policy.js';
import { RosterError } from '../errors.js';
import type { Runtime } from '../runtime.js';
import { appendAudit, type Actor } from '../store/audit.js';
import { getConnection } from '../store/connections.js';
import { appendEvents } from '../store/events.js';
import { updateUser } from '../store/users.js';
import { tryAcquireLease } from './runs/run-lease.js';
import { applyChangesWithoutEvents } from './apply-changes.js';
import type { Change } from './change.js';
import type { ApplyContext } from './context.js';
import { Outcome, type ChangeCounts } from './outcome.js';
import { afterStatusChange, deletePlatformUser } from './user-effects.js';
import { heirsOf, setOwner } from './user-ownership.js';
import { mergeOutcome } from './runs/apply-page.js';

const pageSize = 500;

/**
 * Removes a connection. What it brought leaves through the road first, as if the directory had
 * deleted it: its groups are deleted and its users go the way the policy's lifecycle sends
 * deleted users (deactivated, or deleted), with events and audit, so the host application hears
 * of it. A user another connection also brings stays, handed over to that one; a deactivated user
 * is released to the platform (`handOverUsers`). Then the connection, its tokens, directory copy
 * and sync history go. One transaction: all of it or none.
 *
 * Refused while a sync of the connection runs (its lease is held); cancel the run first.
 */
export async function deleteConnection(
  runtime: Runtime,
  connectionId: string,
  options: { organizationId?: string; actor: Actor },
): Promise<ChangeCounts> {
  const now = isoNow(runtime.clock);
  const { outcome, organizationId } = await runtime.store.transaction(async (trx) => {
    const connection = await getConnection(trx, connectionId, options.organizationId);
    const lease = await tryAcquireLease(trx, connectionId, `delete:${randomUUID()}`, runtime.clock.now());
    if (!lease.acquired) {
      throw new RosterError('conflict', 'A sync of this connection is running; cancel it, then delete');
    }
    const ctx: ApplyContext = {
      trx,
      organizationId: connection.organizationId,
      connectionId,
      connectorKind: connection.kind,
      policy: resolvePolicy(connection.kind, connection.policy),
      now,
      onReject: 'record',
    };
    const total = new Outcome();
    for (const table of ['directory_groups', 'directory_users'] as const) {
      // Each page's objects are gone after it is applied, so the next page starts from the top again.
      for (;;) {
        const rows = await trx
          .selectFrom(table)
          .select('id')
          .where('connection_id', '=', connectionId)
          .orderBy('id')
          .limit(pageSize)
          .execute();
        if (rows.length === 0) break;
        const kind = table === 'directory_groups' ? 'group.delete' : 'user.delete';
        const changes: Change[] = rows.map((row) => ({ kind, id: row.id }));
        const page = await applyChangesWithoutEvents(ctx, changes);
        total.events.push(...page.events);
        mergeOutcome(total, page);
      }
    }
    await handOverUsers(ctx, total);
    await appendEvents(trx, connection.organizationId, total.events, now);
    await appendAudit(
      trx,
      connection.organizationId,
      options.actor,
      [
        {
          action: 'connection.deleted',
          targetType: 'connection',
          targetId: connectionId,
          connectionId,
          before: { kind: connection.kind, name: connection.name },
          after: total.counts,
        },
      ],
      now,
    );
    await trx.deleteFrom('connections').where('id', '=', connectionId).execute();
    return { outcome: total, organizationId: connection.organizationId };
  });
  if (outcome.events.length > 0) runtime.eventBus.notify(organizationId);
  return { ...outcome.counts };
}

/**
 * The users the connection still owns once its directory users are gone. One that another
 * connection brings (linked from a directory user that connection has in scope) passes to it, so
 * that connection's directory manages it from now on. The others are left behind: deleted, or
 * deactivated as the lifecycle says, then released to the platform — local, with no owning
 * connection, so admins can manage them — keeping their Entra object id, so that a connection
 * to the same tenant later recognises and takes them over (`projectDirectoryUser`). Those include
 * users whose directory object went earlier, and users only out of scope elsewhere, which
 * `applyUserDelete` keeps because a directory user still links to them.
 */
async function handOverUsers(ctx: ApplyContext, outcome: Outcome): Promise<void> {
  // No index serves the owner column: pages go on by id, so each row of the organization is read
  // once rather than once per page.
  for (let after = ''; ;) {
    const users = await ctx.trx
      .selectFrom('users')
      .selectAll()
      .where('organization_id', '=', ctx.organizationId)
      .where('source_connection_id', '=', ctx.connectionId)
      .where('id', '>', after)
      .orderBy('id')
      .limit(pageSize)
      .execute();
    const last = users.at(-1);
    if (last === undefined) return;
    after = last.id;
    const heirs = await heirsOf(
      ctx,
      users.map((user) => user.id),
    );
    for (const user of users) {
      const heir = heirs.get(user.id);
      if (heir !== undefined) {
        await setOwner(ctx, user, heir.owner, outcome);
      } else if (ctx.policy.lifecycle.onDelete === 'delete') {
        await deletePlatformUser(ctx, user, outcome);
      } else {
        let left = user;
        if (user.status !== 'inactive') {
          left = { ...user, status: 'inactive', updated_at: ctx.now };
          await updateUser(ctx.trx, ctx.organizationId, user.id, { status: 'inactive', updated_at: ctx.now });
          await afterStatusChange(ctx, user, left, outcome);
        }
        await setOwner(ctx, left, { source: 'local', source_connection_id: null }, outcome);
      }
    }
  }
}
