import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { apiPlugin } from './api/api-plugin.js';
import { scimPlugin } from './connectors/scim/plugin.js';
import { clientErrorHandler } from './http-client-errors.js';
import { registerMetrics } from './metrics.js';
import type { Runtime } from './runtime.js';
import { authPlugin } from './sso/auth-plugin.js';
import { portalPlugin } from './web/portal-plugin.js';

/**
 * Builds the HTTP server. Each protocol is its own encapsulated plugin with its own error format:
 * SCIM under /scim/v2, the REST API under /api/v1, sign-in under /auth, the portal at /.
 */
export async function buildServer(runtime: Runtime): Promise<FastifyInstance> {
  // Typed as Fastify's logger interface so the instance type is the plain FastifyInstance.
  const loggerInstance: FastifyBaseLogger = runtime.logger;
  const app = Fastify({
    loggerInstance,
    trustProxy: true,
    // Entra's provisioning requests are small; a larger body is refused with 413 before parsing.
    bodyLimit: runtime.config.scimBodyLimitBytes,
    clientErrorHandler,
  });
  app.get('/healthz', async () => ({ status: 'ok' }));
  registerMetrics(app, runtime);
  await app.register(scimPlugin, { prefix: '/scim/v2', runtime });
  await app.register(apiPlugin, { prefix: '/api/v1', runtime });
  await app.register(authPlugin, { prefix: '/auth', runtime });
  await app.register(portalPlugin);
  return app;
}
