import type { SyncRun } from '../api/connections';
import { Badge, Notice, formatCount, formatTime } from './ui';

/** A sync run in words: status, progress while live, what changed (or would), and its errors. */
const labels: [key: string, doing: string][] = [
  ['usersCreated', 'users created'],
  ['usersUpdated', 'users updated'],
  ['usersDeactivated', 'users deactivated'],
  ['usersReactivated', 'users reactivated'],
  ['usersDeleted', 'users deleted'],
  ['groupsCreated', 'groups created'],
  ['groupsUpdated', 'groups updated'],
  ['groupsDeleted', 'groups deleted'],
  ['membershipsAdded', 'memberships added'],
  ['membershipsRemoved', 'memberships removed'],
];

export function RunSummary(props: { run: SyncRun }) {
  const r = props.run;
  const counts = labels.filter(([key]) => (r.counts[key] ?? 0) > 0);
  const progress = Object.entries(r.progress).flatMap(([k, v]) =>
    typeof v === 'number' || typeof v === 'string' ? [[k, v] as const] : [],
  );
  const seat = r.errors.find((e) => e.code === 'seat_limit_exceeded');
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
      {counts.length > 0 ? (
        <ul className="counts">
          {counts.map(([key, label]) => (
            <li key={key}>
              {r.dryRun ? 'would be ' : ''}
              <strong>{formatCount(r.counts[key] ?? 0)}</strong> {label}
            </li>
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
