import type { FastifyRequest } from 'fastify';
import { RosterError } from '../../errors.js';
import type { Runtime } from '../../runtime.js';
import type { Actor } from '../../store/audit.js';

/**
 * Who is calling the REST API. Resolvers turn a request into a principal: the API key resolver
 * (`Authorization: Bearer rk_…`) is built in; the portal registers one for its session cookie.
 * The first resolver that recognises the request decides; a resolver that recognises credentials
 * it finds invalid throws `unauthorized` (or `forbidden`) rather than letting the next one guess.
 */
export interface Principal {
  kind: 'api_key' | 'operator' | 'portal_user';
  /** The one organization the principal may act on; null for the operator, who may act on all. */
  organizationId: string | null;
  /** `admin` may change things; `read_only` may only read. */
  role: PrincipalRole;
  /** Who the audit log names for the principal's changes. */
  actor: Actor;
}

export type PrincipalRole = 'admin' | 'read_only';

export type PrincipalResolver = (request: FastifyRequest) => Promise<Principal | undefined>;

const resolversByRuntime = new WeakMap<Runtime, PrincipalResolver[]>();

/**
 * Adds a resolver for one server's runtime. Resolvers are configuration, set once at start-up;
 * nothing per request is kept here.
 */
export function registerPrincipalResolver(runtime: Runtime, resolver: PrincipalResolver): void {
  const list = resolversByRuntime.get(runtime) ?? [];
  if (!list.includes(resolver)) list.push(resolver);
  resolversByRuntime.set(runtime, list);
}

/** The caller of a request, or an `unauthorized` error when no resolver recognises it. */
export async function resolvePrincipal(request: FastifyRequest, runtime: Runtime): Promise<Principal> {
  for (const resolver of resolversByRuntime.get(runtime) ?? []) {
    const principal = await resolver(request);
    if (principal !== undefined) return principal;
  }
  throw new RosterError(
    'unauthorized',
    'Authentication is required: send "Authorization: Bearer rk_…" with an API key',
  );
}

/** Refuses a change by a read-only principal. */
export function assertMayChange(principal: Principal): void {
  if (principal.role === 'admin') return;
  throw new RosterError(
    'forbidden',
    principal.kind === 'portal_user'
      ? 'Your role lets you see this organization, not change it; ask an admin'
      : 'This API key is read-only',
  );
}

/** Refuses anyone but the operator (creating organizations, operator keys). */
export function assertOperator(principal: Principal): void {
  if (principal.organizationId !== null) {
    throw new RosterError('forbidden', 'Only an operator key may do this');
  }
}
