import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { assertMayOverrideHosts } from '../../connectors/graph/clouds.js';
import { createGraphConnection, toGraphConnectionView } from '../../connectors/graph/graph-connections.js';
import { setGraphSchedule } from '../../connectors/graph/graph-schedule.js';
import { parseInterval } from '../../connectors/graph/graph-settings.js';
import { rotateGraphCredential } from '../../connectors/graph/rotate-graph-credential.js';
import {
  createScimConnection,
  listTokens,
  revokeToken,
  rotateScimToken,
  tenantUrl,
} from '../../connectors/scim/scim-connections.js';
import type { Runtime } from '../../runtime.js';
import { deleteConnection } from '../../sync/delete-connection.js';
import { getConnection, listConnections, type Connection } from '../../store/connections.js';
import { actorOf } from '../api-actor.js';
import { isOperator, organizationOf } from '../request-context.js';
import { OrgParams } from '../schemas/common.js';
import { ConnectionSchema, GraphConnectionSchema, ScimTokenSchema } from '../schemas/connections.js';
import { registerConnectionSyncRoutes } from './connection-sync.js';

export const ConnectionParams = Type.Object({ ...OrgParams.properties, connectionId: Type.String() });
const TokenParams = Type.Object({ ...ConnectionParams.properties, tokenId: Type.String() });
const ScimBody = Type.Object(
  { name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })) },
  { additionalProperties: false },
);
const ScimCreated = Type.Object(
  {
    connection: ConnectionSchema,
    tenantUrl: Type.String({ description: 'Tenant URL for Entra' }),
    token: Type.String({ description: 'Secret Token for Entra, shown only in this answer' }),
    tokenId: Type.String(),
  },
  { title: 'ScimConnectionCreated' },
);
const GraphBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    tenantId: Type.String({ description: 'Directory (tenant) id or verified domain' }),
    clientId: Type.String({ description: 'Application (client) id' }),
    clientSecret: Type.Optional(Type.String({ minLength: 1 })),
    certificatePem: Type.Optional(
      Type.String({ description: 'PEM holding the certificate and its private key' }),
    ),
    secretExpiresAt: Type.Optional(Type.String()),
    cloud: Type.Optional(Type.String({ description: 'global, usgov, dod or china' })),
    loginUrl: Type.Optional(Type.String()),
    graphUrl: Type.Optional(Type.String()),
    interval: Type.Optional(Type.String({ description: 'Time between scheduled syncs, e.g. 40m, 1h, off' })),
  },
  { additionalProperties: false },
);
const GraphChange = Type.Object(
  {
    interval: Type.Optional(Type.String({ description: 'Time between scheduled syncs, e.g. 15m, 1h, off' })),
    clientSecret: Type.Optional(Type.String({ minLength: 1, description: 'A new client secret' })),
    certificatePem: Type.Optional(
      Type.String({ description: 'A new PEM holding the certificate and its private key' }),
    ),
    secretExpiresAt: Type.Optional(Type.String({ description: 'When the new secret expires (YYYY-MM-DD)' })),
  },
  { additionalProperties: false, minProperties: 1 },
);
const TokenCreated = Type.Object(
  { ...ScimTokenSchema.properties, token: Type.String({ description: 'Shown only in this answer' }) },
  { title: 'ScimTokenCreated' },
);
type ConnectionRequest = { Params: Static<typeof ConnectionParams> };

export function registerConnectionRoutes(app: FastifyInstance, runtime: Runtime): void {
  const tags = ['Connections'];
  const base = '/organizations/:org/connections';
  const view = (connection: Connection) => ({
    ...connection,
    ...(connection.kind === 'scim' ? { tenantUrl: tenantUrl(runtime.config.publicUrl, connection.id) } : {}),
  });

  app.get(
    base,
    {
      schema: {
        summary: 'List connections',
        tags,
        params: OrgParams,
        response: { 200: Type.Object({ data: Type.Array(ConnectionSchema) }) },
      },
    },
    async (request) => ({
      data: (await listConnections(runtime.store.db, organizationOf(request).id)).map(view),
    }),
  );
  app.get<ConnectionRequest>(
    `${base}/:connectionId`,
    {
      schema: {
        summary: 'Get a connection',
        tags,
        params: ConnectionParams,
        response: { 200: ConnectionSchema },
      },
    },
    async (request) =>
      view(await getConnection(runtime.store.db, request.params.connectionId, organizationOf(request).id)),
  );
  app.post<{ Body: Static<typeof ScimBody> }>(
    `${base}/scim`,
    {
      schema: {
        summary: 'Create a SCIM connection; answers the Tenant URL and the first Secret Token, shown once',
        tags,
        params: OrgParams,
        body: ScimBody,
        response: { 201: ScimCreated },
      },
    },
    async (request, reply) => {
      const organization = organizationOf(request);
      const created = await createScimConnection(
        runtime,
        organization.id,
        actorOf(request),
        request.body.name,
      );
      const connection = await getConnection(runtime.store.db, created.connectionId, organization.id);
      return reply.code(201).send({ ...created, connection: view(connection) });
    },
  );
  app.post<{ Body: Static<typeof GraphBody> }>(
    `${base}/graph`,
    {
      schema: {
        summary: 'Create a Microsoft Graph connection (client secret or certificate, stored encrypted)',
        tags,
        params: OrgParams,
        body: GraphBody,
        response: { 201: GraphConnectionSchema },
      },
    },
    async (request, reply) => {
      assertMayOverrideHosts(
        { operator: isOperator(request), allowHostOverrides: runtime.config.allowHostOverrides },
        request.body,
      );
      return reply
        .code(201)
        .send(
          await createGraphConnection(runtime, organizationOf(request).id, request.body, actorOf(request)),
        );
    },
  );

  app.patch<ConnectionRequest & { Body: Static<typeof GraphChange> }>(
    `${base}/:connectionId/graph`,
    {
      schema: {
        summary: "Change a Graph connection's schedule, or replace its client secret or certificate",
        tags,
        params: ConnectionParams,
        body: GraphChange,
        response: { 200: GraphConnectionSchema },
      },
    },
    async (request) => {
      const organizationId = organizationOf(request).id;
      const { connectionId } = request.params;
      const { interval, clientSecret, certificatePem, secretExpiresAt } = request.body;
      // Everything is checked before anything is stored, so a bad interval leaves the secret alone.
      if (interval !== undefined) parseInterval(interval);
      if (clientSecret !== undefined || certificatePem !== undefined || secretExpiresAt !== undefined) {
        await rotateGraphCredential(
          runtime,
          connectionId,
          { clientSecret, certificatePem, secretExpiresAt },
          actorOf(request),
          organizationId,
        );
      }
      if (interval !== undefined) {
        await setGraphSchedule(runtime, connectionId, interval, actorOf(request), organizationId);
      }
      return toGraphConnectionView(await getConnection(runtime.store.db, connectionId, organizationId));
    },
  );

  app.get<ConnectionRequest>(
    `${base}/:connectionId/tokens`,
    {
      schema: {
        summary: "List a SCIM connection's tokens with their last use",
        tags,
        params: ConnectionParams,
        response: { 200: Type.Object({ data: Type.Array(ScimTokenSchema) }) },
      },
    },
    async (request) => ({
      data: await listTokens(runtime, request.params.connectionId, organizationOf(request).id),
    }),
  );
  app.post<ConnectionRequest>(
    `${base}/:connectionId/tokens`,
    {
      schema: {
        summary: 'Add a SCIM token (for rotation); shown once, older tokens keep working until revoked',
        tags,
        params: ConnectionParams,
        response: { 201: TokenCreated },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(
          await rotateScimToken(
            runtime,
            request.params.connectionId,
            actorOf(request),
            organizationOf(request).id,
          ),
        ),
  );
  app.delete<{ Params: Static<typeof TokenParams> }>(
    `${base}/:connectionId/tokens/:tokenId`,
    {
      schema: {
        summary: 'Revoke a SCIM token at once',
        tags,
        params: TokenParams,
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      const { connectionId, tokenId } = request.params;
      await revokeToken(runtime, connectionId, tokenId, actorOf(request), organizationOf(request).id);
      return reply.code(204).send();
    },
  );

  app.delete<ConnectionRequest>(
    `${base}/:connectionId`,
    {
      schema: {
        summary:
          'Delete a connection: its groups are deleted and its users leave as the lifecycle policy says (events and audit), then the connection, its tokens and directory copy; 409 while a sync runs',
        tags,
        params: ConnectionParams,
        response: {
          200: Type.Object(
            { connectionId: Type.String(), counts: Type.Record(Type.String(), Type.Integer()) },
            { title: 'ConnectionDeleted' },
          ),
        },
      },
    },
    async (request) => ({
      connectionId: request.params.connectionId,
      counts: await deleteConnection(runtime, request.params.connectionId, {
        organizationId: organizationOf(request).id,
        actor: actorOf(request),
      }),
    }),
  );

  registerConnectionSyncRoutes(app, runtime);
}
