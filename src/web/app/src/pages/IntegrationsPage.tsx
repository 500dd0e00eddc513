import { useEffect, useState } from 'react';
import { listConnections, listRuns, type Connection, type SyncRun } from '../api/connections';
import { ConnectionDeletedNotice, isConnectionDeletedNote } from '../components/delete-connection';
import { isLive } from '../components/run-summary';
import { Badge, ErrorNotice, Loading, formatTime, plural } from '../components/ui';
import { Link } from '../router';
import { useAsync, usePolling, useSession } from '../hooks';

/**
 * The two ways a directory reaches Roster, as tiles with their connections and status. The tiles
 * refresh every few seconds, so Entra's last request and a running sync stay current. Right after
 * a connection is deleted, the page says what went with it.
 */
const refreshMs = 5000;

export function IntegrationsPage() {
  const { session } = useSession();
  // Read once from the history entry the delete left, then dropped: a reload does not repeat it.
  const [deleted] = useState(() => {
    const state: unknown = window.history.state;
    return isConnectionDeletedNote(state) ? state : undefined;
  });
  useEffect(() => {
    if (deleted) window.history.replaceState(null, '', window.location.href);
  }, [deleted]);
  const connections = useAsync(loadTiles, []);
  usePolling(connections.reload, refreshMs);
  const of = (kind: Connection['kind']) => (connections.data?.data ?? []).filter((c) => c.kind === kind);
  return (
    <section>
      <h1>Integrations</h1>
      {deleted && <ConnectionDeletedNotice note={deleted} />}
      <ErrorNotice error={connections.error} onRetry={connections.reload} />
      {connections.loading && !connections.data && <Loading />}
      <div className="tiles">
        <Tile
          title="Microsoft Entra ID — provisioning (SCIM)"
          text="Entra pushes users and groups to Roster as they change. You paste a Tenant URL and a Secret Token into the enterprise application."
          connections={of('scim')}
          connectTo="/connections/scim/new"
          canChange={session.canChange}
          status={scimStatus}
        />
        <Tile
          title="Microsoft Entra ID — Graph sync"
          text="Roster reads users and groups from Microsoft Graph with an app registration's credentials, on a schedule or when you ask."
          connections={of('graph')}
          connectTo="/connections/graph/new"
          canChange={session.canChange}
          status={graphStatus}
        />
      </div>
    </section>
  );
}

type TileConnection = Connection & { lastRun?: SyncRun | undefined };

/**
 * Connections, each Graph one with its latest sync (dry runs left out: a preview stopped by the
 * seat limit says nothing about the connection), for the badge and status line of its tile.
 */
async function loadTiles(): Promise<{ data: TileConnection[] }> {
  const { data } = await listConnections();
  const withRuns = await Promise.all(
    data.map(async (c) =>
      c.kind === 'graph' ? { ...c, lastRun: (await listRuns(c.id, { limit: 1, dryRun: false })).data[0] } : c,
    ),
  );
  return { data: withRuns };
}

function scimStatus(c: TileConnection): string {
  return c.lastRequestAt
    ? `Live · last request ${formatTime(c.lastRequestAt)}`
    : "Waiting for Entra's first request";
}

const dayMs = 24 * 60 * 60 * 1000;

/** A secret about to expire stops every sync on that day; the tile says so a month ahead. */
function expiryWarning(c: TileConnection): string {
  if (!c.secretExpiresAt) return '';
  const days = Math.ceil((Date.parse(c.secretExpiresAt) - Date.now()) / dayMs);
  if (days > 30) return '';
  return days <= 0 ? ' · the client secret has expired' : ` · the client secret expires in ${days} days`;
}

function graphStatus(c: TileConnection): string {
  return graphRunStatus(c) + expiryWarning(c);
}

function graphRunStatus(c: TileConnection): string {
  const run = c.lastRun;
  if (!run) return 'Connected · not synced yet';
  const errors = run.errors.length > 0 ? ` · ${plural(run.errors.length, 'error')}` : '';
  return `Last sync ${run.status} ${formatTime(run.finishedAt ?? run.startedAt ?? run.createdAt)}${errors}`;
}

/**
 * The connection's state in a word or three. "connected" only when it is active and its latest
 * sync did not fail: a Graph connection whose last run failed is not working, whatever its status.
 */
function badgeOf(c: TileConnection): string {
  if (c.status !== 'active') return c.status;
  if (c.lastRun?.status === 'failed') return 'last sync failed';
  if (c.lastRun && isLive(c.lastRun)) return 'syncing';
  return 'connected';
}

function Tile(props: {
  title: string;
  text: string;
  connections: TileConnection[];
  connectTo: string;
  canChange: boolean;
  status: (c: TileConnection) => string;
}) {
  return (
    <article className="tile card" aria-label={props.title}>
      <h2>{props.title}</h2>
      <p className="muted">{props.text}</p>
      {props.connections.length === 0 ? (
        <p>
          <Badge value="not connected" />
        </p>
      ) : (
        <ul className="plain">
          {props.connections.map((c) => (
            <li key={c.id}>
              <Badge value={badgeOf(c)} /> <Link to={`/connections/${c.id}`}>{c.name}</Link>
              <div className="muted small connection-status">{props.status(c)}</div>
            </li>
          ))}
        </ul>
      )}
      {props.canChange && (
        <Link to={props.connectTo} className="button">
          {props.connections.length === 0 ? 'Connect' : 'Add another'}
        </Link>
      )}
    </article>
  );
}
