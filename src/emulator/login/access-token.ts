/**
 * Tokens the emulator issues, with the claims Entra puts in them.
 *
 * - App-only access tokens for Graph (client credentials) are v1.0 tokens: `iss`
 *   `https://sts.windows.net/<tid>/`, `aud` the Graph resource, `appid`, `appidacr` ("1" secret,
 *   "2" certificate), `idtyp: "app"`, `oid`/`sub` the service principal, `roles` the consented
 *   application permissions (absent when none are consented), `tid`, `ver: "1.0"`.
 * - Delegated access tokens (authorization code) carry `scp` instead of `roles`.
 * - ID tokens are v2.0: `iss` `<loginUrl>/<tid>/v2.0`, `aud` the client id, pairwise `sub`, `oid`,
 *   `tid`, `preferred_username`, `email`, `name`, `nonce`, `ver: "2.0"`, `roles` when assigned.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { JWTPayload } from 'jose';
import type { UserRecord } from '../directory-types.js';
import type { RegisteredClient } from '../options.js';
import type { EmulatorRuntime } from '../runtime.js';

/** Graph's well-known application id: a resource name Entra accepts as an audience. */
export const graphAppId = '00000003-0000-0000-c000-000000000000';

export type ClientAuthMethod = 'secret' | 'certificate' | 'none';

const seconds = (date: Date): number => Math.floor(date.getTime() / 1000);
const uti = (): string => randomBytes(16).toString('base64url');

/** `sub` is pairwise: the same user has a different `sub` in every application. */
export function pairwiseSubject(oid: string, clientId: string, tenantId: string): string {
  return createHash('sha256').update(`${tenantId}:${clientId}:${oid}`).digest('base64url').slice(0, 43);
}

export async function issueAppAccessToken(
  rt: EmulatorRuntime,
  client: RegisteredClient,
  audience: string,
  method: ClientAuthMethod,
): Promise<string> {
  const iat = seconds(rt.now());
  const claims: JWTPayload = {
    aud: audience,
    iss: rt.stsIssuer,
    iat,
    nbf: iat,
    exp: iat + rt.accessTokenLifetimeSeconds,
    app_displayname: client.displayName,
    appid: client.clientId,
    appidacr: method === 'certificate' ? '2' : '1',
    idp: rt.stsIssuer,
    idtyp: 'app',
    oid: client.servicePrincipalId,
    sub: client.servicePrincipalId,
    tid: rt.tenantId,
    uti: uti(),
    ver: '1.0',
  };
  if (client.roles.length > 0) claims.roles = [...client.roles];
  return rt.signingKey.sign(claims);
}

export interface UserTokens {
  accessToken: string;
  idToken: string;
}

export async function issueUserTokens(
  rt: EmulatorRuntime,
  client: RegisteredClient,
  userIndex: number,
  scope: string,
  nonce: string | null,
  method: ClientAuthMethod,
): Promise<UserTokens> {
  const user: UserRecord = rt.store.users.record(userIndex);
  const iat = seconds(rt.now());
  const exp = iat + rt.accessTokenLifetimeSeconds;
  const role = rt.store.appRoleOf(userIndex);
  const accessToken = await rt.signingKey.sign({
    aud: graphAppId,
    iss: rt.stsIssuer,
    iat,
    nbf: iat,
    exp,
    acr: '1',
    amr: ['pwd'],
    app_displayname: client.displayName,
    appid: client.clientId,
    appidacr: method === 'certificate' ? '2' : method === 'secret' ? '1' : '0',
    family_name: user.surname ?? undefined,
    given_name: user.givenName ?? undefined,
    idtyp: 'user',
    name: user.displayName ?? undefined,
    oid: user.id,
    scp: scope,
    sub: pairwiseSubject(user.id, graphAppId, rt.tenantId),
    tid: rt.tenantId,
    unique_name: user.userPrincipalName,
    upn: user.userPrincipalName,
    uti: uti(),
    ver: '1.0',
  });
  const idClaims: JWTPayload = {
    aud: client.clientId,
    iss: rt.issuerV2,
    iat,
    nbf: iat,
    exp,
    name: user.displayName ?? undefined,
    oid: user.id,
    preferred_username: user.userPrincipalName,
    sub: pairwiseSubject(user.id, client.clientId, rt.tenantId),
    tid: rt.tenantId,
    uti: uti(),
    ver: '2.0',
  };
  // `email` is optional in Entra ID tokens: present when the user has a mail address.
  if (user.mail !== null) idClaims.email = user.mail;
  if (nonce !== null) idClaims.nonce = nonce;
  if (role !== null) idClaims.roles = [role];
  return { accessToken, idToken: await rt.signingKey.sign(idClaims) };
}
