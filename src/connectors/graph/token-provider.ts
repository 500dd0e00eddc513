import { ConfidentialClientApplication, type Configuration } from '@azure/msal-node';
import { tokenErrorToGraphError } from './entra-remedy.js';
import type { GraphCredential, GraphSettings } from './graph-settings.js';

/**
 * Client-credentials tokens through MSAL, one ConfidentialClientApplication per connection so its
 * in-memory cache serves repeated calls and refreshes ahead of expiry. A forced refresh (after a
 * 401 from Graph) skips the cache once.
 */
export interface TokenProvider {
  getToken(options?: { forceRefresh?: boolean }): Promise<string>;
}

const applications = new Map<string, { fingerprint: string; app: ConfidentialClientApplication }>();

export function tokenProviderFor(
  connectionId: string,
  settings: GraphSettings,
  credential: GraphCredential,
): TokenProvider {
  const fingerprint = JSON.stringify([
    settings.tenantId,
    settings.clientId,
    settings.loginUrl,
    settings.graphUrl,
    credential,
  ]);
  let entry = applications.get(connectionId);
  if (entry?.fingerprint !== fingerprint) {
    entry = { fingerprint, app: new ConfidentialClientApplication(msalConfiguration(settings, credential)) };
    applications.set(connectionId, entry);
  }
  const { app } = entry;
  const scopes = [`${settings.graphUrl}/.default`];
  return {
    async getToken(options = {}) {
      try {
        const result = await app.acquireTokenByClientCredential({
          scopes,
          skipCache: options.forceRefresh === true,
        });
        if (!result?.accessToken) throw new Error('The token endpoint returned no access token');
        return result.accessToken;
      } catch (error) {
        throw tokenErrorToGraphError(error);
      }
    },
  };
}

/** Forgets a connection's MSAL instance (credentials changed or connection removed). */
export function forgetTokenProvider(connectionId: string): void {
  applications.delete(connectionId);
}

function msalConfiguration(settings: GraphSettings, credential: GraphCredential): Configuration {
  const login = new URL(settings.loginUrl);
  const auth: Configuration['auth'] = {
    clientId: settings.clientId,
    authority: `${settings.loginUrl}/${settings.tenantId}`,
    ...(credential.kind === 'secret'
      ? { clientSecret: credential.clientSecret }
      : {
          clientCertificate: {
            thumbprintSha256: credential.thumbprintSha256,
            privateKey: credential.privateKey,
            x5c: credential.certificate,
          },
        }),
  };
  if (login.protocol === 'http:') return { auth: { ...auth, ...loopbackAuthority(settings) } };
  return { auth };
}

/**
 * MSAL insists on an https authority and discovers its endpoints over the network. For a local
 * emulator on plain http we name a made-up https host that is never contacted, list it as known
 * (no instance discovery) and give the endpoints ourselves (no OIDC discovery); MSAL then posts
 * straight to the emulator's token endpoint (shared/reference/environment.md, "msal-node recipe").
 */
function loopbackAuthority(settings: GraphSettings): Partial<Configuration['auth']> {
  const host = 'login.emulator.invalid';
  const tenant = settings.tenantId;
  const base = `${settings.loginUrl}/${tenant}`;
  return {
    authority: `https://${host}/${tenant}`,
    knownAuthorities: [host],
    authorityMetadata: JSON.stringify({
      issuer: `https://${host}/${tenant}/v2.0`,
      token_endpoint: `${base}/oauth2/v2.0/token`,
      authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
      end_session_endpoint: `${base}/oauth2/v2.0/logout`,
      jwks_uri: `${base}/discovery/v2.0/keys`,
    }),
  };
}
