import type { AuditEntry } from './audit.js';
import type { Executor } from './database.js';

/**
 * The audit log newest first, a page at a time, with a keyset cursor on (occurred_at, id) so that
 * entries written in the same millisecond are neither repeated nor skipped between pages.
 */
export interface AuditPageOptions {
  before?: { occurredAt: string; id: string } | undefined;
  limit: number;
  /** Only entries about these targets (a user's history). */
  targetIds?: readonly string[] | undefined;
  action?: string | undefined;
}

export async function pageAudit(
  db: Executor,
  organizationId: string,
  options: AuditPageOptions,
): Promise<AuditEntry[]> {
  let query = db.selectFrom('audit_entries').selectAll().where('organization_id', '=', organizationId);
  if (options.targetIds !== undefined) {
    if (options.targetIds.length === 0) return [];
    query = query.where('target_id', 'in', options.targetIds);
  }
  if (options.action) query = query.where('action', '=', options.action);
  const before = options.before;
  if (before) {
    query = query.where((eb) =>
      eb.or([
        eb('occurred_at', '<', before.occurredAt),
        eb.and([eb('occurred_at', '=', before.occurredAt), eb('id', '<', before.id)]),
      ]),
    );
  }
  const rows = await query
    .orderBy('occurred_at', 'desc')
    .orderBy('id', 'desc')
    .limit(options.limit)
    .execute();
  return rows.map((row) => ({
    id: row.id,
    occurredAt: row.occurred_at,
    actor: { type: row.actor_type as AuditEntry['actor']['type'], id: row.actor_id },
    action: row.action,
    targetType: row.target_type,
    targetId: row.target_id,
    connectionId: row.connection_id,
    before: row.before === null ? undefined : (JSON.parse(row.before) as unknown),
    after: row.after === null ? undefined : (JSON.parse(row.after) as unknown),
  }));
}
