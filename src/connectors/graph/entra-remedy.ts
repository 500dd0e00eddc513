import { GraphError } from './graph-error.js';

/**
 * Entra's token endpoint errors an admin meets while connecting, and what to do about each.
 * The AADSTS code is read from MSAL's error message (`AADSTS7000215: Invalid client secret…`).
 */
const remedies: Record<string, { code: 'unauthorized' | 'not_found' | 'forbidden'; remedy: string }> = {
  AADSTS7000215: {
    code: 'unauthorized',
    remedy:
      "The client secret is wrong. In Entra → App registrations → your app → Certificates & secrets, copy the secret VALUE (not the Secret ID) of a current secret, or create a new one, then replace the connection's secret (portal: Replace the client secret; CLI: roster graph rotate).",
  },
  AADSTS7000222: {
    code: 'unauthorized',
    remedy:
      "The client secret has expired. Create a new secret under Certificates & secrets and replace the connection's secret with it, giving its expiry date so Roster warns you before the next one expires.",
  },
  AADSTS700016: {
    code: 'not_found',
    remedy:
      "No application with this client id exists in the tenant. Check the Application (client) ID on the app's Overview page, and that the app is registered in (or consented to by) this tenant.",
  },
  AADSTS90002: {
    code: 'not_found',
    remedy:
      "The tenant was not found. Check the Directory (tenant) ID on the app's Overview page, and that the connection's cloud (global, usgov, dod or china) matches the tenant.",
  },
  AADSTS900023: {
    code: 'not_found',
    remedy: "The tenant id is malformed. Use the Directory (tenant) ID GUID from the app's Overview page.",
  },
  AADSTS700027: {
    code: 'unauthorized',
    remedy:
      "The certificate was not accepted. Upload the certificate's public part under Certificates & secrets, and give Roster the PEM with the matching private key.",
  },
  AADSTS7000112: {
    code: 'forbidden',
    remedy:
      'The application is disabled in this tenant. Enable it under Enterprise applications → Properties.',
  },
  AADSTS65001: {
    code: 'forbidden',
    remedy:
      'Admin consent is missing. In Entra → App registrations → API permissions, click "Grant admin consent".',
  },
};

export const missingConsentRemedy =
  'Admin consent is missing for application permissions. In Entra → App registrations → your app → API permissions, add the Microsoft Graph APPLICATION permissions User.Read.All and Group.Read.All (or Directory.Read.All), then click "Grant admin consent for <tenant>".';

/** Translates an MSAL (or network) failure of the token request into a GraphError. */
export function tokenErrorToGraphError(error: unknown): GraphError {
  if (error instanceof GraphError) return error;
  const text = describe(error);
  const aadsts = /AADSTS(\d+)/.exec(text)?.[0];
  const known = aadsts === undefined ? undefined : remedies[aadsts];
  if (aadsts !== undefined && known !== undefined) {
    return new GraphError(known.code, `Entra refused the token request: ${firstLine(text)}`, {
      graphCode: aadsts,
      remedy: known.remedy,
      cause: error,
    });
  }
  const oauthCode = (error as { errorCode?: unknown } | null)?.errorCode;
  if (oauthCode === 'network_error') {
    // MSAL's own text repeats itself ("Network request failed: fetch failed Network request failed…").
    return new GraphError('upstream', 'The token request did not reach the login endpoint (network error)', {
      graphCode: 'network_error',
      remedy:
        'Check the login URL (or the cloud) and that Roster can reach it: DNS, proxy and firewall. Then test the connection again.',
      cause: error,
    });
  }
  return new GraphError('upstream', `The token request failed: ${firstLine(text)}`, {
    graphCode:
      aadsts ?? (typeof oauthCode === 'string' && oauthCode !== '' ? oauthCode : 'token_request_failed'),
    remedy:
      'Check that the login URL or cloud is right and reachable from Roster, and that the tenant id, client id and credential belong together.',
    cause: error,
  });
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const extra = (error as { errorMessage?: unknown }).errorMessage;
    return typeof extra === 'string' && extra !== '' && !error.message.includes(extra)
      ? `${error.message} ${extra}`
      : error.message;
  }
  return String(error);
}

function firstLine(text: string): string {
  // MSAL appends trace and correlation ids on further lines; the first says what went wrong.
  return (text.split(/\r?\n/)[0] ?? text).slice(0, 300);
}
