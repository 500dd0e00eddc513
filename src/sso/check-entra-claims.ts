import type { IDToken } from 'openid-client';
import { SsoError } from './sso-error.js';
import type { SsoSettingsView } from './sso-settings.js';

/**
 * Rules an Entra id token must meet beyond what openid-client checks (signature, aud, exp, nonce):
 * - `iss` is exactly this organization's authority, `<login host>/<tenant id>/v2.0`: a token from
 *   another tenant or another cloud is refused even if the key set happens to verify it.
 * - `tid` is this organization's tenant id: Entra's common endpoints issue tokens for any tenant,
 *   and an app registered as multi-tenant would otherwise let any Microsoft account in.
 * - `oid` is present: it is the stable key of the person (names and emails change).
 */
export interface EntraIdentity {
  objectId: string;
  tenantId: string;
  email: string | undefined;
  name: string | undefined;
}

export function checkEntraClaims(claims: IDToken, settings: SsoSettingsView): EntraIdentity {
  if (claims.iss !== settings.authority) {
    throw new SsoError(
      'issuer_mismatch',
      `The token was issued by ${claims.iss}, not by ${settings.authority}`,
    );
  }
  const tid = typeof claims.tid === 'string' ? claims.tid.toLowerCase() : undefined;
  if (tid !== settings.tenantId) {
    throw new SsoError('tenant_mismatch', 'This Microsoft account belongs to another directory (tenant)');
  }
  if (typeof claims.oid !== 'string' || claims.oid === '') {
    throw new SsoError('provider_error', 'The id token has no object id (oid)');
  }
  return { objectId: claims.oid, tenantId: tid, email: emailOf(claims), name: stringClaim(claims.name) };
}

/**
 * Entra puts the address in `email` only when the optional claim is configured; otherwise the
 * sign-in name (`preferred_username`, usually the UPN) is the best we have for the email match.
 */
function emailOf(claims: IDToken): string | undefined {
  const email = stringClaim(claims.email) ?? stringClaim(claims.preferred_username);
  return email?.includes('@') ? email.toLowerCase() : undefined;
}

function stringClaim(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
