import { performance } from 'node:perf_hooks';
import { isoNow } from '../clock.js';
import { newId } from '../ids.js';
import { graphPreviewNotes } from '../connectors/graph/preview-notes.js';
import { resolvePolicy, type Policy } from '../domain/policy/policy.js';
import type { Runtime } from '../runtime.js';
import { appendAudit, type Actor } from '../store/audit.js';
import { getConnection, markPolicyApplied } from '../store/connections.js';
import { directoryUserPolicies } from '../store/directory-user-policy.js';
import { appendEvents } from '../store/events.js';
import { withPreviewStore } from '../store/preview-store.js';
import { applyGroupUpsert } from './apply-group.js';
import type { ApplyContext } from './context.js';
import { Outcome } from './outcome.js';
import { projectDirectoryUser } from './project-user.js';
import { SeatLimitError, checkSeats } from './seat-guard.js';
import { UserPrefetch } from './user-prefetch.js';

const pageSize = 500;

/**
 * Applies a connection's policy to everything already synced: each directory group is projected
 * again (mappings, mirror or ignore), then each directory user is decided again from its stored
 * source (scope, mapping, roles, lifecycle). Run after a policy change; with `dryRun` (and a
 * candidate `policy`, for a preview) it reports what the policy would change and keeps nothing.
 *
 * One transaction, so the seat guard can refuse the whole of it. Users synced before policy state
 * was kept (no stored source) are decided again at their next change from the directory.
 */
export async function reconcileConnection(
  runtime: Runtime,
  connectionId: string,
  options: { dryRun?: boolean; policy?: Policy; organizationId?: string; actor?: Actor } = {},
): Promise<Outcome> {
  if (options.dryRun === true) return previewReconcile(runtime, connectionId, options);
  const now = isoNow(runtime.clock);
  const { outcome, organizationId } = await runtime.store.transaction(async (trx) => {
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
    const reconciled = await reconcileAll(ctx);
    const seats = await checkSeats(ctx, reconciled);
    if (seats?.exceeded) throw new SeatLimitError(seats);
    if (options.policy === undefined) await markPolicyApplied(trx, connectionId);
    await appendEvents(trx, connection.organizationId, reconciled.events, now);
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
          after: reconciled.counts,
        },
      ],
      now,
    );
    return { outcome: reconciled, organizationId: connection.organizationId };
  });
  if (outcome.events.length > 0) runtime.eventBus.notify(organizationId);
  return outcome;
}

/**
 * A reconcile that keeps nothing, on a preview (see withPreviewStore), so that the organization's
 * other writers go on while it runs: its outcome, the seat check and, for Graph, what the preview
 * cannot foresee.
 */
async function previewReconcile(
  runtime: Runtime,
  connectionId: string,
  options: { policy?: Policy; organizationId?: string },
): Promise<Outcome> {
  const now = isoNow(runtime.clock);
  const connection = await getConnection(runtime.store.db, connectionId, options.organizationId);
  const policy = options.policy ?? resolvePolicy(connection.kind, connection.policy);
  const outcome = await withPreviewStore(runtime.store, `reconcile-${newId()}`, (preview) =>
    preview.transaction(async (trx) => {
      const ctx: ApplyContext = {
        trx,
        organizationId: connection.organizationId,
        connectionId,
        connectorKind: connection.kind,
        policy,
        now,
        onReject: 'record',
        preview: true,
      };
      const reconciled = await reconcileAll(ctx);
      await checkSeats(ctx, reconciled);
      return reconciled;
    }),
  );
  outcome.dryRun = true;
  if (connection.kind === 'graph')
    outcome.notes = await graphPreviewNotes(runtime.store.db, connectionId, policy);
  return outcome;
}

/**
 * The reconcile itself, inside a transaction the caller holds (a preview's, for a dry-run sync).
 *
 * It gives the event loop a turn every `sliceMs` of work. better-sqlite3 answers synchronously, so
 * on SQLite a reconcile that never yields holds the whole server: a preview of 100,000 users ran on
 * its copy of the database for 18 s, and every request meanwhile (`/healthz` included) waited for
 * it. Now a preview's other requests go on; a real reconcile still holds SQLite's one writer (and
 * connection) until it commits, so only requests that need no database do.
 */
export async function reconcileAll(ctx: ApplyContext): Promise<Outcome> {
  const outcome = new Outcome();
  const pause = eventLoopTurns();
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
      await pause();
    }
    if (groups.length < pageSize) break;
    after = groups[groups.length - 1]?.id ?? after;
  }
  for (let after = ''; ;) {
    const users = await ctx.trx
      .selectFrom('directory_users')
      .select(['id', 'user_id', 'email_key'])
      .where('connection_id', '=', ctx.connectionId)
      .where('id', '>', after)
      .orderBy('id')
      .limit(pageSize)
      .execute();
    await reconcileUsers(ctx, users, outcome, pause);
    if (users.length < pageSize) break;
    after = users[users.length - 1]?.id ?? after;
  }
  return outcome;
}

/**
 * Decides a page of directory users again from the source each last stored. The page reads its
 * policy states in one query, and what projecting them reads through a prefetch (user-prefetch.ts),
 * as a Graph page does: one by one it was five to fifteen queries per user, most of a reconcile's
 * time on PostgreSQL, where each is a round trip (a 100,000-user preview took 84 s). Users synced
 * before policy state was kept have no stored source and are left for their next change.
 */
async function reconcileUsers(
  ctx: ApplyContext,
  users: readonly { id: string; user_id: string | null; email_key: string | null }[],
  outcome: Outcome,
  pause: () => Promise<void>,
): Promise<void> {
  const states = await directoryUserPolicies(
    ctx.trx,
    ctx.connectionId,
    users.map((user) => user.id),
  );
  const decided = users.flatMap((user) => {
    const state = states.get(user.id);
    return state === undefined ? [] : [{ user, source: state.source }];
  });
  if (decided.length === 0) return;
  const userPrefetch = await UserPrefetch.load(
    ctx,
    decided.map(({ user, source }) => ({ id: user.id, emailKey: user.email_key, source })),
  );
  const pageCtx: ApplyContext = { ...ctx, userPrefetch };
  for (const { user, source } of decided) {
    await projectDirectoryUser(pageCtx, user, source, outcome, 'record');
    await pause();
  }
  await userPrefetch.flush();
}

/** Work between two turns of the event loop: about the longest a request waits meanwhile. */
const sliceMs = 20;

/** A pause to await after each step of long work: it yields once `sliceMs` have passed since the last. */
function eventLoopTurns(): () => Promise<void> {
  let since = performance.now();
  return async () => {
    if (performance.now() - since < sliceMs) return;
    // setImmediate, not a resolved promise: the turn must reach the poll phase, where requests
    // are read.
    await new Promise((resolve) => setImmediate(resolve));
    since = performance.now();
  };
}
