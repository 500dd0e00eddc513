import type { Transaction } from 'kysely';
import { forgetDeltaLinks } from '../../connectors/graph/sync-state.js';
import { isoNow } from '../../clock.js';
import { openGraphConnection } from '../../connectors/graph/graph-connections.js';
import { GraphError } from '../../connectors/graph/graph-error.js';
import { pullGraph } from '../../connectors/graph/pull-graph.js';
import type { PullProgress, PullSession } from '../../connectors/graph/pull-session.js';
import { announceSecretExpiry } from '../../connectors/graph/secret-expiry.js';
import { resolvePolicy } from '../../domain/policy/policy.js';
import { RosterError } from '../../errors.js';
import type { Runtime } from '../../runtime.js';
import { appendSyncFinished, announceSyncStarted } from '../../events/sync-run-events.js';
import { appendAudit, type Actor } from '../../store/audit.js';
import { appendEvents } from '../../store/events.js';
import { withPreviewStore, type PreviewStore } from '../../store/preview-store.js';
import type { Database } from '../../store/schema.js';
import type { ApplyContext } from '../context.js';
import { Outcome, type PlannedChange, type SeatCheck } from '../outcome.js';
import { reconcileAll, reconcileConnection } from '../reconcile-connection.js';
import { SeatLimitError } from '../seat-guard.js';
import { isPolicyPending } from '../../store/connections.js';
import { getOrganizationSettings } from '../../store/organization-settings.js';
import { applyPage, mergeOutcome } from './apply-page.js';
import { leaseTtlMs, releaseLease, renewLease } from './run-lease.js';
import {
  isCancelRequested,
  maxRunErrors,
  selectSyncRuns,
  updateSyncRun,
  type RunError,
  type SyncRun,
} from './sync-runs.js';

/** The most planned changes a dry run lists; its counts always cover everything. */
const maxPlannedChanges = 5000;

/** Thrown at a page boundary when the run was asked to stop. */
export class RunCancelled extends Error {
  constructor() {
    super('The run was cancelled');
    this.name = 'RunCancelled';
  }
}

/** Thrown at a page boundary when the process running it shuts down. */
class RunInterrupted extends Error {
  constructor() {
    super('Roster stopped during this sync; the next run resumes where it left off');
    this.name = 'RunInterrupted';
  }
}

/**
 * The passes a run makes over Graph: the real one, a dry run's, and a seat pre-check's, which
 * collects its outcome apart from the run's totals.
 */
type Pass =
  | { kind: 'run' }
  | { kind: 'dry-run' }
  | { kind: 'seat-check'; outcome: Outcome; onSeatCheck: (check: SeatCheck) => void };

export interface RunHooks {
  onProgress?: (progress: PullProgress) => void;
  /** Cancels from this process without waiting for the database flag. */
  cancelled?: () => boolean;
  /** This process is shutting down: the run stops at its next page, as interrupted. */
  interrupted?: () => boolean;
  /** Once, when the run has to wait for another run of its connection (`heldBy`: that run's id). */
  onWaiting?: (heldBy: string) => void;
}

/**
 * Runs a sync whose lease the caller holds: pulls from Graph page by page through the road,
 * records progress with each page, and finishes the record (status, counts, errors), the audit
 * entry and the lease, whatever happened.
 */
export async function executeLeasedRun(
  runtime: Runtime,
  run: SyncRun,
  actor: Actor,
  hooks: RunHooks = {},
): Promise<void> {
  const { store, logger } = runtime;
  // A lease that lapsed (this process stalled past its TTL) may be another process's now: stop at the next page.
  let leaseLost = false;
  const heartbeat = setInterval(() => {
    renewLease(store.db, run.connectionId, run.id, runtime.clock.now())
      .then((renewed) => {
        if (!renewed) leaseLost = true;
      })
      .catch((error: unknown) =>
        logger.error({ err: error, runId: run.id }, 'Could not renew the sync lease'),
      );
  }, leaseTtlMs / 4);
  heartbeat.unref();
  const totals = new Outcome();
  const planned: PlannedChange[] = [];
  const fatal: RunError[] = [];
  // Problems the pull worked around (app role assignments unreadable): listed with the errors.
  const warnings: RunError[] = [];
  let progress: PullProgress | Record<string, unknown> = {};
  let status: SyncRun['status'] = 'succeeded';
  try {
    await announceSyncStarted(runtime, run, isoNow(runtime.clock));
    const graph = await openGraphConnection(runtime, run.connectionId, run.organizationId);
    await announceSecretExpiry(runtime, graph.connection);
    const policy = resolvePolicy('graph', graph.connection.policy);
    const previous = (await selectSyncRuns(store.db, run.connectionId, { limit: 20 })).find(
      (other) => other.status === 'succeeded' && !other.dryRun && other.id !== run.id,
    );
    const pullOptions = {
      full: run.full,
      previousScopeKey: previous?.progress.scopeKey as string | undefined,
      previousSelectKey: previous?.progress.selectKey as string | undefined,
    };
    // What the run's open transaction has applied (a run's transactions follow one another): its
    // events are appended last in it, and its counts join the run's once it has committed, so a
    // run that fails or is cancelled mid-transaction reports only what it kept.
    let uncommitted = new Outcome();
    // `preview`: the batch belongs to a dry run or seat pre-check, whose writes are thrown away.
    const applyContext = (trx: Transaction<Database>, preview = false): ApplyContext => ({
      trx,
      organizationId: run.organizationId,
      connectionId: run.connectionId,
      connectorKind: 'graph',
      policy,
      now: isoNow(runtime.clock),
      onReject: 'record',
      ...(preview ? { preview: true } : {}),
    });
    // `target` is where the pull writes: the store itself, page by page, or a preview.
    const session = (target: PreviewStore, pass: Pass): PullSession => {
      const preview = pass.kind !== 'run';
      const seatCheck = pass.kind === 'seat-check' ? pass : undefined;
      return {
        organizationId: run.organizationId,
        connectionId: run.connectionId,
        client: graph.client,
        policy,
        logger,
        db: target.db,
        now: () => isoNow(runtime.clock),
        transaction: (work) => target.transaction(work),
        apply: async (trx, changes) => {
          const ctx: ApplyContext = {
            ...applyContext(trx, preview),
            ...(seatCheck ? { seatGuard: 'report' as const } : {}),
            ...(preview ? {} : { deferEvents: true }),
          };
          const { outcome } = await applyPage(ctx, changes);
          if (seatCheck && outcome.seatCheck) seatCheck.onSeatCheck(outcome.seatCheck);
          if (preview) mergeOutcome(seatCheck?.outcome ?? totals, outcome);
          else uncommitted.merge(outcome);
          // A dry run reports what it would change per user and group, not only counts; capped so a
          // huge tenant's preview stays small.
          if (pass.kind === 'dry-run' && planned.length < maxPlannedChanges) {
            planned.push(...outcome.planned().slice(0, maxPlannedChanges - planned.length));
          }
        },
        onPage: async (trx, current) => {
          progress = current;
          hooks.onProgress?.(current);
          // A seat pre-check's pages are not the run's; the record follows the real pass after it.
          if (seatCheck) return;
          // A dry run's record lives in the store, not in its preview: admins follow it live.
          const counts = { ...totals.counts };
          for (const key of Object.keys(counts) as (keyof typeof counts)[])
            counts[key] += uncommitted.counts[key];
          const open = await updateSyncRun(
            preview ? store.db : trx,
            run.id,
            { progress: { ...current }, counts },
            { onlyOpen: true },
          );
          // Closed meanwhile by another process that took this one for gone: nothing more is kept.
          if (!open) throw runClosedError();
        },
        checkpoint: async (trx) => {
          if (leaseLost) throw leaseLostError();
          // A cancel is asked for in the store; a preview's transaction is not the store's.
          const db = preview ? store.db : (trx ?? store.db);
          if (hooks.interrupted?.()) throw new RunInterrupted();
          if (hooks.cancelled?.() || (await isCancelRequested(db, run.id))) throw new RunCancelled();
        },
        warn: (warning) => {
          // A seat pre-check pulls the same data again; its warnings would repeat the run's own.
          if (!seatCheck && !warnings.some((w) => w.code === warning.code)) warnings.push(warning);
        },
      };
    };
    if (run.dryRun) {
      // The whole pull on a preview (see withPreviewStore): the counts are real, the changes are
      // not kept, and the organization's other writers go on meanwhile.
      await withPreviewStore(store, run.id, async (preview) => {
        progress = await pullGraph(session(preview, { kind: 'dry-run' }), pullOptions);
        if (await isPolicyPending(preview.db, run.connectionId)) {
          const reconciled = await preview.transaction((trx) => reconcileAll(applyContext(trx, true)));
          mergeOutcome(totals, reconciled);
          planned.push(...reconciled.planned().slice(0, Math.max(0, maxPlannedChanges - planned.length)));
        }
      });
    } else {
      // Pages commit one by one, so a limit crossed on page 7 would keep pages 1 to 6. With a seat
      // limit set, the whole pull first runs on a preview that only counts; if it would end above
      // the limit, the run fails having applied nothing (issue: "a sync that would exceed it
      // applies nothing and says how many users it would have imported").
      const { seatLimit } = await getOrganizationSettings(store.db, run.organizationId);
      if (typeof seatLimit === 'number') {
        const counted = new Outcome();
        let exceeded: SeatCheck | undefined;
        const seatCheck: Pass = {
          kind: 'seat-check',
          outcome: counted,
          onSeatCheck: (check) => {
            if (check.exceeded) exceeded = check;
          },
        };
        await withPreviewStore(store, `${run.id}-seats`, (preview) =>
          pullGraph(session(preview, seatCheck), pullOptions),
        );
        if (exceeded) {
          const wouldImport = counted.counts.usersCreated + counted.counts.usersReactivated;
          throw new SeatLimitError({ ...exceeded, wouldImport });
        }
      }
      const commit: PullSession['transaction'] = async (work) => {
        uncommitted = new Outcome();
        try {
          const result = await store.transaction(async (trx) => {
            const value = await work(trx);
            await appendEvents(trx, run.organizationId, uncommitted.events, isoNow(runtime.clock));
            // Checked last, inside the page's transaction: a process that stalled mid-page past
            // its lease finds another run at work when it wakes, and keeps nothing of the page.
            if (!(await renewLease(trx, run.connectionId, run.id, runtime.clock.now()))) {
              leaseLost = true;
              throw leaseLostError();
            }
            return value;
          });
          mergeOutcome(totals, uncommitted);
          // Delivery is woken after commit, never from inside the transaction.
          runtime.eventBus.notify(run.organizationId);
          return result;
        } finally {
          uncommitted = new Outcome();
        }
      };
      // A full run cut short must not be finished by delta rounds: without their deltaLinks, the
      // next runs read in full whatever this one did not get to.
      if (run.full) await forgetDeltaLinks(store.db, run.connectionId);
      progress = await pullGraph(
        session({ db: store.db, transaction: commit }, { kind: 'run' }),
        pullOptions,
      );
      // A policy set since the last run reaches everything already synced, not only what changed
      // in the directory: a widened scope or a new role rule must not wait for each user to change.
      if (await isPolicyPending(store.db, run.connectionId)) {
        mergeOutcome(
          totals,
          await reconcileConnection(runtime, run.connectionId, { organizationId: run.organizationId, actor }),
        );
      }
    }
  } catch (error) {
    if (error instanceof RunCancelled) {
      status = 'cancelled';
    } else if (error instanceof RunInterrupted) {
      status = 'failed';
      fatal.push({ code: 'interrupted', message: error.message });
    } else {
      status = 'failed';
      fatal.push(describeFailure(error));
      logger.error({ err: error, runId: run.id, connectionId: run.connectionId }, 'Graph sync run failed');
    }
  } finally {
    clearInterval(heartbeat);
  }
  const errors = [...fatal, ...warnings, ...totals.errors.slice(0, maxRunErrors)];
  if (totals.errors.length > maxRunErrors)
    errors.push({ message: `${totals.errors.length - maxRunErrors} more errors not shown` });
  const now = isoNow(runtime.clock);
  const announced = await store.transaction(async (trx) => {
    const closed = await updateSyncRun(
      trx,
      run.id,
      {
        status,
        finishedAt: now,
        counts: { ...totals.counts },
        errors,
        progress: run.dryRun ? { ...progress, planned } : { ...progress },
      },
      { onlyOpen: true },
    );
    // Closed meanwhile by the process that took the lease over (this one stalled past it): that
    // record and its sync.failed stand; a run ends once.
    if (!closed) return false;
    await appendAudit(
      trx,
      run.organizationId,
      actor,
      [
        {
          action: 'sync_run.finished',
          targetType: 'sync_run',
          targetId: run.id,
          connectionId: run.connectionId,
          after: {
            status,
            trigger: run.trigger,
            dryRun: run.dryRun,
            full: run.full,
            counts: totals.counts,
            errors: errors.length,
          },
        },
      ],
      now,
    );
    return appendSyncFinished(trx, run, { status, counts: totals.counts, errors: errors.length }, now);
  });
  if (announced) runtime.eventBus.notify(run.organizationId);
  await releaseLease(store.db, run.connectionId, run.id);
}

const runClosedError = () =>
  new RosterError('conflict', 'Another process closed this run as interrupted; this run stopped');

const leaseLostError = () =>
  new RosterError('conflict', 'The sync lease was lost to another process; this run stopped');

/** The error that ended a run, as shown to admins: Graph's code and remedy, never a secret. */
function describeFailure(error: unknown): RunError {
  if (error instanceof GraphError) {
    return {
      code: error.code,
      graphCode: error.graphCode,
      message: error.message,
      ...(error.remedy ? { remedy: error.remedy } : {}),
    };
  }
  if (error instanceof RosterError) return { code: error.code, message: error.message };
  return { code: 'internal', message: 'The run failed unexpectedly; see the server log' };
}
