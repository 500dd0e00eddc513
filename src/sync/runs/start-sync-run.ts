import { setTimeout as sleep } from 'node:timers/promises';
import { isoNow } from '../../clock.js';
import { invalidInput } from '../../errors.js';
import type { Runtime } from '../../runtime.js';
import type { Actor } from '../../store/audit.js';
import { getConnection } from '../../store/connections.js';
import { executeLeasedRun, type RunHooks } from './execute-sync-run.js';
import { appendSyncFinished } from '../../events/sync-run-events.js';
import { holderIsAlive, isLocalHolder, leaseTtlMs, tryAcquireLease } from './run-lease.js';
import {
  finishedStatuses,
  findSyncRun,
  insertSyncRun,
  requestCancel,
  selectSyncRuns,
  type SyncRun,
} from './sync-runs.js';

export interface StartSyncRunOptions {
  trigger: SyncRun['trigger'];
  full?: boolean;
  dryRun?: boolean;
  organizationId?: string;
  actor?: Actor;
  hooks?: RunHooks;
}

/** Runs started by this process, so a caller here can await one and cancel it without polling. */
interface LocalRun {
  done: Promise<void>;
  /** An admin asked it to stop. */
  cancelled: boolean;
  /** This process is shutting down: the run stops, as interrupted, not as cancelled. */
  interrupted: boolean;
  organizationId: string;
}

const inFlight = new Map<string, LocalRun>();

const leasePollMs = 500;

/**
 * Queues a Graph sync of a connection and starts it in this process; returns the run id at once.
 * The run waits while another run of the same connection (in any process) holds the lease.
 */
export async function startSyncRun(
  runtime: Runtime,
  connectionId: string,
  options: StartSyncRunOptions,
): Promise<string> {
  const connection = await getConnection(runtime.store.db, connectionId, options.organizationId);
  if (connection.kind !== 'graph')
    throw invalidInput(
      `Connection "${connectionId}" is not a Graph connection; SCIM connections are pushed by Entra`,
    );
  const run = await insertSyncRun(runtime.store.db, {
    organizationId: connection.organizationId,
    connectionId,
    trigger: options.trigger,
    dryRun: options.dryRun ?? false,
    full: options.full ?? false,
    now: isoNow(runtime.clock),
  });
  const actor = options.actor ?? { type: options.trigger === 'schedule' ? 'system' : 'cli', id: null };
  const entry = localRun(run);
  entry.done = runQueued(runtime, run, actor, { ...options.hooks, ...stopHooks(entry) })
    .catch((error: unknown) => runtime.logger.error({ err: error, runId: run.id }, 'Sync run crashed'))
    .finally(() => inFlight.delete(run.id));
  inFlight.set(run.id, entry);
  return run.id;
}

/** Starts a run that already holds its connection's lease (the scheduler takes it first). */
export function startLeasedRun(runtime: Runtime, run: SyncRun, actor: Actor): Promise<void> {
  const entry = localRun(run);
  entry.done = markRunning(runtime, run)
    .then((started) => (started ? executeLeasedRun(runtime, run, actor, stopHooks(entry)) : undefined))
    .catch((error: unknown) => runtime.logger.error({ err: error, runId: run.id }, 'Sync run crashed'))
    .finally(() => inFlight.delete(run.id));
  inFlight.set(run.id, entry);
  return entry.done;
}

function localRun(run: SyncRun): LocalRun {
  return {
    done: Promise.resolve(),
    cancelled: false,
    interrupted: false,
    organizationId: run.organizationId,
  };
}

function stopHooks(entry: LocalRun): Pick<RunHooks, 'cancelled' | 'interrupted'> {
  return { cancelled: () => entry.cancelled, interrupted: () => entry.interrupted };
}

async function runQueued(runtime: Runtime, run: SyncRun, actor: Actor, hooks: RunHooks): Promise<void> {
  let waiting = false;
  for (;;) {
    const current = await findSyncRun(runtime.store.db, run.id);
    if (current.status !== 'queued') return;
    // Shutting down while it waits: it never ran, and says so (markInterrupted).
    if (hooks.interrupted?.()) return markInterrupted(runtime, run.id);
    const lease = await tryAcquireLease(runtime.store.db, run.connectionId, run.id, runtime.clock.now());
    if (lease.acquired) {
      if (lease.takenOverRunId !== null) await markInterrupted(runtime, lease.takenOverRunId);
      if (await markRunning(runtime, run)) await executeLeasedRun(runtime, run, actor, hooks);
      return;
    }
    if (!waiting) hooks.onWaiting?.(lease.heldBy);
    waiting = true;
    await sleep(leasePollMs);
  }
}

/** queued → running, unless it was cancelled meanwhile. */
async function markRunning(runtime: Runtime, run: SyncRun): Promise<boolean> {
  const result = await runtime.store.db
    .updateTable('sync_runs')
    .set({ status: 'running', started_at: isoNow(runtime.clock) })
    .where('id', '=', run.id)
    .where('status', '=', 'queued')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * A run whose process stopped (died holding the lease, or queued it and went away): its record
 * says so, and a run that had started gets its `sync.failed`, so the `sync.started` a consumer
 * saw is closed. What it committed stands; the next run resumes there.
 */
export async function markInterrupted(runtime: Runtime, runId: string): Promise<void> {
  const now = isoNow(runtime.clock);
  // The organization to wake delivery for, when a sync.failed was appended.
  const announcedFor = await runtime.store.transaction(async (trx) => {
    const run = await findSyncRun(trx, runId).catch(() => undefined);
    if (run === undefined || finishedStatuses.includes(run.status)) return undefined;
    const started = run.status === 'running';
    const message = started
      ? 'The process running this sync stopped; the next run resumes where it left off'
      : 'The process that queued this sync stopped before it could run';
    const errors = [...run.errors, { code: 'interrupted', message }];
    // Only if still open: two processes may notice the same orphan.
    const closed = await trx
      .updateTable('sync_runs')
      .set({ status: 'failed', finished_at: now, errors: JSON.stringify(errors) })
      .where('id', '=', runId)
      .where('status', '=', run.status)
      .executeTakeFirst();
    if (Number(closed.numUpdatedRows) !== 1) return undefined;
    // Its lease goes with it: the next run need not wait for it to lapse, and a process that only
    // stalled finds, when it wakes, that the run it holds is no longer leased (execute-sync-run.ts).
    await trx.deleteFrom('sync_leases').where('run_id', '=', runId).execute();
    if (!started) return undefined;
    const counts = { status: 'failed', counts: run.counts, errors: errors.length };
    return (await appendSyncFinished(trx, run, counts, now)) ? run.organizationId : undefined;
  });
  if (announcedFor !== undefined) runtime.eventBus.notify(announcedFor);
}

/**
 * Closes the records of runs whose process is gone (killed CLI, crashed server). A holder on this
 * host is asked of the kernel. A holder on another host cannot be, so its runs are judged by the
 * lease: a running run keeps its lease fresh, and a queued one takes a free lease within
 * `leasePollMs`. A remote run that has neither, and still has neither a moment later, is orphaned.
 */
export async function closeOrphanedRuns(runtime: Runtime): Promise<void> {
  const now = runtime.clock.now();
  const remote: string[] = [];
  for (const run of await openRuns(runtime)) {
    if (inFlight.has(run.id) || run.holder === null) continue;
    if (isLocalHolder(run.holder)) {
      if (holderIsAlive(run.holder)) continue;
      // A live process of ours may have taken the run over under its own lease.
      if (run.leaseRunId === run.id && run.leaseHolder !== null && holderIsAlive(run.leaseHolder)) continue;
      await markInterrupted(runtime, run.id);
    } else if (abandoned(run, now)) {
      remote.push(run.id);
    }
  }
  if (remote.length === 0) return;
  // The lease may have been released a moment ago; a live waiter takes it within one poll.
  await sleep(3 * leasePollMs);
  const later = runtime.clock.now();
  for (const run of await openRuns(runtime)) {
    if (remote.includes(run.id) && abandoned(run, later)) await markInterrupted(runtime, run.id);
  }
}

interface OpenRun {
  id: string;
  status: string;
  holder: string | null;
  createdAt: string;
  leaseRunId: string | null;
  leaseHolder: string | null;
  leaseExpiresAt: string | null;
}

async function openRuns(runtime: Runtime): Promise<OpenRun[]> {
  return runtime.store.db
    .selectFrom('sync_runs as r')
    .leftJoin('sync_leases as l', 'l.connection_id', 'r.connection_id')
    .select([
      'r.id',
      'r.status',
      'r.holder',
      'r.created_at as createdAt',
      'l.run_id as leaseRunId',
      'l.holder as leaseHolder',
      'l.expires_at as leaseExpiresAt',
    ])
    .where('r.status', 'in', ['queued', 'running'])
    .execute();
}

/** A remote run that holds no live lease and, when queued, has let a free lease go unclaimed. */
function abandoned(run: OpenRun, now: Date): boolean {
  const leaseFresh = run.leaseExpiresAt !== null && run.leaseExpiresAt >= now.toISOString();
  if (run.status === 'running') {
    // Renewed every leaseTtlMs / 4; one whole TTL more without renewal is a process that is gone.
    const graceEnd = new Date(now.getTime() - leaseTtlMs).toISOString();
    return run.leaseRunId !== run.id || run.leaseExpiresAt === null || run.leaseExpiresAt < graceEnd;
  }
  const queuedLongAgo = run.createdAt < new Date(now.getTime() - leaseTtlMs).toISOString();
  return queuedLongAgo && !leaseFresh;
}

/**
 * Stops every run of this process and waits for them (graceful shutdown). They end at their next
 * page boundary as interrupted (`failed`, error code `interrupted`), not as cancelled: nobody asked
 * to cancel them, and the next run resumes where they stopped.
 */
export async function stopLocalRuns(): Promise<void> {
  const runs = [...inFlight.keys()];
  await Promise.allSettled(runs.map(interruptLocalRun));
}

/** Stops one run of this process at its next page, as interrupted (see stopLocalRuns), and waits for it. */
export async function interruptLocalRun(runId: string): Promise<void> {
  const entry = inFlight.get(runId);
  if (entry === undefined) return;
  entry.interrupted = true;
  await entry.done;
}

/** Waits for a run to finish: at once for a run of this process, else by polling its record. */
export async function waitForSyncRun(runtime: Runtime, runId: string, pollMs = 1000): Promise<SyncRun> {
  const local = inFlight.get(runId);
  if (local) await local.done;
  for (;;) {
    const run = await findSyncRun(runtime.store.db, runId);
    if (finishedStatuses.includes(run.status)) return run;
    await sleep(pollMs);
  }
}

export function getSyncRun(runtime: Runtime, runId: string, organizationId?: string): Promise<SyncRun> {
  return findSyncRun(runtime.store.db, runId, organizationId);
}

export async function listSyncRuns(
  runtime: Runtime,
  connectionId: string,
  options: { limit?: number; before?: string; organizationId?: string; dryRun?: boolean } = {},
): Promise<SyncRun[]> {
  await getConnection(runtime.store.db, connectionId, options.organizationId);
  return selectSyncRuns(runtime.store.db, connectionId, { limit: options.limit ?? 50, ...options });
}

/**
 * Asks a run to stop. A queued run is cancelled at once; a running one stops at its next page
 * boundary, in whichever process runs it. What it committed stays, and the next run resumes.
 */
export async function cancelSyncRun(
  runtime: Runtime,
  runId: string,
  organizationId?: string,
): Promise<SyncRun> {
  // A run of this process stops at its next page even before the flag below can be written
  // (on SQLite that write waits for the run's open transaction).
  const local = inFlight.get(runId);
  if (local && (organizationId === undefined || local.organizationId === organizationId))
    local.cancelled = true;
  const run = await findSyncRun(runtime.store.db, runId, organizationId);
  if (finishedStatuses.includes(run.status)) return run;
  await requestCancel(runtime.store.db, runId);
  if (run.status === 'queued') {
    await runtime.store.db
      .updateTable('sync_runs')
      .set({ status: 'cancelled', finished_at: isoNow(runtime.clock) })
      .where('id', '=', runId)
      .where('status', '=', 'queued')
      .execute();
  }
  return findSyncRun(runtime.store.db, runId);
}
