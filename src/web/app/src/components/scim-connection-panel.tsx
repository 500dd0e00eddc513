import { useState } from 'react';
import {
  createScimToken,
  listScimTokens,
  revokeScimToken,
  type Connection,
  type ScimToken,
} from '../api/connections';
import { ScimCredentials, ScimStatus } from './scim-credentials';
import { Badge, ConfirmButton, ErrorNotice, formatTime } from './ui';
import { useAction, useAsync, usePolling, useSession } from '../hooks';

/**
 * A SCIM connection: "waiting for Entra's first request" until Entra calls, then live with the
 * time of Entra's last request. Both are polled, with the tokens' last use, so the page follows
 * Entra by itself. Tokens with rotation (add a new one, then revoke the old); revoking asks first.
 */
export const scimPollMs = { waiting: 3000, live: 5000 } as const;

export function ScimConnectionPanel(props: { connection: Connection; onChange: () => void }) {
  const { session } = useSession();
  const c = props.connection;
  const tokens = useAsync(() => listScimTokens(c.id), [c.id]);
  const [issued, setIssued] = useState<string>();
  const rotate = useAction(async () => {
    // Only the secret: the answer names the connection too, and this page is already it.
    setIssued((await createScimToken(c.id)).token);
    tokens.reload();
  });
  const revoke = useAction(async (tokenId: string) => {
    await revokeScimToken(c.id, tokenId);
    tokens.reload();
  });
  // A token's last use moves with Entra's last request: both are read each round.
  usePolling(
    () => {
      props.onChange();
      tokens.reload();
    },
    c.lastRequestAt ? scimPollMs.live : scimPollMs.waiting,
  );
  const tenantUrl = c.tenantUrl;
  const active = (tokens.data?.data ?? []).filter((t) => !t.revokedAt);
  return (
    <div className="card">
      <h2>Status</h2>
      <ScimStatus connection={c} />
      {tenantUrl && <p className="mono small">Tenant URL: {tenantUrl}</p>}
      <h2>Secret tokens</h2>
      {issued && <ScimCredentials token={issued} />}
      <ErrorNotice error={tokens.error ?? rotate.error ?? revoke.error} />
      <ul className="plain tokens">
        {(tokens.data?.data ?? []).map((t) => (
          <li key={t.id}>
            <span className="mono">…{t.hint}</span> <Badge value={t.revokedAt ? 'revoked' : 'active'} />{' '}
            <span className="muted small">
              created {formatTime(t.createdAt)} · last used {formatTime(t.lastUsedAt)}
            </span>{' '}
            {session.canChange && !t.revokedAt && (
              <ConfirmButton
                label="Revoke"
                aria-label={`Revoke token …${t.hint}`}
                confirmLabel="Yes, revoke it"
                disabled={revoke.busy}
                question={revokeQuestion(t, active.length === 1)}
                onConfirm={() => void revoke.run(t.id)}
              />
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

function revokeQuestion(token: ScimToken, onlyActive: boolean): string {
  return onlyActive
    ? `Token …${token.hint} is the only active token. Once it is revoked, Entra's provisioning stops until you create a new token and paste it into Entra. Revoke it?`
    : `Revoke token …${token.hint}? Entra requests that still use it are refused from now on.`;
}
