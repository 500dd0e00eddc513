import { newId } from '../../ids.js';
import { notFound } from '../../errors.js';
import type { Executor } from '../../store/database.js';
import type { SyncRunRow, SyncRunTable } from '../../store/schema.js';
import type { ChangeCounts } from '../outcome.js';
import { processHolder } from './run-lease.js';

/** A sync run's record: trigger, timings, counts, errors and live progress. */
export interface SyncRun {
  id: string;
  organizationId: string;
  connectionId: string;
  trigger: SyncRunTable['trigger'];
  status: SyncRunTable['status'];
  dryRun: boolean;
  full: boolean;
  cancelRequested: boolean;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  counts: Partial<ChangeCounts>;
  errors: RunError[];
  progress: Record<string, unknown>;
}

/** An object the run could not apply, or the failure that ended the run. */
export interface RunError {
  objectId?: string;
  field?: string;
  code?: string;
  graphCode?: string;
  message: string;
  remedy?: string;
}

/** At most this many errors are kept per run; the count of the rest is noted. */
export const maxRunErrors = 100;

export const finishedStatuses: readonly SyncRun['status'][] = ['succeeded', 'failed', 'cancelled'];

export function toSyncRun(row: SyncRunRow): SyncRun {
  return {
    id: row.id,
    organizationId: row.organization_id,
    connectionId: row.connection_id,
    trigger: row.trigger,
    status: row.status,
    dryRun: row.dry_run === 1,
    full: row.full === 1,
    cancelRequested: Number(row.cancel_requested) === 1,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    counts: JSON.parse(row.counts) as Partial<ChangeCounts>,
    errors: JSON.parse(row.errors) as RunError[],
    progress: JSON.parse(row.progress) as Record<string, unknown>,
  };
}

/** The summary `roster sync --json` prints. */
export function toRunSummary(run: SyncRun) {
  const c = run.counts;
  return {
    runId: run.id,
    status: run.status,
    usersCreated: c.usersCreated ?? 0,
    usersUpdated: c.usersUpdated ?? 0,
    usersDeactivated: c.usersDeactivated ?? 0,
    usersReactivated: c.usersReactivated ?? 0,
    usersDeleted: c.usersDeleted ?? 0,
    groupsCreated: c.groupsCreated ?? 0,
    groupsUpdated: c.groupsUpdated ?? 0,
    groupsDeleted: c.groupsDeleted ?? 0,
    membershipsAdded: c.membershipsAdded ?? 0,
    membershipsRemoved: c.membershipsRemoved ?? 0,
    errors: run.errors,
    // What a dry run would change, per user and group (see maxPlannedChanges).
    ...(run.dryRun ? { planned: (run.progress.planned as unknown[] | undefined) ?? [] } : {}),
  };
}

export async function insertSyncRun(
  db: Executor,
  input: {
    id?: string;
    status?: SyncRun['status'];
    organizationId: string;
    connectionId: string;
    trigger: SyncRun['trigger'];
    dryRun: boolean;
    full: boolean;
    now: string;
  },
): Promise<SyncRun> {
  const row: SyncRunRow = {
    id: input.id ?? newId(),
    organization_id: input.organizationId,
    connection_id: input.connectionId,
    trigger: input.trigger,
    status: input.status ?? 'queued',
    dry_run: input.dryRun ? 1 : 0,
    full: input.full ? 1 : 0,
    cancel_requested: 0,
    created_at: input.now,
    started_at: null,
    finished_at: null,
    counts: '{}',
    errors: '[]',
    progress: '{}',
    holder: processHolder,
  };
  await db.insertInto('sync_runs').values(row).execute();
  return toSyncRun(row);
}

export async function findSyncRun(db: Executor, runId: string, organizationId?: string): Promise<SyncRun> {
  let query = db.selectFrom('sync_runs').selectAll().where('id', '=', runId);
  if (organizationId !== undefined) query = query.where('organization_id', '=', organizationId);
  const row = await query.executeTakeFirst();
  if (!row) throw notFound(`Sync run "${runId}"`);
  return toSyncRun(row);
}

export async function selectSyncRuns(
  db: Executor,
  connectionId: string,
  options: {
    limit: number;
    before?: string | undefined;
    organizationId?: string | undefined;
    /** Only dry runs (true) or only real runs (false); both when absent. */
    dryRun?: boolean | undefined;
  },
): Promise<SyncRun[]> {
  let query = db.selectFrom('sync_runs').selectAll().where('connection_id', '=', connectionId);
  if (options.organizationId !== undefined)
    query = query.where('organization_id', '=', options.organizationId);
  if (options.before !== undefined) query = query.where('created_at', '<', options.before);
  if (options.dryRun !== undefined) query = query.where('dry_run', '=', options.dryRun ? 1 : 0);
  const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(options.limit).execute();
  return rows.map(toSyncRun);
}

export async function updateSyncRun(
  db: Executor,
  runId: string,
  changes: {
    status?: SyncRun['status'];
    startedAt?: string;
    finishedAt?: string;
    counts?: Partial<ChangeCounts>;
    errors?: RunError[];
    progress?: Record<string, unknown>;
  },
  options: { onlyOpen?: boolean } = {},
): Promise<boolean> {
  let query = db
    .updateTable('sync_runs')
    .set({
      ...(changes.status === undefined ? {} : { status: changes.status }),
      ...(changes.startedAt === undefined ? {} : { started_at: changes.startedAt }),
      ...(changes.finishedAt === undefined ? {} : { finished_at: changes.finishedAt }),
      ...(changes.counts === undefined ? {} : { counts: JSON.stringify(changes.counts) }),
      ...(changes.errors === undefined ? {} : { errors: JSON.stringify(changes.errors) }),
      ...(changes.progress === undefined ? {} : { progress: JSON.stringify(changes.progress) }),
    })
    .where('id', '=', runId);
  // A run another process has closed already (it found this one's process gone) stays closed.
  if (options.onlyOpen) query = query.where('status', 'in', ['queued', 'running']);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function requestCancel(db: Executor, runId: string): Promise<void> {
  await db.updateTable('sync_runs').set({ cancel_requested: 1 }).where('id', '=', runId).execute();
}

export async function isCancelRequested(db: Executor, runId: string): Promise<boolean> {
  const row = await db
    .selectFrom('sync_runs')
    .select('cancel_requested')
    .where('id', '=', runId)
    .executeTakeFirst();
  return Number(row?.cancel_requested ?? 0) === 1;
}
