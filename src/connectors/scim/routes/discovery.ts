import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ScimProtocolError } from '../filter/errors.js';
import { maxResults } from '../list-query.js';
import { type AttributeDefinition, type SchemaDefinition, schemasFor } from '../schema/attribute-schema.js';
import { SCIM_CONTENT_TYPE, listResponse } from './responses.js';

/**
 * Discovery (RFC 7644 §4): what this server really supports, generated from the same attribute
 * schema that filters and PATCH use, so it cannot drift from the behaviour.
 */
export function registerDiscoveryRoutes(app: FastifyInstance): void {
  const refusingFilters = { preHandler: refuseFilter };
  app.get('/ServiceProviderConfig', refusingFilters, async (request, reply) =>
    reply.type(SCIM_CONTENT_TYPE).send({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
      documentationUri: 'https://github.com/roster-sync/roster#scim',
      patch: { supported: true },
      bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
      filter: { supported: true, maxResults },
      changePassword: { supported: false },
      sort: { supported: true },
      etag: { supported: true },
      authenticationSchemes: [
        {
          type: 'oauthbearertoken',
          name: 'OAuth Bearer Token',
          description: 'The Secret Token issued by Roster for this connection, sent as a bearer token',
          primary: true,
        },
      ],
      meta: {
        resourceType: 'ServiceProviderConfig',
        location: `${request.scim.baseUrl}/ServiceProviderConfig`,
      },
    }),
  );

  app.get('/ResourceTypes', refusingFilters, async (request, reply) =>
    listResponse(reply, 2, 1, resourceTypes(request.scim.baseUrl)),
  );
  app.get<{ Params: { name: string } }>('/ResourceTypes/:name', refusingFilters, async (request, reply) => {
    const found = resourceTypes(request.scim.baseUrl).find((type) => type.id === request.params.name);
    if (!found) throw new ScimProtocolError(`ResourceType ${request.params.name} not found`, { status: 404 });
    return reply.type(SCIM_CONTENT_TYPE).send(found);
  });

  app.get('/Schemas', refusingFilters, async (request, reply) =>
    listResponse(
      reply,
      allSchemas().length,
      1,
      allSchemas().map((s) => renderSchema(s, request.scim.baseUrl)),
    ),
  );
  app.get<{ Params: { id: string } }>('/Schemas/:id', refusingFilters, async (request, reply) => {
    const found = allSchemas().find((schema) => schema.id === request.params.id);
    if (!found) throw new ScimProtocolError(`Schema ${request.params.id} not found`, { status: 404 });
    return reply.type(SCIM_CONTENT_TYPE).send(renderSchema(found, request.scim.baseUrl));
  });
}

/**
 * RFC 7644 §4: discovery ignores filtering, sorting and paging, and "if a 'filter' is provided,
 * the service provider SHOULD respond with HTTP status code 403 (Forbidden) to ensure that clients
 * cannot incorrectly assume that any matching conditions specified in a filter are true". No
 * scimType: none of §3.12's values describes it.
 */
async function refuseFilter(request: FastifyRequest): Promise<void> {
  const { filter } = request.query as Record<string, string | undefined>;
  if (filter !== undefined) {
    throw new ScimProtocolError('Discovery endpoints do not support filter (RFC 7644 §4)', { status: 403 });
  }
}

function allSchemas(): SchemaDefinition[] {
  const seen = new Map<string, SchemaDefinition>();
  for (const schema of [...schemasFor('User'), ...schemasFor('Group')]) seen.set(schema.id, schema);
  return [...seen.values()];
}

function resourceTypes(baseUrl: string) {
  const [user, enterprise] = schemasFor('User');
  const [group] = schemasFor('Group');
  return [
    {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'],
      id: 'User',
      name: 'User',
      endpoint: '/Users',
      schema: user?.id,
      schemaExtensions: enterprise ? [{ schema: enterprise.id, required: false }] : [],
      meta: { resourceType: 'ResourceType', location: `${baseUrl}/ResourceTypes/User` },
    },
    {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'],
      id: 'Group',
      name: 'Group',
      endpoint: '/Groups',
      schema: group?.id,
      meta: { resourceType: 'ResourceType', location: `${baseUrl}/ResourceTypes/Group` },
    },
  ];
}

function renderSchema(schema: SchemaDefinition, baseUrl: string) {
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:Schema'],
    id: schema.id,
    name: schema.name,
    description: schema.description,
    attributes: schema.attributes.map(renderAttribute),
    meta: { resourceType: 'Schema', location: `${baseUrl}/Schemas/${schema.id}` },
  };
}

function renderAttribute(attribute: AttributeDefinition): Record<string, unknown> {
  const { subAttributes, ...rest } = attribute;
  return subAttributes ? { ...rest, subAttributes: subAttributes.map(renderAttribute) } : { ...rest };
}
