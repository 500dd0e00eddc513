/**
 * Who is calling the token endpoint. Entra accepts, for a confidential client, exactly one of:
 * `client_secret` in the form body, HTTP Basic credentials (RFC 6749 §2.3.1: form-urlencoded
 * id and secret), or a certificate-signed `client_assertion`. A client registered with neither
 * secret nor certificate is public and may redeem authorization codes without credentials.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { header } from '../http-io.js';
import type { RegisteredClient } from '../options.js';
import type { EmulatorRuntime } from '../runtime.js';
import type { ClientAuthMethod } from './access-token.js';
import { AadstsError, aadsts } from './aadsts-error.js';
import { jwtBearerAssertionType, verifyClientAssertion } from './client-assertion.js';

export interface AuthenticatedClient {
  client: RegisteredClient;
  method: ClientAuthMethod;
}

function basicCredentials(req: IncomingMessage): { id: string; secret: string } | null {
  const value = header(req, 'authorization');
  if (!value?.toLowerCase().startsWith('basic ')) return null;
  const decoded = Buffer.from(value.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  const decode = (s: string): string => decodeURIComponent(s.replace(/\+/g, ' '));
  return { id: decode(decoded.slice(0, colon)), secret: decode(decoded.slice(colon + 1)) };
}

const sameSecret = (a: string, b: string): boolean => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

export async function authenticateClient(
  rt: EmulatorRuntime,
  req: IncomingMessage,
  form: URLSearchParams,
  tenantSegment: string,
): Promise<AuthenticatedClient> {
  const basic = basicCredentials(req);
  const clientId = basic?.id ?? form.get('client_id');
  if (clientId === null || clientId === '') throw aadsts.missingParameter('client_id');
  const client = rt.client(clientId);
  if (!client) throw aadsts.applicationNotFound(clientId, tenantSegment);

  const assertion = form.get('client_assertion');
  if (assertion !== null) {
    if (form.get('client_assertion_type') !== jwtBearerAssertionType) {
      throw new AadstsError(
        400,
        'invalid_request',
        50027,
        `Invalid client_assertion_type; expected '${jwtBearerAssertionType}'.`,
      );
    }
    const segments = [rt.tenantId, rt.store.generated.domain];
    const failure = await verifyClientAssertion(assertion, client, segments, rt.now());
    if (failure) throw failure;
    return { client, method: 'certificate' };
  }

  const secret = basic?.secret ?? form.get('client_secret');
  if (secret !== null) {
    if (client.clientSecret === null || !sameSecret(secret, client.clientSecret)) {
      throw aadsts.invalidClientSecret(client.clientId);
    }
    if (client.secretExpiresAtMs !== null && rt.now().getTime() >= client.secretExpiresAtMs) {
      throw aadsts.expiredClientSecret(client.clientId);
    }
    return { client, method: 'secret' };
  }
  if (client.clientSecret === null && client.certificate === null) return { client, method: 'none' };
  throw aadsts.missingCredential();
}
