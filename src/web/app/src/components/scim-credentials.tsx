import type { Connection } from '../api/connections';
import { Link } from '../router';
import { CopyField, Notice, formatTime } from './ui';

/** The Tenant URL and a Secret Token, shown once, with where they go in Entra. */
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

/** Whether Entra has called yet, and when it last did; the pages showing it poll the connection. */
export function ScimStatus(props: { connection: Pick<Connection, 'lastRequestAt'> }) {
  const last = props.connection.lastRequestAt;
  return last ? (
    <Notice kind="success">Live · Entra's last request {formatTime(last)}</Notice>
  ) : (
    <Notice>
      Waiting for Entra's first request… Press Test Connection in Entra, then start provisioning.
    </Notice>
  );
}
