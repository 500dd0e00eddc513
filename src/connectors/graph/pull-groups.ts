import type { Transaction } from 'kysely';
import type { Database } from '../../store/schema.js';
import { chunks } from '../../store/statement-shapes.js';
import type { Change } from '../../sync/change.js';
import type { AppRoleResolver } from './app-role-assignments.js';
import { GraphError } from './graph-error.js';
import { graphGroupChanges, groupSelect, memberChanges, type GraphGroup } from './graph-group.js';
import { graphUserChange, plainUserSelect, type GraphUser } from './graph-user.js';
import type { ResourceHandler } from './pull-resource.js';
import type { PullSession } from './pull-session.js';
import { clearMarks, markSeen, unseenMemberships, unseenObjects, type SyncState } from './sync-state.js';

/**
 * `groups/delta` with `members@delta`. A large group repeats across pages with different member
 * chunks, in no promised order, so each object is applied as it comes. Members are direct only.
 */
export function groupsHandler(
  session: PullSession,
  roles: AppRoleResolver,
  onlyIds?: readonly string[],
  /** A scoped pull's groups whose members are its users; other groups' members are not fetched. */
  usersOf?: readonly string[],
): ResourceHandler<GraphGroup> {
  const fetchMembersOf = usersOf === undefined ? undefined : new Set(usersOf);
  const { connectionId } = session;
  return {
    resource: 'groups',
    initialUrl: () => `/groups/delta?$select=${groupSelect.join(',')}${idFilter(onlyIds)}`,
    prepare: (page, roundKind) =>
      roundKind === 'delta'
        ? fetchUnknownMembers(
            session,
            fetchMembersOf === undefined ? page : page.filter((group) => fetchMembersOf.has(group.id)),
          )
        : Promise.resolve([]),
    async applyPage(
      trx: Transaction<Database>,
      page: GraphGroup[],
      round: SyncState,
      prepared: unknown,
    ): Promise<void> {
      const changes: Change[] = (prepared as GraphUser[]).map((user) =>
        graphUserChange(user, undefined, roles.rolesOf(user.id)),
      );
      const stored = await storedGroups(
        trx,
        connectionId,
        page.map((group) => group.id),
      );
      const names = new UniqueNames(await takenNames(trx, connectionId, page));
      for (const group of page) {
        if (group['@removed'] !== undefined) {
          if (stored.has(group.id)) changes.push({ kind: 'group.delete', id: group.id });
          stored.delete(group.id);
          continue;
        }
        // Later chunks of a large group may come without its name; the stored one stands.
        const known = stored.get(group.id);
        const wanted = group.displayName ?? (known === undefined ? group.id : null);
        const displayName = wanted === null ? null : names.claim(group.id, wanted);
        changes.push(...graphGroupChanges(group, displayName === known ? null : displayName));
        if (known === undefined && displayName !== null) stored.set(group.id, displayName);
      }
      await session.apply(trx, changes);
      if (round.sweep === 1 && round.round_id !== null) {
        const present = page.filter((group) => group['@removed'] === undefined);
        await markSeen(
          trx,
          connectionId,
          round.round_id,
          'group',
          present.map((group) => ({ objectId: group.id })),
        );
        const members = present.flatMap((group) =>
          memberChanges(group).added.map((m) => ({ groupId: group.id, objectId: m.id })),
        );
        await markSeen(trx, connectionId, round.round_id, 'member', members);
      }
    },
    async sweep(trx: Transaction<Database>, roundId: string): Promise<void> {
      const byGroup = new Map<string, string[]>();
      for (const { groupId, memberId } of await unseenMemberships(trx, connectionId, roundId)) {
        byGroup.set(groupId, [...(byGroup.get(groupId) ?? []), memberId]);
      }
      const changes: Change[] = [...byGroup].map(([groupId, memberIds]) => ({
        kind: 'members.remove',
        groupId,
        memberIds,
      }));
      for (const id of await unseenObjects(trx, connectionId, roundId, 'group'))
        changes.push({ kind: 'group.delete', id });
      for (const batch of chunks(changes, 100)) await session.apply(trx, batch);
      await clearMarks(trx, connectionId, roundId);
    },
  };
}

/**
 * `$filter=id eq 'a' or id eq 'b'` scopes a delta round to chosen groups (Graph's delta query
 * overview); beyond 50 ids Graph refuses the filter, so the round covers every group and policy
 * ignores the others.
 */
function idFilter(ids: readonly string[] | undefined): string {
  if (ids === undefined || ids.length === 0 || ids.length > 50) return '';
  return `&$filter=${encodeURIComponent(ids.map((id) => `id eq '${id.replaceAll("'", "''")}'`).join(' or '))}`;
}

/**
 * A user who joined Entra after this run's users round, then a group, would otherwise reach the
 * group before the platform knows them. Such members are fetched one by one before the page.
 */
async function fetchUnknownMembers(session: PullSession, page: GraphGroup[]): Promise<GraphUser[]> {
  const ids = [
    ...new Set(
      page.flatMap((group) =>
        memberChanges(group)
          .added.filter((m) => m.type === 'user')
          .map((m) => m.id),
      ),
    ),
  ];
  const known = new Set<string>();
  for (const chunk of chunks(ids)) {
    const rows = await session.db
      .selectFrom('directory_users')
      .select('id')
      .where('connection_id', '=', session.connectionId)
      .where('id', 'in', chunk)
      .execute();
    for (const row of rows) known.add(row.id);
  }
  const select = plainUserSelect(session.policy.attributeMapping).join(',');
  const fetched = await Promise.all(
    ids
      .filter((id) => !known.has(id))
      .map(async (id) => {
        try {
          return await session.client.get<GraphUser>(`/users/${encodeURIComponent(id)}?$select=${select}`);
        } catch (error) {
          // Gone again, or not visible to the app: the membership row is kept, the platform skips it.
          if (error instanceof GraphError && error.httpStatus === 404) return null;
          throw error;
        }
      }),
  );
  return fetched.filter((user): user is GraphUser => user !== null);
}

async function storedGroups(
  trx: Transaction<Database>,
  connectionId: string,
  ids: string[],
): Promise<Map<string, string>> {
  const stored = new Map<string, string>();
  for (const chunk of chunks([...new Set(ids)])) {
    const rows = await trx
      .selectFrom('directory_groups')
      .select(['id', 'display_name'])
      .where('connection_id', '=', connectionId)
      .where('id', 'in', chunk)
      .execute();
    for (const row of rows) stored.set(row.id, row.display_name);
  }
  return stored;
}

async function takenNames(
  trx: Transaction<Database>,
  connectionId: string,
  page: GraphGroup[],
): Promise<Map<string, string>> {
  const keys = [
    ...new Set(page.flatMap((group) => (group.displayName ? [group.displayName.toLowerCase()] : []))),
  ];
  const taken = new Map<string, string>();
  for (const chunk of chunks(keys)) {
    const rows = await trx
      .selectFrom('directory_groups')
      .select(['id', 'display_name_key'])
      .where('connection_id', '=', connectionId)
      .where('display_name_key', 'in', chunk)
      .execute();
    for (const row of rows) taken.set(row.display_name_key, row.id);
  }
  return taken;
}

/**
 * Entra allows two groups with one name; Roster keeps directory group names unique per
 * connection (Entra's own SCIM rule). The second group of a name gets its object id appended.
 */
class UniqueNames {
  readonly #taken: Map<string, string>;

  constructor(taken: Map<string, string>) {
    this.#taken = taken;
  }

  claim(groupId: string, name: string): string {
    const owner = this.#taken.get(name.toLowerCase());
    const unique = owner === undefined || owner === groupId ? name : `${name} (${groupId})`;
    this.#taken.set(unique.toLowerCase(), groupId);
    return unique;
  }
}
