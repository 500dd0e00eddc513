import type { Executor } from './database.js';
import { chunks } from './statement-shapes.js';

/**
 * An organization may reach one Entra tenant through two connections at once (moving from pull
 * to push). A directory group then arrives on both; its mirror is one platform group, found by
 * its Entra object id, as a person is one platform user. These queries look across the
 * organization's other connections, of which there are usually none.
 */

/** The organization's other connections: the cross-connection queries run only when there are some. */
export async function otherConnectionIds(
  db: Executor,
  organizationId: string,
  connectionId: string,
): Promise<string[]> {
  const rows = await db
    .selectFrom('connections')
    .select('id')
    .where('organization_id', '=', organizationId)
    .where('id', '!=', connectionId)
    .execute();
  return rows.map((row) => row.id);
}

/** A group another connection mirrors from the same Entra group, by its object id. */
export async function findMirrorOfEntraGroup(
  db: Executor,
  organizationId: string,
  otherConnections: readonly string[],
  entraId: string,
): Promise<string | undefined> {
  if (otherConnections.length === 0) return undefined;
  const row = await db
    .selectFrom('groups')
    .select('id')
    .where('organization_id', '=', organizationId)
    .where('external_id', '=', entraId)
    .where('source_connection_id', 'in', otherConnections)
    .orderBy('created_at')
    .limit(1)
    .executeTakeFirst();
  return row?.id;
}

/** Another connection whose directory group projects onto the platform group, if any. */
export async function otherProjectingConnection(
  db: Executor,
  otherConnections: readonly string[],
  platformGroupId: string,
): Promise<{ id: string; kind: 'scim' | 'graph' } | undefined> {
  for (const connectionId of otherConnections) {
    const row = await db
      .selectFrom('directory_groups as g')
      .innerJoin('connections as c', 'c.id', 'g.connection_id')
      .select(['c.id', 'c.kind'])
      .where('g.connection_id', '=', connectionId)
      .where('g.group_id', '=', platformGroupId)
      .limit(1)
      .executeTakeFirst();
    if (row) return { id: row.id, kind: row.kind };
  }
  return undefined;
}

/** Which platform users still reach the group through another connection's directory group. */
export async function platformUsersReachingViaOthers(
  db: Executor,
  otherConnections: readonly string[],
  platformGroupId: string,
  userIds: readonly string[],
): Promise<Set<string>> {
  const kept = new Set<string>();
  for (const connectionId of otherConnections) {
    for (const chunk of chunks(userIds)) {
      const rows = await reachingViaConnection(db, connectionId, platformGroupId, chunk).execute();
      for (const row of rows) if (row.user_id !== null) kept.add(row.user_id);
    }
  }
  return kept;
}

/**
 * Read from the users asked about: their directory rows, then only their memberships. Joined from
 * the group side, SQLite's planner walked every membership of the other connection (half a
 * million for a large tenant pulled from Graph) to remove one member from a small SCIM group. The
 * connection is named only inside the subquery, so that the outer query takes the index on
 * `user_id` rather than the one that begins with `connection_id`.
 */
export function reachingViaConnection(
  db: Executor,
  connectionId: string,
  platformGroupId: string,
  userIds: readonly string[],
) {
  return db
    .selectFrom('directory_users as u')
    .select('u.user_id')
    .where('u.user_id', 'in', userIds)
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('directory_memberships as m')
          .innerJoin('directory_groups as g', (join) =>
            join.onRef('g.connection_id', '=', 'm.connection_id').onRef('g.id', '=', 'm.group_id'),
          )
          .select('m.group_id')
          .where('m.connection_id', '=', connectionId)
          .whereRef('m.connection_id', '=', 'u.connection_id')
          .whereRef('m.member_id', '=', 'u.id')
          .where('g.group_id', '=', platformGroupId),
      ),
    );
}
