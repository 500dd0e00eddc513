import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { isoNow } from '../../clock.js';
import { registerJsonBodyParser } from '../../json-body.js';
import type { Runtime } from '../../runtime.js';
import { findScimConnectionByToken, markScimTokenUsed } from '../../store/scim-tokens.js';
import { ScimProtocolError } from './filter/errors.js';
import { assertSingleQueryValues } from './list-query.js';
import { registerDiscoveryRoutes } from './routes/discovery.js';
import { registerGroupRoutes } from './routes/groups.js';
import { SCIM_CONTENT_TYPE } from './routes/responses.js';
import { registerUserRoutes } from './routes/users.js';
import type { ScimContext } from './scim-context.js';
import { scimErrorBody, toScimError } from './scim-error.js';

/**
 * The SCIM 2.0 service provider Entra provisions into, one per connection under
 * `/scim/v2/<connectionId>`. This scope owns its body parser, authentication and error format.
 */
export const scimPlugin: FastifyPluginAsync<{ runtime: Runtime }> = async (app, { runtime }) => {
  registerJsonBodyParser(
    app,
    ['application/scim+json', 'application/json'],
    runtime.config.scimBodyLimitBytes,
  );
  app.decorateRequest('scim', null as unknown as ScimContext);

  app.setErrorHandler((error, request, reply) => {
    const body = toScimError(error);
    const status = Number(body.status);
    if (status >= 500) request.log.error({ err: error }, 'SCIM request failed');
    else request.log.info({ status, scimType: body.scimType, detail: body.detail }, 'SCIM request rejected');
    if (status === 401) void reply.header('WWW-Authenticate', 'Bearer realm="roster-scim"');
    return reply.code(status).type(SCIM_CONTENT_TYPE).send(body);
  });
  const noEndpoint = async (request: FastifyRequest, reply: FastifyReply) =>
    reply
      .code(404)
      .type(SCIM_CONTENT_TYPE)
      .send(scimErrorBody(404, `No SCIM endpoint at ${request.method} ${request.url.split('?')[0]}`));
  app.setNotFoundHandler(noEndpoint);
  // A catch-all route as well: the portal's static files take every unknown GET at the root and
  // answered `GET …/Me` with their own JSON. Microsoft: "The header for all the responses should
  // be of content-Type: application/scim+json" (use-scim-to-provision-users-and-groups.md).
  app.route({ method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'], url: '/*', handler: noEndpoint });

  await app.register(
    async (scoped: FastifyInstance) => {
      scoped.addHook('onRequest', async (request) => {
        request.scim = await authenticate(runtime, request);
      });
      scoped.addHook('preHandler', async (request) => {
        assertSingleQueryValues(request.query);
        if (request.body === undefined && ['POST', 'PUT', 'PATCH'].includes(request.method)) {
          throw new ScimProtocolError('The request body is empty', { scimType: 'invalidSyntax' });
        }
      });
      registerDiscoveryRoutes(scoped);
      registerUserRoutes(scoped, runtime);
      registerGroupRoutes(scoped, runtime);
    },
    { prefix: '/:connectionId' },
  );
};

const tokenUseResolutionMs = 60_000;

/**
 * Bearer token of this connection, checked in constant time. A token of another connection gets
 * nothing here. Last use is recorded at most once a minute, so reads stay reads.
 */
async function authenticate(runtime: Runtime, request: FastifyRequest): Promise<ScimContext> {
  const { connectionId } = request.params as { connectionId: string };
  // PostgreSQL cannot hold U+0000 in text: looked up, such an id would fail there as a 500.
  if (connectionId.includes('\u0000'))
    throw new ScimProtocolError(`No SCIM connection "${connectionId}"`, { status: 404 });
  const header = request.headers.authorization;
  const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  if (!match?.[1]) throw new ScimProtocolError('A bearer token is required', { status: 401 });
  const found = await findScimConnectionByToken(runtime.store.db, connectionId, match[1]);
  if (!found || found.connection.kind !== 'scim') {
    throw new ScimProtocolError(`No SCIM connection "${connectionId}"`, { status: 404 });
  }
  const { connection, token } = found;
  if (!token)
    throw new ScimProtocolError('The bearer token is not valid for this connection', { status: 401 });
  const now = runtime.clock.now();
  if (!token.lastUsedAt || now.getTime() - Date.parse(token.lastUsedAt) > tokenUseResolutionMs) {
    await markScimTokenUsed(runtime.store.db, token.id, connection.id, isoNow(runtime.clock));
  }
  return {
    organizationId: connection.organizationId,
    connection,
    tokenId: token.id,
    baseUrl: `${runtime.config.publicUrl}/scim/v2/${connection.id}`,
  };
}
