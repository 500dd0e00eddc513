import type { SyncRun } from '../api/connections';
import { Badge, Notice, formatCount, formatTime, plural } from './ui';

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

/** Whether the run is still to finish: queued, or running. */
export const isLive = (run: SyncRun): boolean => run.status === 'queued' || run.status === 'running';

/**
 * A live run's progress record in words: "Reading users · 1,200 users and 0 groups read · 6
 * pages". The record is the Graph pull's (phase, usersSeen, groupsSeen, pages); anything else in
 * it (delta rounds, the scope key) is for Roster, not for the admin.
 */
function progressText(run: SyncRun): string {
  const p = run.progress;
  const count = (key: string) => {
    const value = p[key];
    return typeof value === 'number' ? value : undefined;
  };
  const users = count('usersSeen');
  const groups = count('groupsSeen');
  const pages = count('pages');
  if (run.status === 'queued' || (users === undefined && groups === undefined))
    return run.status === 'queued' ? 'Waiting to start…' : 'Starting…';
  const phase = p.phase === 'users' ? 'Reading users' : p.phase === 'groups' ? 'Reading groups' : 'Finishing';
  return [
    phase,
    `${plural(users ?? 0, 'user')} and ${plural(groups ?? 0, 'group')} read`,
    ...(pages === undefined ? [] : [plural(pages, 'page')]),
  ].join(' · ');
}

/** "will create 1,243 users" for a preview, "1,243 users created" for a run. */
function phrase(dryRun: boolean, n: number, verb: string, done: string, noun: string): string {
  const things = `${noun}${n === 1 ? '' : 's'}`;
  return dryRun ? `will ${verb} ${formatCount(n)} ${things}` : `${formatCount(n)} ${things} ${done}`;
}

/**
 * Change counts in words, the ones that are not zero: what a sync run, applying a policy or
 * deleting a connection did ("3 users deactivated"), or with `dryRun` would do.
 */
export function countPhrases(counts: Record<string, number>, dryRun: boolean): string[] {
  return labels
    .filter(([key]) => (counts[key] ?? 0) > 0)
    .map(([key, verb, done, noun]) => phrase(dryRun, counts[key] ?? 0, verb, done, noun));
}

/** The counts as a list, or `empty` when nothing changed. */
export function CountList(props: { counts: Record<string, number>; dryRun: boolean; empty?: string }) {
  const phrases = countPhrases(props.counts, props.dryRun);
  if (phrases.length === 0) return props.empty ? <p className="muted">{props.empty}</p> : null;
  return (
    <ul className="counts">
      {phrases.map((text) => (
        <li key={text}>{text}</li>
      ))}
    </ul>
  );
}

export function RunSummary(props: { run: SyncRun; seatLimit?: number | null }) {
  const r = props.run;
  const seat = r.errors.find((e) => e.code === 'seat_limit_exceeded');
  const created = r.counts.usersCreated ?? 0;
  const overSeats = r.dryRun && props.seatLimit != null && created > props.seatLimit;
  return (
    <div className="run" data-run-status={r.status} aria-live="polite">
      <p>
        {r.dryRun ? 'Dry run' : 'Sync'} <Badge value={r.status} />{' '}
        <span className="muted small">started {formatTime(r.startedAt ?? r.createdAt)}</span>
      </p>
      {isLive(r) && (
        <p className="progress">
          <progress aria-label="Sync progress" /> <span className="progress-text">{progressText(r)}</span>
          {r.cancelRequested && <span className="muted"> · cancelling at the next page</span>}
        </p>
      )}
      {seat && <Notice kind="warning">{seat.message}</Notice>}
      {overSeats && !seat && (
        <Notice kind="warning">
          Will create {formatCount(created)} users — above your seat limit of{' '}
          {formatCount(props.seatLimit ?? 0)}.
        </Notice>
      )}
      <CountList
        counts={r.counts}
        dryRun={r.dryRun}
        empty={r.status === 'succeeded' ? 'No changes.' : undefined}
      />
      {r.errors.length > 0 && (
        <details>
          <summary>{plural(r.errors.length, 'error')}</summary>
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
