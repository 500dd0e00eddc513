import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { isoNow } from '../../clock.js';
import type { Runtime } from '../../runtime.js';
import { createApiKey, listApiKeys, revokeApiKey } from '../../store/api-keys.js';
import { appendAudit } from '../../store/audit.js';
import { actorOf } from '../api-actor.js';
import { organizationOf } from '../request-context.js';
import { Nullable, OrgParams, Timestamp } from '../schemas/common.js';

const Role = Type.Union([Type.Literal('admin'), Type.Literal('read_only')]);
const ApiKeySchema = Type.Object(
  {
    id: Type.String(),
    organizationId: Nullable(Type.String()),
    name: Type.String(),
    role: Role,
    hint: Type.String({ description: 'The last characters of the key' }),
    createdAt: Timestamp,
    lastUsedAt: Nullable(Timestamp),
    revokedAt: Nullable(Timestamp),
  },
  { title: 'ApiKey' },
);
const CreatedApiKey = Type.Object(
  {
    ...ApiKeySchema.properties,
    key: Type.String({ description: 'The key itself, shown only in this answer' }),
  },
  { title: 'CreatedApiKey' },
);
const CreateBody = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 200 }), role: Type.Optional(Role) },
  { additionalProperties: false },
);
const KeyParams = Type.Object({ ...OrgParams.properties, keyId: Type.String() });

/** An organization's API keys; operator keys are made with `roster apikey create --operator`. */
export function registerApiKeyRoutes(app: FastifyInstance, runtime: Runtime): void {
  const tags = ['API keys'];
  app.get(
    '/organizations/:org/api-keys',
    {
      config: { access: 'change' },
      schema: {
        summary: "List an organization's API keys",
        tags,
        params: OrgParams,
        response: { 200: Type.Object({ data: Type.Array(ApiKeySchema) }) },
      },
    },
    async (request) => ({ data: await listApiKeys(runtime.store.db, organizationOf(request).id) }),
  );

  app.post<{ Body: Static<typeof CreateBody> }>(
    '/organizations/:org/api-keys',
    {
      schema: {
        summary: 'Create an API key for the organization; the key is shown once',
        tags,
        params: OrgParams,
        body: CreateBody,
        response: { 201: CreatedApiKey },
      },
    },
    async (request, reply) => {
      const organization = organizationOf(request);
      const now = isoNow(runtime.clock);
      const created = await runtime.store.transaction(async (trx) => {
        const key = await createApiKey(trx, {
          organizationId: organization.id,
          name: request.body.name,
          role: request.body.role ?? 'admin',
          now,
        });
        const { key: _secret, ...info } = key;
        await appendAudit(
          trx,
          organization.id,
          actorOf(request),
          [{ action: 'api_key.created', targetType: 'api_key', targetId: key.id, after: info }],
          now,
        );
        return key;
      });
      return reply.code(201).send(created);
    },
  );

  app.delete<{ Params: Static<typeof KeyParams> }>(
    '/organizations/:org/api-keys/:keyId',
    {
      schema: {
        summary: 'Revoke an API key at once',
        tags,
        params: KeyParams,
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      const organization = organizationOf(request);
      const now = isoNow(runtime.clock);
      await runtime.store.transaction(async (trx) => {
        const revoked = await revokeApiKey(trx, organization.id, request.params.keyId, now);
        await appendAudit(
          trx,
          organization.id,
          actorOf(request),
          [{ action: 'api_key.revoked', targetType: 'api_key', targetId: revoked.id, after: revoked }],
          now,
        );
      });
      return reply.code(204).send();
    },
  );
}
