/**
 * Certificate credentials: `client_assertion` is a JWT the app signs with its certificate's key
 * (RFC 7523; Entra "Microsoft identity platform application authentication certificate
 * credentials"). Entra's rules, checked here in order:
 * - the header names the certificate by `x5t` (base64url SHA-1 thumbprint, RS256) or `x5t#S256`
 *   (SHA-256 thumbprint, PS256) and that certificate is registered on the app (AADSTS700027);
 * - the signature verifies with the certificate's public key (AADSTS700027), and the
 *   certificate is within its validity period (AADSTS700027, "key used is expired");
 * - `exp`/`nbf` hold now, give or take five minutes of clock skew (AADSTS700024);
 * - `iss` and `sub` are the client id (AADSTS700021);
 * - `aud` is the tenant's token endpoint (AADSTS50027). Any host is accepted, because the
 *   emulator stands in for login.microsoftonline.com and MSAL sends whichever endpoint it used.
 */
import { decodeProtectedHeader, errors, jwtVerify } from 'jose';
import type { RegisteredClient } from '../options.js';
import { aadsts, type AadstsError } from './aadsts-error.js';

export const jwtBearerAssertionType = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

function audienceMatches(aud: unknown, tenantSegments: readonly string[]): boolean {
  const values = Array.isArray(aud) ? aud : [aud];
  return values.some((value) => {
    if (typeof value !== 'string') return false;
    let path: string;
    try {
      path = new URL(value).pathname.toLowerCase().replace(/\/+$/, '');
    } catch {
      return false;
    }
    return tenantSegments.some(
      (t) => path === `/${t}/oauth2/v2.0/token` || path === `/${t}/oauth2/token` || path === `/${t}/v2.0`,
    );
  });
}

export async function verifyClientAssertion(
  assertion: string,
  client: RegisteredClient,
  tenantSegments: readonly string[],
  now: Date,
): Promise<AadstsError | null> {
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(assertion);
  } catch {
    return aadsts.invalidJwt('The client assertion is not a well-formed JWT.');
  }
  const x5t = typeof header.x5t === 'string' ? header.x5t : null;
  const x5tS256 = typeof header['x5t#S256'] === 'string' ? header['x5t#S256'] : null;
  const certificate = client.certificate;
  const matches =
    certificate !== null &&
    ((x5t !== null && x5t === client.x5t) || (x5tS256 !== null && x5tS256 === client.x5tS256));
  if (!matches || certificate === null) {
    return aadsts.assertionSignature(
      `The key was not found., Thumbprint of key used by client: '${x5t ?? x5tS256 ?? ''}'`,
    );
  }
  if (now < new Date(certificate.validFrom) || now > new Date(certificate.validTo)) {
    return aadsts.assertionSignature(
      `The key used is expired., Thumbprint of key used by client: '${x5t ?? x5tS256 ?? ''}', Found key 'Start=${certificate.validFrom}, End=${certificate.validTo}'`,
    );
  }
  try {
    const { payload } = await jwtVerify(assertion, certificate.publicKey, {
      algorithms: ['RS256', 'PS256'],
      currentDate: now,
      // Entra tolerates five minutes of clock skew; MSAL rounds `nbf` to the nearest second.
      clockTolerance: 300,
    });
    if (payload.iss !== client.clientId || payload.sub !== client.clientId)
      return aadsts.assertionClientMismatch();
    if (!audienceMatches(payload.aud, tenantSegments)) return aadsts.invalidJwt('AUD claim is not valid.');
    return null;
  } catch (error) {
    if (error instanceof errors.JWTExpired) return aadsts.assertionTimeRange();
    if (error instanceof errors.JWTClaimValidationFailed) {
      return error.claim === 'nbf' ? aadsts.assertionTimeRange() : aadsts.invalidJwt(error.message);
    }
    if (error instanceof errors.JWSSignatureVerificationFailed || error instanceof errors.JOSEAlgNotAllowed) {
      return aadsts.assertionSignature('The signature is invalid.');
    }
    return aadsts.invalidJwt('The client assertion could not be validated.');
  }
}
