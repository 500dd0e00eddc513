import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { registerJsonBodyParser } from '../json-body.js';
import { useStrictBodyValidation } from './schema-validators.js';
import { invalidInput } from '../errors.js';
import type { Runtime } from '../runtime.js';
import { apiKeyResolver } from './auth/api-key-resolver.js';
import { registerPrincipalResolver } from './auth/principal.js';
import { portalSessionResolver } from './auth/portal-session-resolver.js';
import { buildOpenApiDocument, RouteCollector } from './openapi/openapi-document.js';
import { problemFor, sendProblem, toProblem } from './problem.js';
import { authorizeRequest, type Access } from './request-context.js';
import { registerApiKeyRoutes } from './routes/api-keys.js';
import { registerAuditRoutes } from './routes/audit.js';
import { registerConnectionRoutes } from './routes/connections.js';
import { registerCredentialRoutes } from './routes/credentials.js';
import { registerEventRoutes } from './routes/events.js';
import { registerGroupRoutes } from './routes/groups.js';
import { registerOrganizationRoutes } from './routes/organizations.js';
import { registerUserRoutes } from './routes/users.js';
import { registerWebhookRoutes } from './routes/webhooks.js';

/**
 * The REST management API, `/api/v1`. This scope owns its authentication (API keys, and the
 * portal's session through the same seam), its error format (RFC 9457 problem details) and its
 * OpenAPI document, built from the schemas every route declares.
 */
export interface ApiPluginOptions {
  runtime: Runtime;
}

export const apiPlugin: FastifyPluginAsync<ApiPluginOptions> = async (app, { runtime }) => {
  registerPrincipalResolver(runtime, apiKeyResolver(runtime));
  registerPrincipalResolver(runtime, portalSessionResolver(runtime));
  registerJsonBodyParser(app, ['application/json'], runtime.config.scimBodyLimitBytes);
  useStrictBodyValidation(app);
  // A POST without a body (`curl -X POST …/reconcile`) is an empty object: the body schema then
  // names any member that is required instead of refusing the absence of JSON.
  app.addHook('preValidation', async (request) => {
    if (request.body === undefined && ['POST', 'PUT', 'PATCH'].includes(request.method)) request.body = {};
  });
  const collector = new RouteCollector();
  app.addHook('onRoute', collector.onRoute);

  app.setErrorHandler((error, request, reply) => {
    const problem = toProblem(error, request);
    if (problem.status >= 500) request.log.error({ err: error }, 'API request failed');
    else request.log.info({ status: problem.status, type: problem.type }, 'API request refused');
    if (problem.status === 401) void reply.header('WWW-Authenticate', 'Bearer realm="roster-api"');
    return sendProblem(reply, problem);
  });
  // A catch-all route rather than setNotFoundHandler: the portal's not-found handler at the root
  // would otherwise answer unknown API paths with its own format.
  const unknownRoute = async (request: FastifyRequest, reply: FastifyReply) =>
    sendProblem(
      reply,
      problemFor(
        'not-found',
        404,
        `No API route ${request.method} ${request.url.split('?')[0] ?? ''}`,
        request.url,
      ),
    );
  app.setNotFoundHandler(unknownRoute);
  app.route({
    method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    url: '/*',
    config: { access: 'public' },
    handler: unknownRoute,
  });
  // Before authorization, which already looks the organization up: PostgreSQL cannot hold U+0000
  // in text, so a path or query naming one would fail there as a 500.
  app.addHook('onRequest', async (request) => {
    for (const [name, value] of [
      ...Object.entries((request.params ?? {}) as Record<string, unknown>),
      ...Object.entries((request.query ?? {}) as Record<string, unknown>),
    ]) {
      const values = Array.isArray(value) ? (value as unknown[]) : [value];
      if (values.some((item) => typeof item === 'string' && item.includes('\u0000')))
        throw invalidInput(`${name} contains a NUL character (%00), which no value can hold`, name);
    }
  });
  app.addHook('onRequest', async (request) => {
    const config = request.routeOptions.config as { access?: Access } | undefined;
    const access =
      config?.access ?? (request.method === 'GET' || request.method === 'HEAD' ? 'read' : 'change');
    await authorizeRequest(runtime, request, access);
  });

  const routes = (scoped: FastifyInstance) => {
    registerOrganizationRoutes(scoped, runtime);
    registerApiKeyRoutes(scoped, runtime);
    registerConnectionRoutes(scoped, runtime);
    registerUserRoutes(scoped, runtime);
    registerGroupRoutes(scoped, runtime);
    registerCredentialRoutes(scoped, runtime);
    registerEventRoutes(scoped, runtime);
    registerWebhookRoutes(scoped, runtime);
    registerAuditRoutes(scoped, runtime);
  };
  routes(app);

  let document: Record<string, unknown> | undefined;
  app.get('/openapi.json', { config: { access: 'public' } }, async (_request, reply) => {
    document ??= buildOpenApiDocument(collector.routes, `${runtime.config.publicUrl}/api/v1`);
    return reply.type('application/json').send(document);
  });
};
