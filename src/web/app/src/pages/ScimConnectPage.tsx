import { useState } from 'react';
import { createScimConnection, getConnection, type ScimCreated } from '../api/connections';
import { ScimCredentials, ScimStatus } from '../components/scim-credentials';
import { scimPollMs } from '../components/scim-connection-panel';
import { ErrorNotice, ReadOnlyNotice } from '../components/ui';
import { Link } from '../router';
import { useAction, useAsync, usePolling, useSession } from '../hooks';

/**
 * Connect SCIM: creates the connection and shows the Tenant URL and Secret Token once, with copy
 * buttons and where to paste them in Entra; then follows the new connection until Entra calls.
 */
export function ScimConnectPage() {
  const { session } = useSession();
  const [created, setCreated] = useState<ScimCreated>();
  const create = useAction(async () => setCreated(await createScimConnection()));
  return (
    <section>
      <p>
        <Link to="/">← Integrations</Link>
      </p>
      <h1>Connect Entra provisioning (SCIM)</h1>
      {!session.canChange && <ReadOnlyNotice role={session.role} />}
      {!created && session.canChange && (
        <>
          <ol>
            <li>In the Entra admin center, open your enterprise application → Provisioning.</li>
            <li>Set Provisioning Mode to Automatic.</li>
            <li>Under Admin Credentials, paste the Tenant URL and Secret Token Roster gives you next.</li>
          </ol>
          <button type="button" className="primary" disabled={create.busy} onClick={() => void create.run()}>
            Create Tenant URL and token
          </button>
          <ErrorNotice error={create.error} />
        </>
      )}
      {created && (
        <>
          <ScimCredentials
            token={created.token}
            created={{ tenantUrl: created.tenantUrl, connectionId: created.connection.id }}
          />
          <FirstRequest connectionId={created.connection.id} />
        </>
      )}
    </section>
  );
}

/** The new connection's status, polled: the page says so when Entra's first request arrives. */
function FirstRequest(props: { connectionId: string }) {
  const connection = useAsync(() => getConnection(props.connectionId), [props.connectionId]);
  const live = Boolean(connection.data?.lastRequestAt);
  usePolling(connection.reload, live ? scimPollMs.live : scimPollMs.waiting);
  return (
    <div aria-live="polite">
      {connection.data && <ScimStatus connection={connection.data} />}
      <ErrorNotice error={connection.error} onRetry={connection.reload} />
    </div>
  );
}
