import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { RosterError } from '../errors.js';
import type { Runtime } from '../runtime.js';
import { openSecretBox } from '../secrets/secret-box.js';
import { EntraDiscoveryCache } from './entra-oidc.js';
import { registerSessionRoutes } from './session-routes.js';
import { registerSignInRoutes } from './sign-in-routes.js';

/**
 * Portal sign-in under /auth: OpenID Connect with each organization's Entra tenant, one-time
 * operator links, the session, and SSO settings. This scope answers errors as
 * `{ error, message }`; browser redirects carry theirs to the portal's sign-in page instead.
 */
export const authPlugin: FastifyPluginAsync<{ runtime: Runtime }> = async (
  app: FastifyInstance,
  { runtime },
) => {
  const box = openSecretBox(runtime.config);
  const cache = new EntraDiscoveryCache();

  app.setErrorHandler((error, request, reply) => {
    if (error instanceof RosterError) {
      if (error.expose) request.log.info({ code: error.code }, error.message);
      else request.log.error({ err: error }, error.message);
      return reply
        .status(error.status)
        .send({ error: error.code, message: error.expose ? error.message : 'Internal error' });
    }
    const status = (error as { statusCode?: number }).statusCode;
    if (status !== undefined && status < 500) {
      // Schema validation and malformed bodies: Fastify's own 4xx, whose message names the field.
      return reply.status(status).send({ error: 'invalid_input', message: (error as Error).message });
    }
    request.log.error({ err: error }, 'portal sign-in failed');
    return reply.status(500).send({ error: 'internal', message: 'Internal error' });
  });

  registerSignInRoutes(app, runtime, box, cache);
  registerSessionRoutes(app, runtime, box);
};
