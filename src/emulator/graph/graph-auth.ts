/**
 * Bearer-token checks for Graph. A request must carry an access token this emulator signed, for
 * this tenant, with a Graph audience, still within its lifetime (401 InvalidAuthenticationToken
 * otherwise). Permissions then follow Graph's per-API tables: an app-only token needs one of the
 * listed application permissions in `roles`, a delegated token one of the scopes in `scp`
 * (403 Authorization_RequestDenied otherwise).
 */
import { errors } from 'jose';
import { header, type RequestContext } from '../http-io.js';
import type { EmulatorRuntime } from '../runtime.js';
import { isGraphAudience } from '../login/scope.js';
import { graphErrors } from './graph-error.js';

export interface GraphCaller {
  appId: string;
  kind: 'app' | 'user';
  /** Application permissions (app-only) or delegated scopes. */
  permissions: readonly string[];
  /** The signed-in user's object id (delegated tokens). */
  oid: string | null;
}

export async function authenticateGraphCaller(
  ctx: RequestContext,
  rt: EmulatorRuntime,
): Promise<GraphCaller> {
  const authorization = header(ctx.req, 'authorization') ?? '';
  const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
  if (!match?.[1]) throw graphErrors.invalidToken('Access token is empty.');
  let claims: Awaited<ReturnType<typeof rt.signingKey.verify>>;
  try {
    claims = await rt.signingKey.verify(match[1], rt.now());
  } catch (error) {
    if (error instanceof errors.JWTExpired)
      throw graphErrors.invalidToken('Lifetime validation failed, the token is expired.');
    if (error instanceof errors.JWSSignatureVerificationFailed) {
      throw graphErrors.invalidToken('Access token validation failure. Invalid signature.');
    }
    throw graphErrors.invalidToken('IDX14100: JWT is not well formed.');
  }
  if (!isGraphAudience(claims.aud, rt.ownOrigins))
    throw graphErrors.invalidToken('Access token validation failure. Invalid audience.');
  if (claims.tid !== rt.tenantId)
    throw graphErrors.invalidToken('Access token validation failure. Invalid issuer.');
  const appId = typeof claims.appid === 'string' ? claims.appid : '';
  if (claims.idtyp === 'user') {
    const scopes = typeof claims.scp === 'string' ? claims.scp.split(' ') : [];
    return {
      appId,
      kind: 'user',
      permissions: scopes,
      oid: typeof claims.oid === 'string' ? claims.oid : null,
    };
  }
  const roles = Array.isArray(claims.roles)
    ? claims.roles.filter((r): r is string => typeof r === 'string')
    : [];
  return { appId, kind: 'app', permissions: roles, oid: null };
}

/** Least to most privileged, per Graph's permission tables for the read APIs served here. */
export const permissionsFor = {
  users: [
    'User.Read.All',
    'User.ReadWrite.All',
    'User.ReadBasic.All',
    'Directory.Read.All',
    'Directory.ReadWrite.All',
  ],
  groups: [
    'GroupMember.Read.All',
    'Group.Read.All',
    'Group.ReadWrite.All',
    'Directory.Read.All',
    'Directory.ReadWrite.All',
  ],
  // serviceprincipal-list-approleassignedto, serviceprincipal-get: application permissions.
  applications: [
    'Application.Read.All',
    'Application.ReadWrite.All',
    'Application.ReadWrite.OwnedBy',
    'Directory.Read.All',
    'Directory.ReadWrite.All',
  ],
  organization: [
    'Organization.Read.All',
    'Organization.ReadWrite.All',
    'Directory.Read.All',
    'Directory.ReadWrite.All',
  ],
  me: ['User.Read', 'User.ReadWrite', 'User.Read.All', 'Directory.Read.All'],
} as const;

export function requirePermission(caller: GraphCaller, anyOf: readonly string[]): void {
  const held = new Set(caller.permissions.map((p) => p.toLowerCase()));
  // User.ReadBasic.All is delegated-only; Graph has no such application permission.
  const allowed = caller.kind === 'app' ? anyOf.filter((p) => p !== 'User.ReadBasic.All') : anyOf;
  if (!allowed.some((p) => held.has(p.toLowerCase()))) throw graphErrors.accessDenied();
}
