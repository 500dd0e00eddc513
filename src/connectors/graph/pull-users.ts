import type { Transaction } from 'kysely';
import type { Database } from '../../store/schema.js';
import { chunks } from '../../store/statement-shapes.js';
import type { Change } from '../../sync/change.js';
import type { AppRoleResolver } from './app-role-assignments.js';
import { graphUserChange, userSelect, type GraphUser } from './graph-user.js';
import type { ResourceHandler } from './pull-resource.js';
import type { PullSession } from './pull-session.js';
import { clearMarks, markSeen, unseenObjects, type SyncState } from './sync-state.js';

/** `users/delta`: each user becomes an upsert, each `@removed` a delete (policy decides deactivate or delete). */
export function usersHandler(session: PullSession, roles: AppRoleResolver): ResourceHandler<GraphUser> {
  const { connectionId } = session;
  return {
    resource: 'users',
    initialUrl: () => `/users/delta?$select=${userSelect(session.policy.attributeMapping).join(',')}`,
    prepare: async () => undefined,
    async applyPage(trx: Transaction<Database>, page: GraphUser[], round: SyncState): Promise<void> {
      const stored = await storedUsers(
        trx,
        connectionId,
        page.map((user) => user.id),
      );
      const changes: Change[] = [];
      for (const user of page) {
        if (user['@removed'] !== undefined) {
          // A removal of a user we never kept (rejected by policy, or never seen) changes nothing.
          if (stored.has(user.id)) changes.push({ kind: 'user.delete', id: user.id });
          stored.delete(user.id);
        } else {
          changes.push(graphUserChange(user, stored.get(user.id), roles.rolesOf(user.id)));
        }
      }
      await session.apply(trx, changes);
      if (round.sweep === 1 && round.round_id !== null) {
        const seen = page
          .filter((user) => user['@removed'] === undefined)
          .map((user) => ({ objectId: user.id }));
        await markSeen(trx, connectionId, round.round_id, 'user', seen);
      }
    },
    async sweep(trx: Transaction<Database>, roundId: string): Promise<void> {
      const unseen = await unseenObjects(trx, connectionId, roundId, 'user');
      for (const ids of chunks(unseen))
        await session.apply(
          trx,
          ids.map((id) => ({ kind: 'user.delete', id })),
        );
      await clearMarks(trx, connectionId, roundId);
    },
  };
}

/** The stored Graph objects of a page's users, to lay partial delta answers over. */
async function storedUsers(
  trx: Transaction<Database>,
  connectionId: string,
  ids: readonly string[],
): Promise<Map<string, Record<string, unknown>>> {
  const stored = new Map<string, Record<string, unknown>>();
  for (const chunk of chunks([...new Set(ids)])) {
    const rows = await trx
      .selectFrom('directory_users')
      .select(['id', 'attributes'])
      .where('connection_id', '=', connectionId)
      .where('id', 'in', chunk)
      .execute();
    for (const row of rows) stored.set(row.id, JSON.parse(row.attributes) as Record<string, unknown>);
  }
  return stored;
}
