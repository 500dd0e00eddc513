import { useState } from 'react';
import { createScimConnection, type ScimCreated } from '../api/connections';
import { CopyField, ErrorNotice, Notice } from '../components/ui';
import { Link } from '../router';
import { useAction } from '../hooks';

/**
 * Connect SCIM: creates the connection and shows the Tenant URL and Secret Token once, with copy
 * buttons and where to paste them in Entra.
 */
export function ScimConnectPage() {
  const [created, setCreated] = useState<ScimCreated>();
  const create = useAction(async () => setCreated(await createScimConnection()));
  return (
    <section>
      <p>
        <Link to="/">← Integrations</Link>
      </p>
      <h1>Connect Entra provisioning (SCIM)</h1>
      {!created && (
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
      {created && <ScimCredentials created={{ ...created, connectionId: created.connection.id }} />}
    </section>
  );
}

export function ScimCredentials(props: {
  created: { tenantUrl?: string; token: string; connectionId?: string };
}) {
  return (
    <div className="card">
      <Notice kind="warning">
        Copy the Secret Token now: it is shown only once and stored only as a hash.
      </Notice>
      {props.created.tenantUrl && <CopyField label="Tenant URL" value={props.created.tenantUrl} />}
      <CopyField label="Secret Token" value={props.created.token} secret />
      <p className="muted">
        Then press Test Connection in Entra, and Save. This page will show when Entra's first request arrives.
      </p>
      {props.created.connectionId && (
        <Link to={`/connections/${props.created.connectionId}`} className="button">
          Go to the connection
        </Link>
      )}
    </div>
  );
}
