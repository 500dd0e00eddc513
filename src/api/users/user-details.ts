import type { AuditEntry } from '../../store/audit.js';
import { pageAudit } from '../../store/audit-pages.js';
import type { Executor } from '../../store/database.js';
import type { StoredEvent } from '../../store/events.js';

/**
 * What the API shows beside a user: the directory objects it comes from (per connection, the
 * attributes as the source sent them) and its recent history from the audit log and event log.
 */
export interface DirectorySource {
  connectionId: string;
  connectionName: string;
  kind: 'scim' | 'graph';
  id: string;
  externalId: string | null;
  userName: string;
  active: boolean;
  attributes: Record<string, unknown>;
  updatedAt: string;
}

export async function directorySourcesOf(
  db: Executor,
  organizationId: string,
  userId: string,
): Promise<DirectorySource[]> {
  const rows = await db
    .selectFrom('directory_users')
    .innerJoin('connections', 'connections.id', 'directory_users.connection_id')
    .select([
      'directory_users.connection_id',
      'connections.name',
      'connections.kind',
      'directory_users.id',
      'directory_users.external_id',
      'directory_users.user_name',
      'directory_users.active',
      'directory_users.attributes',
      'directory_users.updated_at',
    ])
    .where('directory_users.organization_id', '=', organizationId)
    .where('directory_users.user_id', '=', userId)
    .orderBy('directory_users.connection_id')
    .execute();
  return rows.map((row) => ({
    connectionId: row.connection_id,
    connectionName: row.name,
    kind: row.kind,
    id: row.id,
    externalId: row.external_id,
    userName: row.user_name,
    active: Number(row.active) === 1,
    attributes: JSON.parse(row.attributes) as Record<string, unknown>,
    updatedAt: row.updated_at,
  }));
}

/** Audit entries about the user or its directory objects, newest first. */
export async function auditHistoryOf(
  db: Executor,
  organizationId: string,
  userId: string,
  sources: readonly DirectorySource[],
  limit: number,
): Promise<AuditEntry[]> {
  return pageAudit(db, organizationId, { targetIds: [userId, ...sources.map((source) => source.id)], limit });
}

/**
 * Events that name the user, newest first. Event data is JSON text, so this is a text match on the
 * user id (a UUID, which cannot collide with other text): it reads the organization's log without
 * an index, acceptable for one user's detail view, not for bulk use.
 */
export async function eventHistoryOf(
  db: Executor,
  organizationId: string,
  userId: string,
  limit: number,
): Promise<StoredEvent[]> {
  const rows = await db
    .selectFrom('events')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .where('data', 'like', `%"${userId.replace(/[\\%_"]/g, '')}"%`)
    .orderBy('seq', 'desc')
    .limit(limit)
    .execute();
  return rows.map((row) => ({
    id: row.id,
    seq: Number(row.seq),
    type: row.type,
    occurredAt: row.occurred_at,
    data: JSON.parse(row.data) as Record<string, unknown>,
  }));
}
