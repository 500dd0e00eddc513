import type { Transaction } from 'kysely';
import { isoNow } from '../../clock.js';
import { resolvePolicy } from '../../domain/policy/policy.js';
import type { Runtime } from '../../runtime.js';
import { appendAudit, type NewAuditEntry } from '../../store/audit.js';
import type { Executor } from '../../store/database.js';
import { appendEvents, type NewEvent } from '../../store/events.js';
import type { Database } from '../../store/schema.js';
import { raisedByUniqueIndex } from '../../store/unique-violation.js';
import { applyChangesWithoutEvents } from '../../sync/apply-changes.js';
import type { Change } from '../../sync/change.js';
import type { ApplyContext } from '../../sync/context.js';
import type { ScimContext } from './scim-context.js';

export interface ScimWrite {
  readonly trx: Transaction<Database>;
  readonly now: string;
  /** Whether reads may lock rows (`for share`): PostgreSQL; SQLite's single writer needs none. */
  readonly rowLocks: boolean;
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
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await runScimWriteOnce(runtime, scim, work);
    } catch (error) {
      // A unique index refusing what Roster's own checks let through: another transaction
      // committed the same userName, email or name in between (PostgreSQL; a Graph sync importing
      // the person Entra is provisioning). Once more, the checks see that row: the same person is
      // joined by object id, anyone else gets the usual 409 or 400.
      const again = isTransientConflict(error) || (attempt === 1 && raisedByUniqueIndex(error));
      if (attempt >= maxWriteAttempts || !again) throw error;
    }
  }
}

/**
 * Entra sends many requests at once (a group's member adds and removes, a user's delete), and on
 * PostgreSQL two of them can deadlock on the rows they share. The database then aborts one; it is
 * run again from the start, as PostgreSQL advises, instead of answering 500 (found by the
 * concurrency test in test/connectors/scim/entra-conformance.test.ts).
 */
const maxWriteAttempts = 4;
const transientSqlStates = new Set(['40P01', '40001']); // deadlock_detected, serialization_failure

function isTransientConflict(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && transientSqlStates.has(code);
}

/**
 * Takes the write lock on a directory row before it is read, so concurrent writes to one user or
 * group run one after the other and each reads what the previous one committed: without it, a
 * PATCH that read a group just deleted re-created its platform group (a 500 on a duplicate key).
 * A no-op UPDATE locks the row on PostgreSQL; SQLite has one writer and needs no lock.
 */
export async function lockDirectoryRow(
  trx: Executor,
  table: 'directory_users' | 'directory_groups',
  connectionId: string,
  id: string,
): Promise<void> {
  await trx
    .updateTable(table)
    .set((eb) => ({ version: eb.ref('version') }))
    .where('connection_id', '=', connectionId)
    .where('id', '=', id)
    .execute();
}

async function runScimWriteOnce<T>(
  runtime: Runtime,
  scim: ScimContext,
  work: (write: ScimWrite) => Promise<T>,
): Promise<T> {
  const now = isoNow(runtime.clock);
  const policy = resolvePolicy('scim', scim.connection.policy);
  let appended = 0;
  const result = await runtime.store.transaction(async (trx) => {
    const audits: NewAuditEntry[] = [];
    const events: NewEvent[] = [];
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
      rowLocks: runtime.store.engine === 'postgres',
      apply: async (changes) => {
        events.push(...(await applyChangesWithoutEvents(ctx, changes)).events);
      },
      audit: (entry) => audits.push({ connectionId: scim.connection.id, ...entry }),
    });
    await appendAudit(trx, scim.organizationId, { type: 'scim', id: scim.tokenId }, audits, now);
    // Last, so the organization's event sequence is held only until the commit that follows.
    appended = (await appendEvents(trx, scim.organizationId, events, now)).length;
    return value;
  });
  if (appended > 0) runtime.eventBus.notify(scim.organizationId);
  return result;
}
