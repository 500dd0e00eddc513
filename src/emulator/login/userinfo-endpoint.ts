/**
 * `GET|POST /oidc/userinfo` (OIDC Core §5.3), which Entra serves on the Graph host: the signed-in
 * user's claims for a delegated access token. `sub` is the same pairwise value as in the ID token
 * the app received, so OIDC clients can check it (§5.3.2).
 */
import { decodeJwt } from 'jose';
import { header, sendJson, type RequestContext } from '../http-io.js';
import type { EmulatorRuntime } from '../runtime.js';
import { graphErrors } from '../graph/graph-error.js';
import { pairwiseSubject } from './access-token.js';

export async function userinfoEndpoint(ctx: RequestContext, rt: EmulatorRuntime): Promise<void> {
  const token = /^Bearer\s+(\S+)$/i.exec((header(ctx.req, 'authorization') ?? '').trim())?.[1];
  if (token === undefined) throw graphErrors.invalidToken('Access token is empty.');
  try {
    await rt.signingKey.verify(token, rt.now());
  } catch {
    throw graphErrors.invalidToken('Access token validation failure.');
  }
  const claims = decodeJwt(token);
  const index =
    typeof claims.oid === 'string' && claims.idtyp === 'user' ? rt.store.users.indexOf(claims.oid) : -1;
  if (index < 0 || !rt.store.users.isActive(index)) {
    throw graphErrors.invalidToken('The access token does not identify a signed-in user.');
  }
  const user = rt.store.users.record(index);
  const clientId = typeof claims.appid === 'string' ? claims.appid : '';
  const body: Record<string, unknown> = {
    sub: pairwiseSubject(user.id, clientId, rt.tenantId),
    name: user.displayName,
    family_name: user.surname,
    given_name: user.givenName,
  };
  if (user.mail !== null) body.email = user.mail;
  sendJson(ctx, 200, body);
}
