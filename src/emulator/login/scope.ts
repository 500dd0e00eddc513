/**
 * The `scope` of a client-credentials request. Application permissions are static, so Entra
 * accepts only `<resource>/.default` here (AADSTS1002012 otherwise); `<resource>` must be a
 * resource the tenant knows (AADSTS500011). Graph is known under each national cloud's host
 * ("National cloud deployments": graph.microsoft.com, graph.microsoft.us, dod-graph.microsoft.us,
 * microsoftgraph.chinacloudapi.cn), under its application id, and under the emulator's own origins.
 */
import { aadsts, type AadstsError } from './aadsts-error.js';
import { graphAppId } from './access-token.js';

const graphHosts = new Set([
  'graph.microsoft.com',
  'graph.microsoft.us',
  'dod-graph.microsoft.us',
  'microsoftgraph.chinacloudapi.cn',
]);

/** OpenID scopes MSAL may add to any request; they do not name a resource. */
const oidcScopes = new Set(['openid', 'profile', 'offline_access', 'email']);

/**
 * The audience for a token: the resource as requested (origin form, no trailing slash), when it
 * names Graph — a national cloud host, Graph's app id, or one of the emulator's own origins
 * (`http://127.0.0.1:PORT`, `http://localhost:PORT`, the configured graphUrl).
 */
export function graphAudienceForResource(resource: string, ownOrigins: readonly string[]): string | null {
  if (resource.toLowerCase() === graphAppId) return graphAppId;
  let url: URL;
  try {
    url = new URL(resource);
  } catch {
    return null;
  }
  if (url.pathname !== '/' && url.pathname !== '') return null;
  if (url.protocol === 'https:' && graphHosts.has(url.hostname)) return url.origin;
  return ownOrigins.includes(url.origin) ? url.origin : null;
}

/** Audiences Graph accepts in a bearer token. */
export function isGraphAudience(aud: unknown, ownOrigins: readonly string[]): boolean {
  return typeof aud === 'string' && graphAudienceForResource(aud, ownOrigins) !== null;
}

export function clientCredentialsAudience(
  scope: string | null,
  tenant: string,
  ownOrigins: readonly string[],
): string | AadstsError {
  if (scope === null || scope.trim() === '') return aadsts.missingParameter('scope');
  const scopes = scope.split(/\s+/).filter((s) => s !== '' && !oidcScopes.has(s.toLowerCase()));
  if (scopes.length !== 1) return aadsts.invalidScope(scope);
  const only = scopes[0]!;
  if (!only.endsWith('/.default')) return aadsts.nonDefaultScope(scope);
  // `https://graph.microsoft.com//.default` is common and accepted: trim every trailing slash.
  const resource = only.slice(0, -'/.default'.length).replace(/\/+$/, '');
  return graphAudienceForResource(resource, ownOrigins) ?? aadsts.resourceNotFound(resource, tenant);
}
