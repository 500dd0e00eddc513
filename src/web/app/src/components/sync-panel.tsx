import { useEffect, useState } from 'react';
import { get, orgPath } from '../api/client';
import { cancelRun, getRun, listRuns, startRun, type SyncRun } from '../api/connections';
import { RunSummary, isLive } from './run-summary';
import { ErrorNotice, Notice } from './ui';
import { useAction, useAsync, usePolling, useSession } from '../hooks';

/**
 * Sync now, with live progress (polled each second while the run is queued or running), and a
 * dry-run preview that says what a first sync would do before it does it. A run that is still
 * live when the page opens (started before navigating away, by the schedule or by another admin)
 * is followed the same way, so leaving the page and coming back loses nothing.
 */
export function SyncPanel(props: { connectionId: string; onRunEnded?: () => void }) {
  const { session } = useSession();
  // The newest run, to follow if live (a preview too), and the last real sync, found by the server
  // however many previews came after it.
  const history = useAsync(async () => {
    const [newest, lastSync] = await Promise.all([
      listRuns(props.connectionId, { limit: 1 }),
      listRuns(props.connectionId, { limit: 1, dryRun: false }),
    ]);
    return { newest: newest.data[0], lastSync: lastSync.data[0] };
  }, [props.connectionId]);
  const [current, setCurrent] = useState<SyncRun>();
  // The organization's seat limit, so a preview can warn before a sync would exceed it.
  const organization = useAsync(() => get<{ settings?: { seatLimit?: number | null } }>(orgPath('')), []);
  const seatLimit = organization.data?.settings?.seatLimit ?? null;
  const start = useAction(async (dryRun: boolean) =>
    setCurrent(await startRun(props.connectionId, { dryRun })),
  );
  const cancel = useAction(async (id: string) => setCurrent(await cancelRun(id)));
  const newest = history.data?.newest;
  useEffect(() => {
    // Runs are listed newest first: a live newest run is the one to follow.
    if (newest && isLive(newest)) setCurrent((shown) => (shown && isLive(shown) ? shown : newest));
  }, [newest]);
  const runId = current?.id;
  const running = current !== undefined && isLive(current);
  usePolling(
    () => {
      if (runId) void getRun(runId).then(setCurrent, () => undefined);
    },
    1000,
    running,
  );
  const { reload } = history;
  const { onRunEnded } = props;
  useEffect(() => {
    if (current && !running) {
      reload();
      onRunEnded?.();
    }
  }, [current, running, reload, onRunEnded]);
  const lastSync = history.data?.lastSync;
  const neverSynced = history.data !== undefined && lastSync === undefined;
  const cancelling = cancel.busy || current?.cancelRequested === true;
  return (
    <div className="card">
      <h2>Sync</h2>
      {neverSynced && !running && (
        <Notice>
          Not synced yet. Preview first: a dry run shows what the first sync would change, and changes
          nothing.
        </Notice>
      )}
      {session.canChange && (
        <div className="actions">
          <button type="button" disabled={start.busy || running} onClick={() => void start.run(true)}>
            Preview (dry run)
          </button>
          <button
            type="button"
            className="primary"
            disabled={start.busy || running}
            onClick={() => void start.run(false)}
          >
            Sync now
          </button>
          {running && runId && (
            <button
              type="button"
              className="danger"
              disabled={cancelling}
              onClick={() => void cancel.run(runId)}
            >
              {cancelling ? 'Cancelling…' : 'Cancel this run'}
            </button>
          )}
        </div>
      )}
      <ErrorNotice error={start.error ?? cancel.error} />
      {current && <RunSummary run={current} seatLimit={seatLimit} />}
      {!current && lastSync && (
        <>
          <h3>Last sync</h3>
          <RunSummary run={lastSync} />
        </>
      )}
    </div>
  );
}
