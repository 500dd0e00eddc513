import { invalidInput } from '../../errors.js';

/**
 * Microsoft's national clouds (Graph `concepts/deployments.md`): each pairs a login host with a
 * Graph host, and tokens do not cross clouds. `--login-url`/`--graph-url` override both, for
 * emulators and private endpoints.
 *
 * China's login host is `login.partner.microsoftonline.cn` (Entra's "National clouds" page), not
 * its alias `login.chinacloudapi.cn`: Entra's discovery document names the issuer on the partner
 * host whichever alias is asked, and OpenID Connect requires the issuer to equal the authority.
 * MSAL knows the partner host (its built-in metadata), so Graph tokens come from it too.
 */
export type GraphCloud = 'global' | 'usgov' | 'dod' | 'china';

export const graphClouds: Readonly<Record<GraphCloud, { loginUrl: string; graphUrl: string }>> = {
  global: { loginUrl: 'https://login.microsoftonline.com', graphUrl: 'https://graph.microsoft.com' },
  usgov: { loginUrl: 'https://login.microsoftonline.us', graphUrl: 'https://graph.microsoft.us' },
  dod: { loginUrl: 'https://login.microsoftonline.us', graphUrl: 'https://dod-graph.microsoft.us' },
  china: {
    loginUrl: 'https://login.partner.microsoftonline.cn',
    graphUrl: 'https://microsoftgraph.chinacloudapi.cn',
  },
};

/** Login hosts a cloud had before: settings that stored one meant "the cloud's host", not an override. */
const formerLoginUrls: Readonly<Partial<Record<GraphCloud, readonly string[]>>> = {
  china: ['https://login.chinacloudapi.cn'],
};

/** Whether `loginUrl` is the cloud's own login host (now or formerly), so no override at all. */
export function isCloudLoginUrl(cloud: GraphCloud, loginUrl: string): boolean {
  const url = loginUrl.replace(/\/+$/, '');
  return url === graphClouds[cloud].loginUrl || (formerLoginUrls[cloud]?.includes(url) ?? false);
}

export function parseCloud(raw: string | undefined): GraphCloud {
  const cloud = raw ?? 'global';
  if (!(cloud in graphClouds))
    throw invalidInput(`cloud must be one of ${Object.keys(graphClouds).join(', ')}`, 'cloud');
  return cloud as GraphCloud;
}

/**
 * An override must be https, except plain http on a loopback address (a local emulator): a
 * client secret never travels unencrypted across a network.
 */
export function parseHostOverride(raw: string, field: 'loginUrl' | 'graphUrl'): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalidInput(`${field} must be an absolute URL, got "${raw}"`, field);
  }
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw invalidInput(`${field} must use https (plain http only on 127.0.0.1 or localhost)`, field);
  }
  if (url.search !== '' || url.hash !== '')
    throw invalidInput(`${field} must not have a query or fragment`, field);
  return url.toString().replace(/\/+$/, '');
}

/** The hosts a connection talks to: the cloud's, each replaced by its override when given. */
export function resolveHosts(
  cloud: GraphCloud,
  overrides: { loginUrl?: string | undefined; graphUrl?: string | undefined },
): { loginUrl: string; graphUrl: string } {
  const hosts = graphClouds[cloud];
  return {
    loginUrl: overrides.loginUrl ? parseHostOverride(overrides.loginUrl, 'loginUrl') : hosts.loginUrl,
    graphUrl: overrides.graphUrl ? parseHostOverride(overrides.graphUrl, 'graphUrl') : hosts.graphUrl,
  };
}

/**
 * Refuses host overrides from anyone but the operator, unless the operator allows them
 * (`ROSTER_ALLOW_HOST_OVERRIDES=on`): Roster sends credentials to these hosts and reports what
 * they answer, which would let an organization admin reach services on the operator's network.
 */
export function assertMayOverrideHosts(
  allowed: { operator: boolean; allowHostOverrides: boolean },
  input: { loginUrl?: string | undefined; graphUrl?: string | undefined },
): void {
  if (allowed.operator || allowed.allowHostOverrides) return;
  for (const field of ['loginUrl', 'graphUrl'] as const) {
    if (input[field] === undefined || input[field] === '') continue;
    throw invalidInput(
      `${field}: only the operator of this Roster installation may set hosts other than Microsoft's ` +
        'clouds (choose a cloud instead; an operator can allow it with ROSTER_ALLOW_HOST_OVERRIDES=on)',
      field,
    );
  }
}
