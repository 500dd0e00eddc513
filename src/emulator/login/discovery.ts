/**
 * OpenID Connect discovery (`/{tenant}/v2.0/.well-known/openid-configuration`) and the JWKS
 * (`/{tenant}/discovery/v2.0/keys`), shaped like Entra's v2.0 documents. `issuer` is
 * `<loginUrl>/<tenantId>/v2.0` and equals the `iss` of every ID token (OIDC Discovery §4.3).
 * As in Entra, `userinfo_endpoint` lives on the Graph host (`/oidc/userinfo`).
 *
 * The members are Entra's, in Entra's order (`login.microsoftonline.com/<tenant>/v2.0/...`), and
 * no others: Entra publishes no `code_challenge_methods_supported` though it honours PKCE S256,
 * and its `claims_supported` leaves out `oid` and `roles` though its tokens carry them. A client
 * that works here only because of a member Entra lacks would fail against Entra.
 */
import { sendJson, type RequestContext } from '../http-io.js';
import type { EmulatorRuntime } from '../runtime.js';

export function openidConfiguration(rt: EmulatorRuntime): Record<string, unknown> {
  const base = `${rt.origin}/${rt.tenantId}`;
  return {
    token_endpoint: `${base}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: `${base}/discovery/v2.0/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    issuer: rt.issuerV2,
    request_uri_parameter_supported: false,
    userinfo_endpoint: `${rt.origin}/oidc/userinfo`,
    authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${base}/oauth2/v2.0/logout`,
    claims_supported: [
      'sub',
      'iss',
      'cloud_instance_name',
      'cloud_instance_host_name',
      'cloud_graph_host_name',
      'msgraph_host',
      'aud',
      'exp',
      'iat',
      'auth_time',
      'acr',
      'nonce',
      'preferred_username',
      'name',
      'tid',
      'ver',
      'at_hash',
      'c_hash',
      'email',
    ],
    kerberos_endpoint: `${base}/kerberos`,
    tenant_region_scope: 'EU',
    cloud_instance_name: 'microsoftonline.com',
    cloud_graph_host_name: 'graph.windows.net',
    msgraph_host: new URL(rt.origin).host,
    rbac_url: 'https://pas.windows.net',
  };
}

export function sendOpenidConfiguration(ctx: RequestContext, rt: EmulatorRuntime): void {
  sendJson(ctx, 200, openidConfiguration(rt), { 'cache-control': 'max-age=86400, private' });
}

export async function sendJwks(ctx: RequestContext, rt: EmulatorRuntime): Promise<void> {
  sendJson(ctx, 200, await rt.signingKey.jwks(rt.issuerV2), { 'cache-control': 'max-age=86400, private' });
}
