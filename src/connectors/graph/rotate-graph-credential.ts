import { isoNow } from '../../clock.js';
import { invalidInput } from '../../errors.js';
import type { Runtime } from '../../runtime.js';
import { openSecretBox } from '../../secrets/secret-box.js';
import { appendAudit, type Actor } from '../../store/audit.js';
import { getConnection } from '../../store/connections.js';
import {
  parseGraphConnectionInput,
  toGraphConnectionView,
  type GraphConnectionView,
} from './graph-connections.js';
import { formatInterval, graphSettingsOf } from './graph-settings.js';
import { forgetTokenProvider } from './token-provider.js';

/**
 * Replaces a Graph connection's client secret or certificate, as an admin does before the old one
 * expires. The new credential is sealed like the first; the old ciphertext is overwritten, the
 * cached MSAL instance dropped, and the audit entry records only the kind and the new expiry.
 */
export async function rotateGraphCredential(
  runtime: Runtime,
  connectionId: string,
  input: {
    clientSecret?: string | undefined;
    certificatePem?: string | undefined;
    secretExpiresAt?: string | undefined;
  },
  actor: Actor,
  organizationId?: string,
): Promise<GraphConnectionView> {
  const connection = await getConnection(runtime.store.db, connectionId, organizationId);
  const current = graphSettingsOf(connection);
  if (input.clientSecret === undefined && input.certificatePem === undefined) {
    throw invalidInput('Give the new client secret or certificate', 'clientSecret');
  }
  // Parsed through the same rules as a new connection, over the connection's own settings.
  const { credential, secretExpiresAt, settings } = parseGraphConnectionInput({
    tenantId: current.tenantId,
    clientId: current.clientId,
    cloud: current.cloud,
    loginUrl: current.loginUrl,
    graphUrl: current.graphUrl,
    interval: formatInterval(current.intervalMinutes),
    ...input,
  });
  const nextSettings = {
    ...current,
    credential: settings.credential,
    certificateThumbprint: settings.certificateThumbprint,
  };
  const now = isoNow(runtime.clock);
  const sealed = openSecretBox(runtime.config).seal(JSON.stringify(credential), connectionId);
  await runtime.store.transaction(async (trx) => {
    await trx
      .updateTable('connections')
      .set({
        secret_ciphertext: sealed,
        secret_expires_at: secretExpiresAt,
        settings: JSON.stringify(nextSettings),
        updated_at: now,
      })
      .where('id', '=', connectionId)
      .execute();
    await appendAudit(
      trx,
      connection.organizationId,
      actor,
      [
        {
          action: 'connection.credential_rotated',
          targetType: 'connection',
          targetId: connectionId,
          connectionId,
          before: { credential: current.credential, secretExpiresAt: connection.secretExpiresAt },
          after: { credential: credential.kind, secretExpiresAt },
        },
      ],
      now,
    );
  });
  forgetTokenProvider(connectionId);
  return toGraphConnectionView(await getConnection(runtime.store.db, connectionId));
}
