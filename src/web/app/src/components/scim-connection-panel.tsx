import { useEffect, useState } from 'react';
import { createScimToken, listScimTokens, revokeScimToken, type Connection } from '../api/connections';
import { ScimCredentials } from '../pages/ScimConnectPage';
import { Badge, ErrorNotice, Notice, formatTime } from './ui';
import { useAction, useAsync, useSession } from '../hooks';

/**
 * A SCIM connection: "waiting for Entra's first request" until Entra calls (polled, so the page
 * turns live by itself), then live; tokens with rotation (add a new one, then revoke the old).
 */
export function ScimConnectionPanel(props: { connection: Connection; onChange: () => void }) {
  const { session } = useSession();
  const c = props.connection;
  const tokens = useAsync(() => listScimTokens(c.id), [c.id]);
  const [issued, setIssued] = useState<{ token: string }>();
  const rotate = useAction(async () => {
    setIssued(await createScimToken(c.id));
    tokens.reload();
  });
  const revoke = useAction(async (tokenId: string) => {
    await revokeScimToken(c.id, tokenId);
    tokens.reload();
  });
  const { onChange } = props;
  useEffect(() => {
    if (c.lastRequestAt) return undefined;
    const timer = window.setInterval(onChange, 3000);
    return () => window.clearInterval(timer);
  }, [c.lastRequestAt, onChange]);
  const tenantUrl = c.tenantUrl;
  return (
    <div className="card">
      <h2>Status</h2>
      {c.lastRequestAt ? (
        <Notice kind="success">Live · Entra's last request {formatTime(c.lastRequestAt)}</Notice>
      ) : (
        <Notice>
          Waiting for Entra's first request… Press Test Connection in Entra, then start provisioning.
        </Notice>
      )}
      {tenantUrl && <p className="mono small">Tenant URL: {tenantUrl}</p>}
      <h2>Secret tokens</h2>
      {issued && <ScimCredentials created={issued} />}
      <ErrorNotice error={tokens.error ?? rotate.error ?? revoke.error} />
      <ul className="plain tokens">
        {(tokens.data?.data ?? []).map((t) => (
          <li key={t.id}>
            <span className="mono">…{t.hint}</span> <Badge value={t.revokedAt ? 'revoked' : 'active'} />{' '}
            <span className="muted small">
              created {formatTime(t.createdAt)} · last used {formatTime(t.lastUsedAt)}
            </span>{' '}
            {session.canChange && !t.revokedAt && (
              <button
                type="button"
                className="danger small"
                disabled={revoke.busy}
                onClick={() => void revoke.run(t.id)}
              >
                Revoke
              </button>
            )}
          </li>
        ))}
      </ul>
      {session.canChange && (
        <button type="button" disabled={rotate.busy} onClick={() => void rotate.run()}>
          Create a new token
        </button>
      )}
    </div>
  );
}
