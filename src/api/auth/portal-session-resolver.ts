import type { FastifyRequest } from 'fastify';
import type { Runtime } from '../../runtime.js';
import { resolvePortalPrincipal } from '../../sso/portal-principal.js';
import { canChange } from '../../sso/portal-role.js';
import type { Principal, PrincipalResolver } from './principal.js';

/**
 * The portal's session cookie (its CSRF check included) as an API principal. A portal session is
 * always scoped to one organization, the operator's too, so it never gets operator-wide rights;
 * Admin and EnterpriseAdmin may change things, ReadOnly and User may read.
 */
export function portalSessionResolver(runtime: Runtime): PrincipalResolver {
  return async (request: FastifyRequest): Promise<Principal | undefined> => {
    const portal = await resolvePortalPrincipal(runtime, request);
    if (!portal) return undefined;
    return {
      kind: 'portal_user',
      organizationId: portal.organizationId,
      role: canChange(portal.role) ? 'admin' : 'read_only',
      actor: { type: 'admin', id: portal.userId ?? `operator:${portal.displayName}` },
    };
  };
}
