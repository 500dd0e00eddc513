import type { Runtime } from '../runtime.js';
import type { Executor } from '../store/database.js';
import { appendEvents } from '../store/events.js';

/**
 * `sync.started`, `sync.completed` and `sync.failed`: a Graph sync run's start and end in the
 * organization's event log, so a consumer can tell a batch of user and group events apart from
 * the next. Dry runs keep nothing, and leave no events either.
 */
export interface SyncRunFacts {
  id: string;
  organizationId: string;
  connectionId: string;
  trigger: string;
  dryRun: boolean;
  full: boolean;
}

/** Appends `sync.started` in its own transaction and wakes delivery after commit. */
export async function announceSyncStarted(runtime: Runtime, run: SyncRunFacts, now: string): Promise<void> {
  if (run.dryRun) return;
  await runtime.store.transaction((trx) =>
    appendEvents(trx, run.organizationId, [{ type: 'sync.started', data: { run: describe(run) } }], now),
  );
  runtime.eventBus.notify(run.organizationId);
}

/**
 * Appends `sync.completed` (succeeded) or `sync.failed` (failed or cancelled) inside the
 * transaction that finishes the run record; the caller wakes delivery after its commit.
 */
export async function appendSyncFinished(
  trx: Executor,
  run: SyncRunFacts,
  outcome: { status: string; counts: object; errors: number },
  now: string,
): Promise<boolean> {
  if (run.dryRun) return false;
  const type = outcome.status === 'succeeded' ? 'sync.completed' : 'sync.failed';
  await appendEvents(
    trx,
    run.organizationId,
    [{ type, data: { run: { ...describe(run), ...outcome } } }],
    now,
  );
  return true;
}

function describe(run: SyncRunFacts) {
  return { id: run.id, connectionId: run.connectionId, trigger: run.trigger, full: run.full };
}
