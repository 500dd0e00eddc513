/**
 * `GET|POST /{tenant}/oauth2/v2.0/authorize`: OpenID Connect authorization code flow.
 *
 * Checks, in Entra's order:
 * - `client_id` names a registered app, and `redirect_uri` is registered for it. These failures
 *   are shown on an error page, never redirected (RFC 6749 §4.1.2.1). Loopback redirect URIs
 *   match on any port ("Redirect URI restrictions", localhost exceptions; RFC 8252 §7.3).
 * - `response_type=code`, and PKCE with `code_challenge_method=S256` (this emulator requires
 *   PKCE for every client). These failures redirect with `error` and `state`.
 * - the user: `login_hint` (a UPN or mail address) signs that user in without a page — the
 *   headless path for tests; otherwise a page lists users to choose from (POSTed back here).
 *   `prompt=none` without a hint answers `login_required`.
 * The response goes to the redirect URI as query (default), fragment or form_post.
 */
import { readBody, redirect, sendHtml, type RequestContext } from '../http-io.js';
import type { RegisteredClient } from '../options.js';
import type { EmulatorRuntime } from '../runtime.js';
import { aadTimestamp } from './aadsts-error.js';
import { errorPage, formPostPage, signInPage } from './sign-in-page.js';

const loopbackHosts = new Set(['127.0.0.1', 'localhost', '[::1]']);

export function isRegisteredRedirectUri(client: RegisteredClient, candidate: string): boolean {
  let wanted: URL;
  try {
    wanted = new URL(candidate);
  } catch {
    return false;
  }
  return client.redirectUris.some((registered) => {
    if (registered === candidate) return true;
    let url: URL;
    try {
      url = new URL(registered);
    } catch {
      return false;
    }
    const loopback = url.protocol === 'http:' && loopbackHosts.has(url.hostname);
    return (
      loopback &&
      wanted.protocol === url.protocol &&
      wanted.hostname === url.hostname &&
      wanted.pathname === url.pathname &&
      wanted.search === url.search
    );
  });
}

function respond(
  ctx: RequestContext,
  redirectUri: string,
  mode: string,
  fields: Record<string, string>,
): void {
  if (mode === 'form_post') {
    sendHtml(ctx, 200, formPostPage(redirectUri, fields));
    return;
  }
  const url = new URL(redirectUri);
  const encoded = new URLSearchParams(fields).toString();
  if (mode === 'fragment') url.hash = encoded;
  else for (const [k, v] of Object.entries(fields)) url.searchParams.set(k, v);
  redirect(ctx, url.toString());
}

export async function authorizeEndpoint(ctx: RequestContext, rt: EmulatorRuntime): Promise<void> {
  const params =
    ctx.method === 'POST'
      ? new URLSearchParams(await readBody(ctx.req))
      : new URLSearchParams(ctx.url.search);
  const now = rt.now();
  const page = (status: number, code: number, message: string): void =>
    sendHtml(
      ctx,
      status,
      errorPage(
        'Sign in',
        `AADSTS${code}: ${message} Trace ID: ${ctx.requestId} Timestamp: ${aadTimestamp(now)}`,
      ),
    );

  const clientId = params.get('client_id');
  if (!clientId)
    return page(400, 900144, "The request body must contain the following parameter: 'client_id'.");
  const client = rt.client(clientId);
  if (!client) {
    return page(
      400,
      700016,
      `Application with identifier '${clientId}' was not found in the directory '${rt.tenantId}'.`,
    );
  }
  const redirectUri =
    params.get('redirect_uri') ?? (client.redirectUris.length === 1 ? client.redirectUris[0]! : null);
  if (redirectUri === null || !isRegisteredRedirectUri(client, redirectUri)) {
    return page(
      400,
      50011,
      `The redirect URI '${redirectUri ?? ''}' specified in the request does not match the redirect URIs configured for the application '${client.clientId}'.`,
    );
  }
  const mode = params.get('response_mode') ?? 'query';
  const state = params.get('state');
  const fail = (error: string, code: number, description: string): void =>
    respond(ctx, redirectUri, mode, {
      error,
      error_description: `AADSTS${code}: ${description}\r\nTrace ID: ${ctx.requestId}\r\nTimestamp: ${aadTimestamp(now)}`,
      ...(state === null ? {} : { state }),
    });

  if (params.get('response_type') !== 'code') {
    return fail(
      'unsupported_response_type',
      700054,
      `response_type '${params.get('response_type') ?? ''}' is not enabled for the application.`,
    );
  }
  const challenge = params.get('code_challenge');
  if (!challenge) return fail('invalid_request', 9002325, 'Proof Key for Code Exchange is required.');
  if (params.get('code_challenge_method') !== 'S256') {
    return fail(
      'invalid_request',
      50147,
      'The code_challenge_method is not supported. Supported values: S256.',
    );
  }

  const login = params.get('login') ?? params.get('login_hint');
  if (login === null || login === '') {
    if (params.get('prompt') === 'none') {
      return fail('login_required', 50058, 'A silent sign-in request was sent but no user is signed in.');
    }
    return sendHtml(ctx, 200, signInPage(params, listedUsers(rt), null));
  }
  const userIndex = rt.store.users.indexOf(login);
  if (userIndex < 0 || !rt.store.users.isActive(userIndex)) {
    return sendHtml(
      ctx,
      200,
      signInPage(params, listedUsers(rt), `We couldn't find an account with '${login}'.`),
    );
  }
  if (!rt.store.users.record(userIndex).accountEnabled) {
    return page(400, 50057, 'The user account is disabled.');
  }
  const code = rt.authorizationCodes.issue({
    clientId: client.clientId,
    redirectUri,
    userIndex,
    scope: params.get('scope') ?? 'openid',
    nonce: params.get('nonce'),
    codeChallenge: challenge,
    issuedAtMs: now.getTime(),
  });
  respond(ctx, redirectUri, mode, {
    code,
    ...(state === null ? {} : { state }),
    session_state: rt.store.users.id(userIndex),
  });
}

/** A few enabled users for the page: the first ten active ones. */
function listedUsers(rt: EmulatorRuntime): { userPrincipalName: string; displayName: string }[] {
  const users: { userPrincipalName: string; displayName: string }[] = [];
  const table = rt.store.users;
  for (let i = 0; i < table.size && users.length < 10; i++) {
    if (!table.isActive(i)) continue;
    const user = table.record(i);
    if (user.accountEnabled)
      users.push({ userPrincipalName: user.userPrincipalName, displayName: user.displayName ?? '' });
  }
  return users;
}
