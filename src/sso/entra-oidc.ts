import { createHash } from 'node:crypto';
import * as client from 'openid-client';
import { SsoError } from './sso-error.js';
import type { SsoSettings } from './sso-settings.js';

/**
 * OpenID Connect with Entra ID through openid-client: discovery of the organization's authority,
 * the authorization request (PKCE S256, state, nonce) and the code grant. openid-client's errors
 * are translated here, once, into SsoError with the original as `cause`.
 */
export interface PendingSignIn {
  url: URL;
  state: string;
  nonce: string;
  codeVerifier: string;
}

const discoveryTtlMs = 60 * 60 * 1000;

/** Discovery documents per authority and client, so a sign-in costs one request to Entra, not two. */
export class EntraDiscoveryCache {
  readonly #entries = new Map<string, { config: client.Configuration; expiresAt: number }>();

  async configurationFor(settings: SsoSettings, now: number): Promise<client.Configuration> {
    // The secret is part of the key, so saving a new secret takes effect on the next sign-in.
    const key = createHash('sha256')
      .update(`${settings.authority}\n${settings.clientId}\n${settings.clientSecret}`)
      .digest('hex');
    const cached = this.#entries.get(key);
    if (cached && cached.expiresAt > now) return cached.config;
    const config = await discoverAuthority(settings);
    this.#entries.set(key, { config, expiresAt: now + discoveryTtlMs });
    return config;
  }
}

/** Plain http is allowed only for a loopback emulator, as for Graph hosts (connectors/graph/clouds.ts). */
function isLoopbackHttp(url: URL): boolean {
  return url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
}

async function discoverAuthority(settings: SsoSettings): Promise<client.Configuration> {
  const authority = new URL(settings.authority);
  try {
    return await client.discovery(
      authority,
      settings.clientId,
      settings.clientSecret,
      undefined,
      isLoopbackHttp(authority) ? { execute: [client.allowInsecureRequests] } : undefined,
    );
  } catch (cause) {
    throw new SsoError(
      'provider_error',
      `Could not read the sign-in configuration of ${settings.authority}`,
      { cause },
    );
  }
}

export async function buildSignInRequest(
  config: client.Configuration,
  redirectUri: string,
  loginHint: string | undefined,
): Promise<PendingSignIn> {
  const codeVerifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const parameters: Record<string, string> = {
    redirect_uri: redirectUri,
    scope: 'openid profile email',
    response_mode: 'query',
    code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  };
  if (loginHint) parameters.login_hint = loginHint;
  return { url: client.buildAuthorizationUrl(config, parameters), state, nonce, codeVerifier };
}

/** Exchanges the code and returns the validated id token claims (signature, iss, aud, exp, nonce). */
export async function authorizationCodeGrant(
  config: client.Configuration,
  callbackUrl: URL,
  pending: { state: string; nonce: string; codeVerifier: string },
): Promise<client.IDToken> {
  checkCallbackState(callbackUrl, pending.state);
  try {
    const tokens = await client.authorizationCodeGrant(config, callbackUrl, {
      pkceCodeVerifier: pending.codeVerifier,
      expectedState: pending.state,
      expectedNonce: pending.nonce,
      idTokenExpected: true,
    });
    const claims = tokens.claims();
    if (!claims) throw new SsoError('provider_error', 'Entra returned no id token');
    return claims;
  } catch (cause) {
    if (cause instanceof SsoError) throw cause;
    throw translateClientError(cause);
  }
}

/**
 * The callback must carry the `state` of the sign-in this browser started (RFC 6749 §10.12),
 * checked before anything else in the answer, an error included: an answer without it, or with
 * another sign-in's (two started in one browser, then the first finished; an old or copied link)
 * says nothing about this sign-in. openid-client checks it too; checking here first gives the
 * person the remedy ("start again") instead of a provider error.
 */
function checkCallbackState(callbackUrl: URL, expectedState: string): void {
  if (callbackUrl.searchParams.get('state') === expectedState) return;
  throw stateMismatch();
}

const stateMismatch = (cause?: unknown): SsoError =>
  new SsoError(
    'state_mismatch',
    'The answer from Microsoft does not belong to the sign-in started in this browser; start again',
    { cause },
  );

/** openid-client's own state check (`OAUTH_INVALID_RESPONSE` wrapping the "state" failure). */
function isStateCheckFailure(cause: unknown): boolean {
  return (
    cause instanceof client.ClientError &&
    cause.code === 'OAUTH_INVALID_RESPONSE' &&
    cause.cause instanceof Error &&
    /"state"/.test(cause.cause.message)
  );
}

function translateClientError(cause: unknown): SsoError {
  if (isStateCheckFailure(cause)) return stateMismatch(cause);
  if (cause instanceof client.AuthorizationResponseError) {
    // The redirect carried ?error=…: the person cancelled, or Entra refused (consent, assignment).
    return new SsoError(
      'provider_error',
      `Entra refused the sign-in: ${cause.error_description ?? cause.error}`,
      { cause },
    );
  }
  if (cause instanceof client.ResponseBodyError) {
    return new SsoError(
      'provider_error',
      `Entra refused the code: ${cause.error_description ?? cause.error}`,
      { cause },
    );
  }
  return new SsoError('provider_error', 'The answer from Entra could not be verified', { cause });
}
