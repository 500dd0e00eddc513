import { sql } from 'kysely';
import type { Executor } from '../../store/database.js';
import type { GraphSyncStateRow } from '../../store/schema.js';
import { statementBatches } from '../../store/statement-shapes.js';

/**
 * Where a connection's pull stands per resource, and the marks of a full round. The state is
 * written in the same transaction as the changes of the page it follows, so a run killed at any
 * point resumes at the first page whose changes were not committed.
 */
export type GraphResource = 'users' | 'groups';

export type SyncState = Omit<GraphSyncStateRow, 'connection_id' | 'resource' | 'updated_at'>;

export async function loadSyncState(
  db: Executor,
  connectionId: string,
  resource: GraphResource,
): Promise<SyncState | undefined> {
  return db
    .selectFrom('graph_sync_state')
    .select(['delta_link', 'next_link', 'round_kind', 'round_id', 'sweep'])
    .where('connection_id', '=', connectionId)
    .where('resource', '=', resource)
    .executeTakeFirst();
}

export async function saveSyncState(
  db: Executor,
  connectionId: string,
  resource: GraphResource,
  state: SyncState,
  now: string,
): Promise<void> {
  await db
    .insertInto('graph_sync_state')
    .values({ connection_id: connectionId, resource, ...state, updated_at: now })
    .onConflict((oc) => oc.columns(['connection_id', 'resource']).doUpdateSet({ ...state, updated_at: now }))
    .execute();
}

/**
 * Drops the stored deltaLinks, so every round from now on is full until one completes: how a full
 * run asked for stays asked for when it is cut short. A round in progress still resumes.
 */
export async function forgetDeltaLinks(db: Executor, connectionId: string): Promise<void> {
  await db
    .updateTable('graph_sync_state')
    .set({ delta_link: null })
    .where('connection_id', '=', connectionId)
    .execute();
}

/** Records what a full round saw; replays and repeats across pages are harmless. */
export async function markSeen(
  db: Executor,
  connectionId: string,
  roundId: string,
  kind: 'user' | 'group' | 'member',
  items: readonly { groupId?: string; objectId: string }[],
): Promise<void> {
  for (const batch of statementBatches(items, 512)) {
    await db
      .insertInto('graph_seen')
      .values(
        batch.map((item) => ({
          connection_id: connectionId,
          round_id: roundId,
          kind,
          group_id: item.groupId ?? '',
          object_id: item.objectId,
        })),
      )
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
}

/** Directory users or groups of the connection that the round did not see. */
export async function unseenObjects(
  db: Executor,
  connectionId: string,
  roundId: string,
  kind: 'user' | 'group',
): Promise<string[]> {
  const table = kind === 'user' ? 'directory_users' : 'directory_groups';
  const rows = await db
    .selectFrom(table)
    .select('id')
    .where('connection_id', '=', connectionId)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('graph_seen')
            .select(sql`1`.as('one'))
            .where('graph_seen.connection_id', '=', connectionId)
            .where('graph_seen.round_id', '=', roundId)
            .where('graph_seen.kind', '=', kind)
            .where('graph_seen.group_id', '=', '')
            .whereRef('graph_seen.object_id', '=', `${table}.id`),
        ),
      ),
    )
    .execute();
  return rows.map((row) => row.id);
}

/** Stored memberships of groups the round saw, whose member the round did not see in that group. */
export async function unseenMemberships(
  db: Executor,
  connectionId: string,
  roundId: string,
): Promise<{ groupId: string; memberId: string }[]> {
  const rows = await db
    .selectFrom('directory_memberships as m')
    .select(['m.group_id', 'm.member_id'])
    .where('m.connection_id', '=', connectionId)
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('graph_seen as g')
          .select(sql`1`.as('one'))
          .where('g.connection_id', '=', connectionId)
          .where('g.round_id', '=', roundId)
          .where('g.kind', '=', 'group')
          .where('g.group_id', '=', '')
          .whereRef('g.object_id', '=', 'm.group_id'),
      ),
    )
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('graph_seen as s')
            .select(sql`1`.as('one'))
            .where('s.connection_id', '=', connectionId)
            .where('s.round_id', '=', roundId)
            .where('s.kind', '=', 'member')
            .whereRef('s.group_id', '=', 'm.group_id')
            .whereRef('s.object_id', '=', 'm.member_id'),
        ),
      ),
    )
    .execute();
  return rows.map((row) => ({ groupId: row.group_id, memberId: row.member_id }));
}

export async function clearMarks(db: Executor, connectionId: string, roundId: string): Promise<void> {
  await db
    .deleteFrom('graph_seen')
    .where('connection_id', '=', connectionId)
    .where('round_id', '=', roundId)
    .execute();
}

/** Whether the connection holds any object of the resource yet (a first full round has nothing to sweep). */
export async function hasDirectoryObjects(
  db: Executor,
  connectionId: string,
  resource: GraphResource,
): Promise<boolean> {
  const table = resource === 'users' ? 'directory_users' : 'directory_groups';
  const row = await db
    .selectFrom(table)
    .select('id')
    .where('connection_id', '=', connectionId)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}
