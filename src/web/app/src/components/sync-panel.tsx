import { useEffect, useState } from 'react';
import { get, orgPath } from '../api/client';
import { cancelRun, getRun, listRuns, startRun, type SyncRun } from '../api/connections';
import { RunSummary } from './run-summary';
import { ErrorNotice, Notice } from './ui';
import { useAction, useAsync, useSession } from '../hooks';

/**
 * Sync now, with live progress (polled each second while the run is queued or running), and a
 * dry-run preview that says what a first sync would do before it does it.
 */
const live = (run: SyncRun | undefined) =>
  run !== undefined && (run.status === 'queued' || run.status === 'running');

export function SyncPanel(props: { connectionId: string }) {
  const { session } = useSession();
  const history = useAsync(() => listRuns(props.connectionId, { limit: 5 }), [props.connectionId]);
  const [current, setCurrent] = useState<SyncRun>();
  // The organization's seat limit, so a preview can warn before a sync would exceed it.
  const organization = useAsync(() => get<{ settings?: { seatLimit?: number | null } }>(orgPath('')), []);
  const seatLimit = organization.data?.settings?.seatLimit ?? null;
  const start = useAction(async (dryRun: boolean) =>
    setCurrent(await startRun(props.connectionId, { dryRun })),
  );
  const cancel = useAction(async (id: string) => setCurrent(await cancelRun(id)));
  const runId = current?.id;
  const running = live(current);
  useEffect(() => {
    if (!runId || !running) return undefined;
    const timer = window.setInterval(() => {
      void getRun(runId).then(setCurrent, () => undefined);
    }, 1000);
    return () => window.clearInterval(timer);
  }, [props.connectionId, runId, running]);
  const { reload } = history;
  useEffect(() => {
    if (current && !running) reload();
  }, [current, running, reload]);
  const past = (history.data?.data ?? []).filter((r) => !r.dryRun);
  const neverSynced = history.data !== undefined && past.length === 0;
  return (
    <div className="card">
      <h2>Sync</h2>
      {neverSynced && (
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
        </div>
      )}
      {session.canChange && running && runId && (
        <button
          type="button"
          className="danger"
          disabled={cancel.busy}
          onClick={() => void cancel.run(runId)}
        >
          Cancel this run
        </button>
      )}
      <ErrorNotice error={start.error ?? cancel.error} />
      {current && <RunSummary run={current} seatLimit={seatLimit} />}
      {!current && past[0] && (
        <>
          <h3>Last sync</h3>
          <RunSummary run={past[0]} />
        </>
      )}
    </div>
  );
}
