import type { FastifyReply, FastifyRequest } from 'fastify';
import { etagOf, ifNoneMatchMatches } from '../resources/scim-meta.js';

export const SCIM_CONTENT_TYPE = 'application/scim+json; charset=utf-8';
const LIST_RESPONSE_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';

export function sendResource(reply: FastifyReply, status: number, resource: Record<string, unknown>) {
  const meta = resource.meta as { version?: string } | undefined;
  if (meta?.version) void reply.header('ETag', meta.version);
  return reply.code(status).type(SCIM_CONTENT_TYPE).send(resource);
}

/**
 * Whether a GET may be answered 304 Not Modified: its If-None-Match names the resource's current
 * version (RFC 7644 §3.14), so the client already holds what it would get.
 */
export function isNotModified(request: FastifyRequest, version: number): boolean {
  const header = request.headers['if-none-match'];
  return ifNoneMatchMatches(typeof header === 'string' ? header : undefined, version);
}

/** 304 carries the ETag and no body (RFC 7232 §4.1). */
export function sendNotModified(reply: FastifyReply, version: number) {
  return reply.code(304).header('ETag', etagOf(version)).send();
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
