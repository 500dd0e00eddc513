/**
 * The login host, tenant-scoped like login.microsoftonline.com/{tenant}/…:
 *
 *   POST     /{tenant}/oauth2/v2.0/token                    token endpoint
 *   GET|POST /{tenant}/oauth2/v2.0/authorize                 sign-in (authorization code + PKCE)
 *   GET|POST /{tenant}/oauth2/v2.0/logout                    end session
 *   GET      /{tenant}/v2.0/.well-known/openid-configuration discovery
 *   GET      /{tenant}/discovery/v2.0/keys                   JWKS
 *
 * `{tenant}` is the tenant id or its default domain; anything else is AADSTS90002.
 */
import { sendJson, type RequestContext } from '../http-io.js';
import type { EmulatorRuntime } from '../runtime.js';
import { AadstsError, aadsts } from './aadsts-error.js';
import { authorizeEndpoint } from './authorize-endpoint.js';
import { sendJwks, sendOpenidConfiguration } from './discovery.js';
import { logoutEndpoint } from './logout-endpoint.js';
import { tokenEndpoint } from './token-endpoint.js';
import { errorPage } from './sign-in-page.js';
import { sendHtml } from '../http-io.js';

const onlyPost = (): AadstsError =>
  new AadstsError(
    405,
    'invalid_request',
    900561,
    'The endpoint only accepts POST requests. Received a GET request.',
  );

export async function handleLoginRequest(ctx: RequestContext, rt: EmulatorRuntime): Promise<void> {
  const [tenant = '', ...rest] = ctx.url.pathname.split('/').slice(1);
  const route = rest.join('/').toLowerCase().replace(/\/+$/, '');
  const known = [
    'oauth2/v2.0/token',
    'oauth2/v2.0/authorize',
    'oauth2/v2.0/logout',
    'v2.0/.well-known/openid-configuration',
    'discovery/v2.0/keys',
    'discovery/keys',
  ];
  if (!known.includes(route)) {
    sendJson(ctx, 404, {
      error: 'not_found',
      error_description: `No emulated endpoint at ${ctx.url.pathname}`,
    });
    return;
  }
  if (!rt.isTenant(tenant)) {
    if (route === 'oauth2/v2.0/authorize') {
      sendHtml(ctx, 400, errorPage('Sign in', aadsts.tenantNotFound(tenant).message));
      return;
    }
    throw aadsts.tenantNotFound(tenant);
  }
  switch (route) {
    case 'oauth2/v2.0/token':
      if (ctx.method !== 'POST') throw onlyPost();
      return tokenEndpoint(ctx, rt, tenant);
    case 'oauth2/v2.0/authorize':
      return authorizeEndpoint(ctx, rt);
    case 'oauth2/v2.0/logout':
      return logoutEndpoint(ctx, rt);
    case 'v2.0/.well-known/openid-configuration':
      return sendOpenidConfiguration(ctx, rt);
    default:
      return sendJwks(ctx, rt);
  }
}
