import type { Transaction } from 'kysely';
import { isoNow } from '../../clock.js';
import { resolvePolicy } from '../../domain/policy/policy.js';
import type { Runtime } from '../../runtime.js';
import { appendAudit, type NewAuditEntry } from '../../store/audit.js';
import type { Database } from '../../store/schema.js';
import { applyChanges } from '../../sync/apply-changes.js';
import type { Change } from '../../sync/change.js';
import type { ApplyContext } from '../../sync/context.js';
import type { ScimContext } from './scim-context.js';

export interface ScimWrite {
  readonly trx: Transaction<Database>;
  readonly now: string;
  /** Sends changes down the road, inside this request's transaction. */
  apply(changes: readonly Change[]): Promise<void>;
  audit(entry: NewAuditEntry): void;
}

/**
 * One SCIM write is one transaction: the directory object as received, its projection onto the
 * platform, the events and the audit entry commit together or not at all. Event delivery is
 * woken only after the commit.
 */
export async function runScimWrite<T>(
  runtime: Runtime,
  scim: ScimContext,
  work: (write: ScimWrite) => Promise<T>,
): Promise<T> {
  const now = isoNow(runtime.clock);
  const policy = resolvePolicy('scim', scim.connection.policy);
  let appended = 0;
  const result = await runtime.store.transaction(async (trx) => {
    const audits: NewAuditEntry[] = [];
    const ctx: ApplyContext = {
      trx,
      organizationId: scim.organizationId,
      connectionId: scim.connection.id,
      connectorKind: 'scim',
      policy,
      now,
      onReject: 'throw',
    };
    const value = await work({
      trx,
      now,
      apply: async (changes) => {
        const { events } = await applyChanges(ctx, changes);
        appended += events.length;
      },
      audit: (entry) => audits.push({ connectionId: scim.connection.id, ...entry }),
    });
    await appendAudit(trx, scim.organizationId, { type: 'scim', id: scim.tokenId }, audits, now);
    return value;
  });
  if (appended > 0) runtime.eventBus.notify(scim.organizationId);
  return result;
}
