import type { SyncRun } from '../api/connections';
import { Badge, Notice, formatCount, formatTime } from './ui';

/** A sync run in words: status, progress while live, what changed (or would), and its errors. */
const labels: [key: string, verb: string, done: string, noun: string][] = [
  ['usersCreated', 'create', 'created', 'user'],
  ['usersUpdated', 'update', 'updated', 'user'],
  ['usersDeactivated', 'deactivate', 'deactivated', 'user'],
  ['usersReactivated', 'reactivate', 'reactivated', 'user'],
  ['usersDeleted', 'delete', 'deleted', 'user'],
  ['groupsCreated', 'create', 'created', 'group'],
  ['groupsUpdated', 'update', 'updated', 'group'],
  ['groupsDeleted', 'delete', 'deleted', 'group'],
  ['membershipsAdded', 'add', 'added', 'membership'],
  ['membershipsRemoved', 'remove', 'removed', 'membership'],
];

/** "will create 1,243 users" for a preview, "1,243 users created" for a run. */
function phrase(dryRun: boolean, n: number, verb: string, done: string, noun: string): string {
  const things = `${noun}${n === 1 ? '' : 's'}`;
  return dryRun ? `will ${verb} ${formatCount(n)} ${things}` : `${formatCount(n)} ${things} ${done}`;
}

export function RunSummary(props: { run: SyncRun; seatLimit?: number | null }) {
  const r = props.run;
  const counts = labels.filter(([key]) => (r.counts[key] ?? 0) > 0);
  const progress = Object.entries(r.progress).flatMap(([k, v]) =>
    typeof v === 'number' || typeof v === 'string' ? [[k, v] as const] : [],
  );
  const seat = r.errors.find((e) => e.code === 'seat_limit_exceeded');
  const created = r.counts.usersCreated ?? 0;
  const overSeats = r.dryRun && props.seatLimit != null && created > props.seatLimit;
  return (
    <div className="run" data-run-status={r.status} aria-live="polite">
      <p>
        {r.dryRun ? 'Dry run' : 'Sync'} <Badge value={r.status} />{' '}
        <span className="muted small">started {formatTime(r.startedAt ?? r.createdAt)}</span>
      </p>
      {(r.status === 'running' || r.status === 'queued') && (
        <p className="progress">
          <progress aria-label="Sync progress" />{' '}
          {progress.map(([k, v]) => `${k}: ${typeof v === 'number' ? formatCount(v) : v}`).join(' · ')}
        </p>
      )}
      {seat && <Notice kind="warning">{seat.message}</Notice>}
      {overSeats && !seat && (
        <Notice kind="warning">
          Will create {formatCount(created)} users — above your seat limit of{' '}
          {formatCount(props.seatLimit ?? 0)}.
        </Notice>
      )}
      {counts.length > 0 ? (
        <ul className="counts">
          {counts.map(([key, verb, done, noun]) => (
            <li key={key}>{phrase(r.dryRun, r.counts[key] ?? 0, verb, done, noun)}</li>
          ))}
        </ul>
      ) : (
        r.status === 'succeeded' && <p className="muted">No changes.</p>
      )}
      {r.errors.length > 0 && (
        <details>
          <summary>{r.errors.length} errors</summary>
          <ul className="errors">
            {r.errors.map((e, i) => (
              <li key={i}>
                {e.objectId && <span className="mono">{e.objectId}: </span>}
                {e.message}
                {e.remedy && <div className="muted small">{e.remedy}</div>}
              </li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}
