import type { FastifyRequest } from 'fastify';
import { isoNow } from '../../clock.js';
import { RosterError } from '../../errors.js';
import type { Runtime } from '../../runtime.js';
import { markApiKeyUsed, verifyApiKey } from '../../store/api-keys.js';
import type { Principal, PrincipalResolver } from './principal.js';

/**
 * `Authorization: Bearer rk_…`: an organization's key or an operator key (no organization). A
 * request without a bearer header is left to other resolvers; a wrong or revoked key is refused.
 */
export function apiKeyResolver(runtime: Runtime): PrincipalResolver {
  return async (request: FastifyRequest): Promise<Principal | undefined> => {
    const header = request.headers.authorization;
    if (header === undefined || header === '') return undefined;
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match?.[1]) {
      throw new RosterError('unauthorized', 'The Authorization header must be "Bearer <API key>"');
    }
    const key = await verifyApiKey(runtime.store.db, match[1]);
    if (!key) throw new RosterError('unauthorized', 'The API key is not valid or has been revoked');
    await markApiKeyUsed(runtime.store.db, key, isoNow(runtime.clock));
    return {
      kind: key.organizationId === null ? 'operator' : 'api_key',
      organizationId: key.organizationId,
      role: key.role,
      actor: { type: 'api_key', id: key.id },
    };
  };
}
