/**
 * `GET|POST /{tenant}/oauth2/v2.0/logout` (OIDC RP-initiated logout). The emulator keeps no
 * sign-in session, so logout only redirects: to `post_logout_redirect_uri` (with `state`) when it
 * is one of the app's registered redirect URIs, otherwise to a "signed out" page.
 */
import { decodeJwt } from 'jose';
import { readBody, redirect, sendHtml, type RequestContext } from '../http-io.js';
import type { EmulatorRuntime } from '../runtime.js';
import { isRegisteredRedirectUri } from './authorize-endpoint.js';
import { errorPage } from './sign-in-page.js';

export async function logoutEndpoint(ctx: RequestContext, rt: EmulatorRuntime): Promise<void> {
  const params =
    ctx.method === 'POST'
      ? new URLSearchParams(await readBody(ctx.req))
      : new URLSearchParams(ctx.url.search);
  const target = params.get('post_logout_redirect_uri');
  const clientId = params.get('client_id') ?? audienceOf(params.get('id_token_hint'));
  const clients =
    clientId === null ? rt.options.clients : rt.options.clients.filter((c) => c.clientId === clientId);
  if (target !== null && clients.some((c) => isRegisteredRedirectUri(c, target))) {
    const url = new URL(target);
    const state = params.get('state');
    if (state !== null) url.searchParams.set('state', state);
    return redirect(ctx, url.toString());
  }
  sendHtml(ctx, 200, errorPage('Signed out', 'You signed out of your account. Close this window.'));
}

function audienceOf(idToken: string | null): string | null {
  if (idToken === null) return null;
  try {
    const aud = decodeJwt(idToken).aud;
    return typeof aud === 'string' ? aud : null;
  } catch {
    return null;
  }
}
