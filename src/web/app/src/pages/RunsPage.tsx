import { listConnections, listRuns, type SyncRun } from '../api/connections';
import { RunSummary, isLive } from '../components/run-summary';
import { ErrorNotice, Loading } from '../components/ui';
import { Link } from '../router';
import { useAsync, usePolling } from '../hooks';

/** Recent sync runs of every Graph connection, with their errors; live ones refresh until they end. */
export function RunsPage() {
  const runs = useAsync(async () => {
    const connections = (await listConnections()).data.filter((c) => c.kind === 'graph');
    const pages = await Promise.all(
      connections.map((c) =>
        listRuns(c.id, { limit: 20 }).then((p) => p.data.map((run) => ({ run, name: c.name }))),
      ),
    );
    return pages.flat().sort((a, b) => b.run.createdAt.localeCompare(a.run.createdAt));
  }, []);
  usePolling(
    runs.reload,
    2000,
    (runs.data ?? []).some(({ run }) => isLive(run)),
  );
  return (
    <section>
      <h1>Sync runs</h1>
      <ErrorNotice error={runs.error} onRetry={runs.reload} />
      {!runs.data && !runs.error && <Loading />}
      {runs.data?.length === 0 && <p className="muted">No runs yet.</p>}
      <ol className="runs plain">
        {(runs.data ?? []).map(({ run, name }: { run: SyncRun; name: string }) => (
          <li key={run.id} className="card">
            <Link to={`/connections/${run.connectionId}`}>{name}</Link>{' '}
            <span className="muted small">· {run.trigger}</span>
            <RunSummary run={run} />
          </li>
        ))}
      </ol>
    </section>
  );
}
