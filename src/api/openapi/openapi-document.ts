import type { RouteOptions } from 'fastify';
import { ProblemSchema } from '../schemas/common.js';

/**
 * Builds the OpenAPI 3.1 document from the routes as registered: the very schemas Fastify
 * validates and serialises with become the parameters, request bodies and responses. OpenAPI 3.1
 * uses JSON Schema 2020-12, which these schemas already are (TypeBox's symbol keys are dropped
 * by JSON serialisation); only `{ title }` is lifted out into components for readable names.
 */
declare module 'fastify' {
  // The same documentation keywords @fastify/swagger reads; Fastify itself ignores them.
  interface FastifySchema {
    summary?: string;
    description?: string;
    tags?: string[];
    operationId?: string;
  }
  // Who may call an API route: `read` by default for GET, `change` for the rest (request-context.ts).
  interface FastifyContextConfig {
    access?: 'public' | 'read' | 'change' | 'operator';
  }
}

export interface RouteSchema {
  summary?: string;
  description?: string;
  tags?: string[];
  operationId?: string;
  params?: JsonSchema;
  querystring?: JsonSchema;
  body?: JsonSchema;
  response?: Record<string, JsonSchema>;
}

type JsonSchema = Record<string, unknown> & { properties?: Record<string, JsonSchema>; required?: string[] };

export interface CollectedRoute {
  method: string;
  url: string;
  schema: RouteSchema;
  access: string;
}

/** Keeps the routes of one plugin scope as they are registered. */
export class RouteCollector {
  readonly routes: CollectedRoute[] = [];

  onRoute = (route: RouteOptions): void => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      if (method === 'HEAD' || route.schema === undefined) continue;
      this.routes.push({
        method: method.toLowerCase(),
        url: (route as RouteOptions & { routePath?: string }).routePath ?? route.url,
        schema: route.schema as RouteSchema,
        access: route.config?.access ?? (method === 'GET' ? 'read' : 'change'),
      });
    }
  };
}

export function buildOpenApiDocument(
  routes: readonly CollectedRoute[],
  serverUrl: string,
): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = route.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const operation: Record<string, unknown> = {
      operationId: route.schema.operationId ?? `${route.method}${path.replace(/[^A-Za-z0-9]+/g, '_')}`,
      summary: route.schema.summary,
      ...(route.schema.description ? { description: route.schema.description } : {}),
      tags: route.schema.tags ?? [],
      parameters: [
        ...parametersOf(route.schema.params, 'path'),
        ...parametersOf(route.schema.querystring, 'query'),
      ],
      responses: responsesOf(route.schema.response ?? {}),
      security: route.access === 'public' ? [] : [{ apiKey: [] }, { portalSession: [] }],
    };
    if (route.schema.body) {
      operation.requestBody = {
        required: true,
        content: { 'application/json': { schema: plain(route.schema.body) } },
      };
    }
    paths[path] = { ...paths[path], [route.method]: operation };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Roster REST API',
      version: '1.0.0',
      description:
        'Manage organizations, directory connections, users, groups, the event log, webhooks and the audit log. ' +
        'Errors are RFC 9457 problem details. See docs/api.md.',
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    servers: [{ url: serverUrl }],
    paths,
    components: {
      schemas: { Problem: plain(ProblemSchema) },
      responses: {
        Problem: {
          description: 'An error, as RFC 9457 problem details',
          content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
        },
      },
      securitySchemes: {
        apiKey: {
          type: 'http',
          scheme: 'bearer',
          description: 'An API key, `rk_…`, of an organization or the operator',
        },
        portalSession: {
          type: 'apiKey',
          in: 'cookie',
          name: 'roster_session',
          description:
            'The admin portal session. The cookie is `roster_session` when the public URL is http, ' +
            '`__Host-roster_session` when it is https; changes also send the `x-csrf-token` header, ' +
            'equal to the `roster_csrf` (or `__Host-roster_csrf`) cookie',
        },
      },
    },
  };
}

function parametersOf(schema: JsonSchema | undefined, location: 'path' | 'query'): Record<string, unknown>[] {
  if (!schema?.properties) return [];
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties).map(([name, property]) => ({
    name,
    in: location,
    required: location === 'path' || required.has(name),
    ...(typeof property.description === 'string' ? { description: property.description } : {}),
    schema: plain(property),
  }));
}

function responsesOf(responses: Record<string, JsonSchema>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [status, schema] of Object.entries(responses)) {
    out[status] =
      status === '204'
        ? { description: 'No content' }
        : {
            description: typeof schema.description === 'string' ? schema.description : 'Success',
            content: { 'application/json': { schema: plain(schema) } },
          };
  }
  out.default = { $ref: '#/components/responses/Problem' };
  return out;
}

/** A copy without TypeBox's symbol keys, so the document is plain JSON. */
function plain(schema: unknown): Record<string, unknown> {
  return JSON.parse(JSON.stringify(schema)) as Record<string, unknown>;
}
