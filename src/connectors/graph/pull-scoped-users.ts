import type { AppRoleResolver } from './app-role-assignments.js';
import type { GraphPage } from './graph-client.js';
import { graphUserChange, plainUserSelect, type GraphUser } from './graph-user.js';
import type { PullProgress, PullSession } from './pull-session.js';
import { chunks } from '../../store/statement-shapes.js';

/**
 * Users of a scoped connection: the members of the groups in scope (transitive ones when nesting
 * is flattened), listed in full on every run. The cost follows the scope's size, not the
 * tenant's. Nobody is removed from here: a user who leaves every group in scope leaves through
 * the groups' membership changes, and policy decides what that means.
 */
export async function pullScopedUsers(
  session: PullSession,
  groupIds: readonly string[],
  progress: PullProgress,
  roles: AppRoleResolver,
): Promise<void> {
  progress.phase = 'users';
  progress.rounds.users = 'full';
  const select = plainUserSelect(session.policy.attributeMapping).join(',');
  const relation = session.policy.scope.nested ? 'transitiveMembers' : 'members';
  const seen = new Set<string>();
  for (const groupId of groupIds) {
    let next: string | undefined =
      `/groups/${groupId}/${relation}/microsoft.graph.user?$select=${select}&$top=999`;
    while (next !== undefined) {
      await session.checkpoint();
      const page: GraphPage<GraphUser> = await session.client.get<GraphPage<GraphUser>>(next);
      const fresh = page.value.filter((user) => !seen.has(user.id));
      for (const user of fresh) seen.add(user.id);
      await session.transaction(async (trx) => {
        for (const batch of chunks(fresh)) {
          const stored = await trx
            .selectFrom('directory_users')
            .select(['id', 'attributes'])
            .where('connection_id', '=', session.connectionId)
            .where(
              'id',
              'in',
              batch.map((user) => user.id),
            )
            .execute();
          const previous = new Map(
            stored.map((row) => [row.id, JSON.parse(row.attributes) as Record<string, unknown>]),
          );
          await session.apply(
            trx,
            batch.map((user) => graphUserChange(user, previous.get(user.id), roles.rolesOf(user.id))),
          );
        }
        progress.pages += 1;
        progress.usersSeen += fresh.length;
        await session.onPage(trx, progress);
      });
      next = page['@odata.nextLink'];
    }
  }
}
