import { isoNow } from '../clock.js';
import { resolvePolicy } from '../domain/policy/policy.js';
import type { Runtime } from '../runtime.js';
import { appendAudit } from '../store/audit.js';
import { findConnection } from '../store/connections.js';
import {
  dueDeletions,
  getDirectoryUserPolicy,
  saveDirectoryUserPolicy,
} from '../store/directory-user-policy.js';
import { getDirectoryUser } from '../store/directory.js';
import { appendEvents } from '../store/events.js';
import { findUser } from '../store/users.js';
import type { ApplyContext } from './context.js';
import { Outcome } from './outcome.js';
import { deletePlatformUser } from './user-effects.js';

/**
 * The lifecycle sweep the scheduler calls: users who left a connection's scope under
 * `lifecycle.outOfScope: delete` are deleted once their grace period has passed. Each user is its
 * own transaction (with its events and an audit entry); a user who came back into scope meanwhile
 * has no deadline any more and is left alone.
 */
export async function applyLifecycleDeadlines(
  runtime: Runtime,
  options: { batchSize?: number } = {},
): Promise<{ deleted: number }> {
  let deleted = 0;
  for (;;) {
    const now = isoNow(runtime.clock);
    const due = await dueDeletions(runtime.store.db, now, options.batchSize ?? 100);
    if (due.length === 0) return { deleted };
    for (const item of due) {
      const count = await runtime.store.transaction(async (trx) => {
        const state = await getDirectoryUserPolicy(trx, item.connectionId, item.directoryUserId);
        const connection = await findConnection(trx, item.connectionId);
        if (!state || state.deleteAfter === null || state.deleteAfter > now) return 0;
        // The deadline is spent whatever follows, so the sweep never meets this row again.
        await saveDirectoryUserPolicy(trx, item, { ...state, deleteAfter: null }, now);
        if (state.inScope || !connection) return 0;
        const directoryUser = await getDirectoryUser(trx, item.connectionId, item.directoryUserId);
        const user = directoryUser?.user_id
          ? await findUser(trx, item.organizationId, directoryUser.user_id)
          : undefined;
        if (!user || user.source_connection_id !== item.connectionId) return 0;
        const ctx: ApplyContext = {
          trx,
          organizationId: item.organizationId,
          connectionId: item.connectionId,
          connectorKind: connection.kind,
          policy: resolvePolicy(connection.kind, connection.policy),
          now,
          onReject: 'record',
        };
        const outcome = new Outcome();
        await deletePlatformUser(ctx, user, outcome);
        await appendEvents(trx, item.organizationId, outcome.events, now);
        await appendAudit(
          trx,
          item.organizationId,
          { type: 'system', id: null },
          [
            {
              action: 'user.deleted_after_grace',
              targetType: 'user',
              targetId: user.id,
              connectionId: item.connectionId,
            },
          ],
          now,
        );
        return 1;
      });
      if (count > 0) runtime.eventBus.notify(item.organizationId);
      deleted += count;
    }
  }
}
