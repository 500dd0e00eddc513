import type { Connection } from '../api/connections';
import { Link } from '../router';
import { CopyField, Notice, formatTime } from './ui';

/**
 * A Secret Token, shown once, with where it goes in Entra. A new connection (`created`) comes with
 * its Tenant URL and a link to its page, which is watched for Entra's first request; a token added
 * to a connection (rotation) comes alone, from that connection's page.
 */
export function ScimCredentials(props: {
  token: string;
  created?: { tenantUrl: string; connectionId: string };
}) {
  const { created } = props;
  return (
    <div className="card">
      <Notice kind="warning">
        Copy the Secret Token now: it is shown only once and stored only as a hash.
      </Notice>
      {created && <CopyField label="Tenant URL" value={created.tenantUrl} />}
      <CopyField label="Secret Token" value={props.token} secret />
      {created ? (
        <>
          <p className="muted">
            Then press Test Connection in Entra, and Save. This page will show when Entra's first request
            arrives.
          </p>
          <Link to={`/connections/${created.connectionId}`} className="button">
            Go to the connection
          </Link>
        </>
      ) : (
        <p className="muted">
          In Entra, open the enterprise application → Provisioning → Admin Credentials, replace the Secret
          Token with this one, press Test Connection, and Save. Then revoke the old token below.
        </p>
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
