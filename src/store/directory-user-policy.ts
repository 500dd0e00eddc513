import type { SourceUser } from '../domain/source-user.js';
import type { Selectable } from 'kysely';
import type { Executor } from './database.js';
import type { DirectoryUserPolicyTable } from './schema.js';
import { chunks, statementBatches } from './statement-shapes.js';

/**
 * What the engine remembers of each directory user for policy: the source user as its connector
 * described it (so a membership change can re-decide the user without the connector), whether it
 * is in scope, and when a user out of scope is due for deletion.
 */
export interface DirectoryUserPolicy {
  source: SourceUser;
  inScope: boolean;
  deleteAfter: string | null;
}

export async function getDirectoryUserPolicy(
  db: Executor,
  connectionId: string,
  directoryUserId: string,
): Promise<DirectoryUserPolicy | undefined> {
  const row = await db
    .selectFrom('directory_user_policy')
    .selectAll()
    .where('connection_id', '=', connectionId)
    .where('directory_user_id', '=', directoryUserId)
    .executeTakeFirst();
  return row === undefined ? undefined : policyOf(row);
}

/** The policy state of several directory users, by directory user id (those without one left out). */
export async function directoryUserPolicies(
  db: Executor,
  connectionId: string,
  directoryUserIds: readonly string[],
): Promise<Map<string, DirectoryUserPolicy>> {
  const policies = new Map<string, DirectoryUserPolicy>();
  for (const batch of chunks(directoryUserIds)) {
    const rows = await db
      .selectFrom('directory_user_policy')
      .selectAll()
      .where('connection_id', '=', connectionId)
      .where('directory_user_id', 'in', batch)
      .execute();
    for (const row of rows) policies.set(row.directory_user_id, policyOf(row));
  }
  return policies;
}

function policyOf(row: Selectable<DirectoryUserPolicyTable>): DirectoryUserPolicy {
  return {
    source: JSON.parse(row.source) as SourceUser,
    inScope: row.in_scope === 1,
    deleteAfter: row.delete_after,
  };
}

export interface PolicyKey {
  organizationId: string;
  connectionId: string;
  directoryUserId: string;
}

export async function saveDirectoryUserPolicy(
  db: Executor,
  key: PolicyKey,
  state: DirectoryUserPolicy,
  now: string,
): Promise<void> {
  await saveDirectoryUserPolicies(db, [{ key, state, now }]);
}

/** Inserts or replaces the policy state of several directory users, many rows per statement. */
export async function saveDirectoryUserPolicies(
  db: Executor,
  entries: readonly { key: PolicyKey; state: DirectoryUserPolicy; now: string }[],
): Promise<void> {
  const rows = entries.map(({ key, state, now }) => ({
    connection_id: key.connectionId,
    directory_user_id: key.directoryUserId,
    organization_id: key.organizationId,
    source: JSON.stringify(state.source),
    in_scope: state.inScope ? 1 : 0,
    delete_after: state.deleteAfter,
    updated_at: now,
  }));
  for (const batch of statementBatches(rows, 256)) {
    await db
      .insertInto('directory_user_policy')
      .values(batch)
      .onConflict((oc) =>
        oc.columns(['connection_id', 'directory_user_id']).doUpdateSet((eb) => ({
          source: eb.ref('excluded.source'),
          in_scope: eb.ref('excluded.in_scope'),
          delete_after: eb.ref('excluded.delete_after'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute();
  }
}

export async function deleteDirectoryUserPolicy(
  db: Executor,
  connectionId: string,
  directoryUserId: string,
): Promise<void> {
  await db
    .deleteFrom('directory_user_policy')
    .where('connection_id', '=', connectionId)
    .where('directory_user_id', '=', directoryUserId)
    .execute();
}

/** Directory users whose deletion deadline has passed, oldest first, a batch at a time. */
export async function dueDeletions(
  db: Executor,
  now: string,
  limit: number,
): Promise<{ organizationId: string; connectionId: string; directoryUserId: string }[]> {
  const rows = await db
    .selectFrom('directory_user_policy')
    .select(['organization_id', 'connection_id', 'directory_user_id'])
    .where('delete_after', 'is not', null)
    .where('delete_after', '<=', now)
    .orderBy('delete_after')
    .limit(limit)
    .execute();
  return rows.map((row) => ({
    organizationId: row.organization_id,
    connectionId: row.connection_id,
    directoryUserId: row.directory_user_id,
  }));
}
