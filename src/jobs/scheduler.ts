import { randomUUID } from 'node:crypto';
import type { GraphSettings } from '../connectors/graph/graph-settings.js';
import type { Runtime } from '../runtime.js';
import { releaseLease, tryAcquireLease } from '../sync/runs/run-lease.js';
import {
  closeOrphanedRuns,
  markInterrupted,
  interruptLocalRun,
  startLeasedRun,
} from '../sync/runs/start-sync-run.js';
import { insertSyncRun } from '../sync/runs/sync-runs.js';
import { announceExpiringSecrets } from './secret-expiry-check.js';

/**
 * Runs each Graph connection on its interval while `roster serve` runs. Every process ticks; the
 * connection's lease row decides which one runs a due sync, so several processes sharing one
 * PostgreSQL never run a connection twice, and on SQLite the one process simply always wins.
 * Due-ness is read again after the lease is taken, so a run another process just finished is seen.
 * A connection that never ran is first due one interval after it was made. Expiring credentials
 * are announced here too, about once a day, also for connections that never sync.
 */
export interface Scheduler {
  stop(): Promise<void>;
}

export interface SchedulerOptions {
  tickMs?: number;
}

export function startScheduler(runtime: Runtime, options: SchedulerOptions = {}): Scheduler {
  const running = new Map<string, Promise<void>>();
  let stopped = false;
  let ticking: Promise<void> = Promise.resolve();
  const secretsCheckedAt = new Map<string, number>();
  const tick = async () => {
    try {
      // Runs whose process died (a killed `roster sync`, a crashed server) are closed first.
      await closeOrphanedRuns(runtime);
      for (const connection of await dueConnections(runtime)) {
        if (stopped) return;
        const started = await startIfDue(
          runtime,
          connection.id,
          connection.organizationId,
          connection.intervalMinutes,
        );
        if (started !== null) {
          const { runId, done } = started;
          running.set(runId, done);
          void done.finally(() => running.delete(runId));
        }
      }
    } catch (error) {
      runtime.logger.error({ err: error }, 'The sync scheduler could not check connections');
    }
    if (stopped) return;
    try {
      await announceExpiringSecrets(runtime, secretsCheckedAt);
    } catch (error) {
      runtime.logger.error({ err: error }, 'The scheduler could not check Graph credentials for expiry');
    }
  };
  const timer = setInterval(() => {
    ticking = ticking.then(tick);
  }, options.tickMs ?? 30_000);
  timer.unref();
  ticking = tick();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await ticking;
      // Its runs in flight stop at their next page boundary, as interrupted; what they committed
      // stays and the next run resumes.
      await Promise.allSettled([...running.keys()].map(interruptLocalRun));
      await Promise.allSettled([...running.values()]);
    },
  };
}

async function dueConnections(runtime: Runtime) {
  const rows = await runtime.store.db
    .selectFrom('connections')
    .select(['id', 'organization_id', 'settings', 'created_at'])
    .where('kind', '=', 'graph')
    .where('status', '=', 'active')
    .execute();
  const now = runtime.clock.now().getTime();
  const due: { id: string; organizationId: string; intervalMinutes: number }[] = [];
  for (const row of rows) {
    const { intervalMinutes } = JSON.parse(row.settings) as Partial<GraphSettings>;
    if (typeof intervalMinutes !== 'number') continue;
    if (isDue((await lastRunAt(runtime, row.id)) ?? row.created_at, intervalMinutes, now)) {
      due.push({ id: row.id, organizationId: row.organization_id, intervalMinutes });
    }
  }
  return due;
}

async function startIfDue(
  runtime: Runtime,
  connectionId: string,
  organizationId: string,
  intervalMinutes: number,
): Promise<{ runId: string; done: Promise<void> } | null> {
  const runId = randomUUID();
  const now = runtime.clock.now();
  const lease = await tryAcquireLease(runtime.store.db, connectionId, runId, now);
  if (!lease.acquired) return null;
  if (lease.takenOverRunId !== null) await markInterrupted(runtime, lease.takenOverRunId);
  const last = await lastRunAt(runtime, connectionId);
  if (last === undefined ? false : !isDue(last, intervalMinutes, now.getTime())) {
    await releaseLease(runtime.store.db, connectionId, runId);
    return null;
  }
  const run = await insertSyncRun(runtime.store.db, {
    id: runId,
    organizationId,
    connectionId,
    trigger: 'schedule',
    dryRun: false,
    full: false,
    now: now.toISOString(),
  });
  // Wrapped, so awaiting the start does not await the whole run.
  return { runId, done: startLeasedRun(runtime, run, { type: 'system', id: null }) };
}

/** When the last real (not dry) run of the connection was created; queued or running counts. */
async function lastRunAt(runtime: Runtime, connectionId: string): Promise<string | undefined> {
  const row = await runtime.store.db
    .selectFrom('sync_runs')
    .select('created_at')
    .where('connection_id', '=', connectionId)
    .where('dry_run', '=', 0)
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.created_at;
}

/**
 * Due an interval after the last run, or after the connection was made if it never ran: the first
 * sync is the admin's to start (after a preview, say), not the scheduler's half a minute after
 * connecting with the default policy.
 */
function isDue(since: string, intervalMinutes: number, now: number): boolean {
  return Date.parse(since) + intervalMinutes * 60_000 <= now;
}
