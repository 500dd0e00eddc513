import { newId } from '../ids.js';
import type { Executor } from './database.js';
import { statementBatches } from './statement-shapes.js';

/** Who or what did what, with before and after; one entry per SCIM write, admin action or run. */
export interface Actor {
  type: 'scim' | 'graph' | 'admin' | 'api_key' | 'cli' | 'system' | 'sso';
  id: string | null;
}

export interface NewAuditEntry {
  action: string;
  targetType?: string | null;
  targetId?: string | null;
  connectionId?: string | null;
  before?: unknown;
  after?: unknown;
}

export interface AuditEntry extends NewAuditEntry {
  id: string;
  occurredAt: string;
  actor: Actor;
}

export async function appendAudit(
  db: Executor,
  organizationId: string,
  actor: Actor,
  entries: readonly NewAuditEntry[],
  now: string,
): Promise<void> {
  if (entries.length === 0) return;
  for (const batch of statementBatches(entries, 256)) {
    await db
      .insertInto('audit_entries')
      .values(
        batch.map((entry) => ({
          id: newId(),
          organization_id: organizationId,
          occurred_at: now,
          actor_type: actor.type,
          actor_id: actor.id,
          action: entry.action,
          target_type: entry.targetType ?? null,
          target_id: entry.targetId ?? null,
          connection_id: entry.connectionId ?? null,
          before: entry.before === undefined ? null : JSON.stringify(entry.before),
          after: entry.after === undefined ? null : JSON.stringify(entry.after),
        })),
      )
      .execute();
  }
}

export async function listAudit(
  db: Executor,
  organizationId: string,
  options: { before?: string | undefined; limit: number },
): Promise<AuditEntry[]> {
  let query = db.selectFrom('audit_entries').selectAll().where('organization_id', '=', organizationId);
  if (options.before) query = query.where('occurred_at', '<', options.before);
  const rows = await query.orderBy('occurred_at', 'desc').orderBy('id').limit(options.limit).execute();
  return rows.map((row) => ({
    id: row.id,
    occurredAt: row.occurred_at,
    actor: { type: row.actor_type as Actor['type'], id: row.actor_id },
    action: row.action,
    targetType: row.target_type,
    targetId: row.target_id,
    connectionId: row.connection_id,
    before: row.before === null ? undefined : (JSON.parse(row.before) as unknown),
    after: row.after === null ? undefined : (JSON.parse(row.after) as unknown),
  }));
}
