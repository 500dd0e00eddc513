import type { FastifyReply } from 'fastify';

export const SCIM_CONTENT_TYPE = 'application/scim+json; charset=utf-8';
const LIST_RESPONSE_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';

export function sendResource(reply: FastifyReply, status: number, resource: Record<string, unknown>) {
  const meta = resource.meta as { version?: string } | undefined;
  if (meta?.version) void reply.header('ETag', meta.version);
  return reply.code(status).type(SCIM_CONTENT_TYPE).send(resource);
}

/** RFC 7644 §3.4.2: `itemsPerPage` is the number of resources actually returned. */
export function listResponse(
  reply: FastifyReply,
  totalResults: number,
  startIndex: number,
  resources: unknown[],
) {
  return reply
    .code(200)
    .type(SCIM_CONTENT_TYPE)
    .send({
      schemas: [LIST_RESPONSE_SCHEMA],
      totalResults,
      startIndex,
      itemsPerPage: resources.length,
      Resources: resources,
    });
}
