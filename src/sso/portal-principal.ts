import { timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { RosterError } from '../errors.js';
import type { Runtime } from '../runtime.js';
import { cookieNames, csrfHeader, isSecure, readCookies } from './session-cookies.js';
import { portalRoleOf, rolesFromColumn } from './portal-role.js';
import { deleteSession, findSession, type PortalSession } from './sessions.js';

/**
 * Turns the portal's session cookie into the principal the REST API authorizes with. Requests
 * that change something (any method but GET, HEAD, OPTIONS) must also carry the CSRF token in
 * a header, equal to both the csrf cookie and the session's own token: a cross-site page can make
 * the browser send cookies, never read them or set headers.
 */
export interface PortalPrincipal {
  kind: 'portal_user';
  organizationId: string;
  role: string;
  userId: string | null;
  displayName: string;
  operator: boolean;
}

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

export async function findRequestSession(
  runtime: Runtime,
  request: FastifyRequest,
): Promise<{ sessionId: string; session: PortalSession } | undefined> {
  const names = cookieNames(isSecure(runtime.config.publicUrl));
  const sessionId = readCookies(request)[names.session];
  if (!sessionId) return undefined;
  const session = await findSession(runtime.store.db, sessionId, runtime.clock.now());
  if (!session) return undefined;
  if (session.kind === 'operator') return { sessionId, session };
  const role = await currentPortalRole(runtime, session);
  if (role === undefined) {
    await deleteSession(runtime.store.db, sessionId);
    return undefined;
  }
  return { sessionId, session: { ...session, role } };
}

/**
 * A user's session carries what was true at sign-in; the portal must not outlive it. Each request
 * asks again whether the user is active, which portal role they hold now, and whether the
 * organization still signs in with Entra: an offboarded admin is out at their next click, not
 * when the session would have expired (and could not mint an API key meanwhile).
 */
async function currentPortalRole(runtime: Runtime, session: PortalSession): Promise<string | undefined> {
  if (session.organizationId === null || session.userId === null) return undefined;
  const db = runtime.store.db;
  const sso = await db
    .selectFrom('sso_settings')
    .select('enabled')
    .where('organization_id', '=', session.organizationId)
    .executeTakeFirst();
  if (sso?.enabled !== 1) return undefined;
  const user = await db
    .selectFrom('users')
    .select(['status', 'roles'])
    .where('organization_id', '=', session.organizationId)
    .where('id', '=', session.userId)
    .executeTakeFirst();
  if (user?.status !== 'active') return undefined;
  return portalRoleOf(rolesFromColumn(user.roles));
}

export function checkCsrf(runtime: Runtime, request: FastifyRequest, session: PortalSession): void {
  if (safeMethods.has(request.method)) return;
  const names = cookieNames(isSecure(runtime.config.publicUrl));
  const header = request.headers[csrfHeader];
  const cookie = readCookies(request)[names.csrf];
  if (
    typeof header !== 'string' ||
    !sameSecret(header, session.csrfToken) ||
    cookie === undefined ||
    !sameSecret(cookie, header)
  ) {
    throw new RosterError(
      'forbidden',
      `A change from the portal needs the ${csrfHeader} header (CSRF protection)`,
    );
  }
}

/** The seam the REST API calls: undefined when the request has no portal session. */
export async function resolvePortalPrincipal(
  runtime: Runtime,
  request: FastifyRequest,
): Promise<PortalPrincipal | undefined> {
  const found = await findRequestSession(runtime, request);
  if (!found) return undefined;
  const { session } = found;
  checkCsrf(runtime, request, session);
  // An operator who has not chosen an organization yet holds a session without a scope; the API
  // has nothing it may show them, so they are treated as signed in to nothing.
  if (session.organizationId === null) return undefined;
  return {
    kind: 'portal_user',
    organizationId: session.organizationId,
    role: session.role,
    userId: session.userId,
    displayName: session.displayName,
    operator: session.kind === 'operator',
  };
}

function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
