import { isoNow } from '../clock.js';
import { graphPreviewNotes } from '../connectors/graph/preview-notes.js';
import { resolvePolicy, type Policy } from '../domain/policy/policy.js';
import type { Runtime } from '../runtime.js';
import { appendAudit, type Actor } from '../store/audit.js';
import { getConnection, markPolicyApplied } from '../store/connections.js';
import { getDirectoryUserPolicy } from '../store/directory-user-policy.js';
import { appendEvents } from '../store/events.js';
import { applyGroupUpsert } from './apply-group.js';
import type { ApplyContext } from './context.js';
import { Outcome } from './outcome.js';
import { projectDirectoryUser } from './project-user.js';
import { SeatLimitError, checkSeats } from './seat-guard.js';

const pageSize = 500;

/**
 * Applies a connection's policy to everything already synced: each directory group is projected
 * again (mappings, mirror or ignore), then each directory user is decided again from its stored
 * source (scope, mapping, roles, lifecycle). Run after a policy change; with `dryRun` (or a
 * candidate `policy`) it reports what the policy would change and keeps nothing.
 *
 * One transaction, so the seat guard can refuse the whole of it. Users synced before policy state
 * was kept (no stored source) are decided again at their next change from the directory.
 */
export async function reconcileConnection(
  runtime: Runtime,
  connectionId: string,
  options: { dryRun?: boolean; policy?: Policy; organizationId?: string; actor?: Actor } = {},
): Promise<Outcome> {
  const now = isoNow(runtime.clock);
  const dryRun = options.dryRun === true;
  let outcome = new Outcome();
  const rollback = new Error('dry run');
  let applied: { kind: string; policy: Policy } | undefined;
  try {
    await runtime.store.transaction(async (trx) => {
      const connection = await getConnection(trx, connectionId, options.organizationId);
      const ctx: ApplyContext = {
        trx,
        organizationId: connection.organizationId,
        connectionId,
        connectorKind: connection.kind,
        policy: options.policy ?? resolvePolicy(connection.kind, connection.policy),
        now,
        onReject: 'record',
      };
      applied = { kind: connection.kind, policy: ctx.policy };
      outcome = await reconcileAll(ctx);
      const seats = await checkSeats(ctx, outcome);
      if (dryRun) {
        outcome.dryRun = true;
        throw rollback;
      }
      if (seats?.exceeded) throw new SeatLimitError(seats);
      if (options.policy === undefined) await markPolicyApplied(trx, connectionId);
      await appendEvents(trx, connection.organizationId, outcome.events, now);
      await appendAudit(
        trx,
        connection.organizationId,
        options.actor ?? { type: 'system', id: null },
        [
          {
            action: 'connection.reconciled',
            targetType: 'connection',
            targetId: connectionId,
            connectionId,
            after: outcome.counts,
          },
        ],
        now,
      );
    });
  } catch (error) {
    if (error !== rollback) throw error;
    if (applied?.kind === 'graph')
      outcome.notes = await graphPreviewNotes(runtime.store.db, connectionId, applied.policy);
    return outcome;
  }
  if (outcome.events.length > 0)
    runtime.eventBus.notify((await getConnection(runtime.store.db, connectionId)).organizationId);
  return outcome;
}

/** The reconcile itself, inside a transaction the caller holds (a dry-run sync's). */
export async function reconcileAll(ctx: ApplyContext): Promise<Outcome> {
  const outcome = new Outcome();
  for (let after = ''; ;) {
    const groups = await ctx.trx
      .selectFrom('directory_groups')
      .select(['id', 'external_id', 'display_name', 'attributes'])
      .where('connection_id', '=', ctx.connectionId)
      .where('id', '>', after)
      .orderBy('id')
      .limit(pageSize)
      .execute();
    for (const group of groups) {
      const attributes = JSON.parse(group.attributes) as Record<string, unknown>;
      const input = {
        id: group.id,
        externalId: group.external_id,
        displayName: group.display_name,
        attributes,
      };
      await applyGroupUpsert(ctx, input, outcome);
    }
    if (groups.length < pageSize) break;
    after = groups[groups.length - 1]?.id ?? after;
  }
  for (let after = ''; ;) {
    const users = await ctx.trx
      .selectFrom('directory_users')
      .select(['id', 'user_id'])
      .where('connection_id', '=', ctx.connectionId)
      .where('id', '>', after)
      .orderBy('id')
      .limit(pageSize)
      .execute();
    for (const user of users) {
      const state = await getDirectoryUserPolicy(ctx.trx, ctx.connectionId, user.id);
      if (state !== undefined) await projectDirectoryUser(ctx, user, state.source, outcome, 'record');
    }
    if (users.length < pageSize) break;
    after = users[users.length - 1]?.id ?? after;
  }
  return outcome;
}
