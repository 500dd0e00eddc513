import type { FastifyRequest } from 'fastify';
import { RosterError, notFound } from '../errors.js';
import type { Runtime } from '../runtime.js';
import { findOrganization, type Organization } from '../store/organizations.js';
import { assertMayChange, assertOperator, resolvePrincipal, type Principal } from './auth/principal.js';

/**
 * Each request's caller and, on `/organizations/{org}/…` routes, its organization. They are worked
 * out once per request in the `onRequest` hook (before any input is parsed, so an unauthenticated
 * caller learns nothing about the input) and kept beside the request, never on a shared object.
 */
export type Access = 'public' | 'read' | 'change' | 'operator';

interface RequestContext {
  principal: Principal;
  organization: Organization | undefined;
}

const contexts = new WeakMap<FastifyRequest, RequestContext>();

export async function authorizeRequest(
  runtime: Runtime,
  request: FastifyRequest,
  access: Access,
): Promise<void> {
  if (access === 'public') return;
  const principal = await resolvePrincipal(request, runtime);
  if (access === 'operator') assertOperator(principal);
  if (access === 'change' || access === 'operator') assertMayChange(principal);
  const orgRef = (request.params as { org?: unknown } | undefined)?.org;
  let organization: Organization | undefined;
  if (typeof orgRef === 'string') {
    organization = await findOrganization(runtime.store.db, orgRef);
    // Another organization's data is answered as absent: a key never learns what else exists.
    if (
      !organization ||
      (principal.organizationId !== null && principal.organizationId !== organization.id)
    ) {
      throw notFound(`Organization "${orgRef}"`);
    }
  }
  contexts.set(request, { principal, organization });
}

export function principalOf(request: FastifyRequest): Principal {
  const context = contexts.get(request);
  if (!context) throw new RosterError('internal', 'The request was not authorized before its handler ran');
  return context.principal;
}

export function organizationOf(request: FastifyRequest): Organization {
  const organization = contexts.get(request)?.organization;
  if (!organization) throw new RosterError('internal', 'The route has no organization in its path');
  return organization;
}

/** The operator of the installation: an operator API key, or an operator's portal session. */
export function isOperator(request: FastifyRequest): boolean {
  const principal: Principal & { operator?: unknown } = principalOf(request);
  return principal.kind === 'operator' || principal.operator === true;
}
