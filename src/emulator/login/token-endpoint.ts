/**
 * `POST /{tenant}/oauth2/v2.0/token` (Microsoft identity platform v2.0 token endpoint).
 *
 * - `client_credentials`: app-only token for `<graph>/.default`; `roles` = consented permissions.
 * - `authorization_code`: redeems a code from `/authorize` (PKCE S256 verified) for an ID token
 *   and a delegated Graph access token.
 *
 * Success: `{ token_type: "Bearer", expires_in, ext_expires_in, access_token[, id_token, scope] }`
 * with `Cache-Control: no-store` (RFC 6749 §5.1). Errors: see `aadsts-error.ts`.
 */
import { createHash } from 'node:crypto';
import { readBody, sendJson, type RequestContext } from '../http-io.js';
import type { EmulatorRuntime } from '../runtime.js';
import { issueAppAccessToken, issueUserTokens } from './access-token.js';
import { aadsts } from './aadsts-error.js';
import { authenticateClient } from './client-authentication.js';
import { clientCredentialsAudience } from './scope.js';

const tokenHeaders = (ctx: RequestContext): Record<string, string> => ({
  'cache-control': 'no-store, no-cache',
  pragma: 'no-cache',
  'x-ms-request-id': ctx.requestId,
  ...(ctx.clientRequestId ? { 'client-request-id': ctx.clientRequestId } : {}),
});

export async function tokenEndpoint(
  ctx: RequestContext,
  rt: EmulatorRuntime,
  tenantSegment: string,
): Promise<void> {
  const form = new URLSearchParams(await readBody(ctx.req));
  const grantType = form.get('grant_type');
  if (grantType === null || grantType === '') throw aadsts.missingParameter('grant_type');
  if (grantType === 'client_credentials') return clientCredentialsGrant(ctx, rt, form, tenantSegment);
  if (grantType === 'authorization_code') return authorizationCodeGrant(ctx, rt, form, tenantSegment);
  throw aadsts.unsupportedGrantType();
}

async function clientCredentialsGrant(
  ctx: RequestContext,
  rt: EmulatorRuntime,
  form: URLSearchParams,
  tenantSegment: string,
): Promise<void> {
  const { client, method } = await authenticateClient(rt, ctx.req, form, tenantSegment);
  if (method === 'none') throw aadsts.missingCredential();
  const audience = clientCredentialsAudience(form.get('scope'), tenantSegment, rt.ownOrigins);
  if (typeof audience !== 'string') throw audience;
  const lifetime = rt.accessTokenLifetimeSeconds;
  sendJson(
    ctx,
    200,
    {
      token_type: 'Bearer',
      expires_in: lifetime,
      ext_expires_in: lifetime,
      access_token: await issueAppAccessToken(rt, client, audience, method),
    },
    tokenHeaders(ctx),
  );
}

async function authorizationCodeGrant(
  ctx: RequestContext,
  rt: EmulatorRuntime,
  form: URLSearchParams,
  tenantSegment: string,
): Promise<void> {
  const code = form.get('code');
  if (code === null || code === '') throw aadsts.missingParameter('code');
  const { client, method } = await authenticateClient(rt, ctx.req, form, tenantSegment);
  const lookup = rt.authorizationCodes.redeem(code, rt.now().getTime());
  if (lookup.kind === 'redeemed') throw aadsts.codeRedeemed();
  if (lookup.kind === 'unknown' || lookup.grant.clientId !== client.clientId) throw aadsts.codeInvalid();
  const grant = lookup.grant;
  const redirectUri = form.get('redirect_uri');
  if (redirectUri !== grant.redirectUri) throw aadsts.redirectUriMismatch(redirectUri ?? '', client.clientId);
  // PKCE (RFC 7636 §4.6): BASE64URL(SHA256(code_verifier)) must equal the stored challenge.
  const verifier = form.get('code_verifier');
  if (
    verifier === null ||
    createHash('sha256').update(verifier).digest('base64url') !== grant.codeChallenge
  ) {
    throw aadsts.codeVerifierMismatch();
  }
  if (!rt.store.users.isActive(grant.userIndex))
    throw aadsts.userNotFound(grant.userIndex.toString(), tenantSegment);
  if (!rt.store.users.record(grant.userIndex).accountEnabled) throw aadsts.userDisabled();
  const tokens = await issueUserTokens(rt, client, grant.userIndex, grant.scope, grant.nonce, method);
  const lifetime = rt.accessTokenLifetimeSeconds;
  sendJson(
    ctx,
    200,
    {
      token_type: 'Bearer',
      scope: grant.scope,
      expires_in: lifetime,
      ext_expires_in: lifetime,
      access_token: tokens.accessToken,
      id_token: tokens.idToken,
    },
    tokenHeaders(ctx),
  );
}
