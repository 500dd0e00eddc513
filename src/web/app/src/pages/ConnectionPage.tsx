import { useCallback, useState } from 'react';
import { getConnection } from '../api/connections';
import { DeleteConnection } from '../components/delete-connection';
import { GraphConnectionPanel } from '../components/graph-connection-panel';
import { PolicyPanel } from '../components/policy-panel';
import { ScimConnectionPanel } from '../components/scim-connection-panel';
import { SyncPanel } from '../components/sync-panel';
import { Badge, ErrorNotice, Loading, ReadOnlyNotice } from '../components/ui';
import { Link } from '../router';
import { useAsync, useSession } from '../hooks';

/** One connection: its credentials and status, then the policy, then syncing, then deleting it. */
export function ConnectionPage(props: { connectionId: string }) {
  const { session } = useSession();
  const connection = useAsync(() => getConnection(props.connectionId), [props.connectionId]);
  // A sync applies a pending policy: the policy panel reads again whether it still is.
  const [syncsEnded, setSyncsEnded] = useState(0);
  const onRunEnded = useCallback(() => setSyncsEnded((n) => n + 1), []);
  // A failed refresh (the SCIM status is polled) keeps the page, and its unsaved edits, on screen.
  if (!connection.data)
    return connection.error ? (
      <ErrorNotice error={connection.error} onRetry={connection.reload} />
    ) : (
      <Loading />
    );
  const c = connection.data;
  return (
    <section>
      <p>
        <Link to="/">← Integrations</Link>
      </p>
      <h1>
        {c.name} <Badge value={c.kind === 'scim' ? 'SCIM' : 'Graph'} />
      </h1>
      {!session.canChange && <ReadOnlyNotice role={session.role} />}
      <ErrorNotice error={connection.error} onRetry={connection.reload} />
      {c.kind === 'scim' ? (
        <ScimConnectionPanel connection={c} onChange={connection.reload} />
      ) : (
        <GraphConnectionPanel connection={c} onChange={connection.reload} />
      )}
      <PolicyPanel connection={c} syncsEnded={syncsEnded} />
      {c.kind === 'graph' && <SyncPanel connectionId={c.id} onRunEnded={onRunEnded} />}
      <DeleteConnection connection={c} syncsEnded={syncsEnded} />
    </section>
  );
}
