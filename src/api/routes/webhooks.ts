import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { eventTypes } from '../../events/event-types.js';
import {
  getWebhookDelivery,
  pageWebhookDeliveries,
  redeliverWebhook,
} from '../../events/webhooks/webhook-deliveries.js';
import {
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  getWebhookEndpoint,
  rotateWebhookSecret,
  toWebhookEndpointView,
  updateWebhookEndpoint,
} from '../../events/webhooks/webhook-endpoints.js';
import type { Runtime } from '../../runtime.js';
import { listWebhookEndpoints } from '../../store/webhooks.js';
import { actorOf } from '../api-actor.js';
import { organizationOf } from '../request-context.js';
import { Nullable, OrgParams, Page, PageQuery, Timestamp } from '../schemas/common.js';

const Status = Type.Union([Type.Literal('enabled'), Type.Literal('disabled')]);
const EventTypes = Type.Array(Type.String(), {
  maxItems: 100,
  description: `Event types or \`prefix.*\` patterns; empty for every type. Known: ${eventTypes.join(', ')}`,
});
const EndpointSchema = Type.Object(
  {
    id: Type.String(),
    organizationId: Type.String(),
    url: Type.String(),
    description: Type.String(),
    eventTypes: Type.Array(Type.String()),
    status: Status,
    disabledReason: Nullable(Type.String()),
    disabledAt: Nullable(Timestamp),
    failingSince: Nullable(Timestamp),
    consecutiveFailures: Type.Integer(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { title: 'WebhookEndpoint' },
);
const EndpointWithSecret = Type.Object(
  {
    endpoint: EndpointSchema,
    secret: Type.String({ description: 'The `whsec_…` signing secret, shown only in this answer' }),
  },
  { title: 'WebhookEndpointWithSecret' },
);
const CreateBody = Type.Object(
  {
    url: Type.String({ minLength: 1, maxLength: 2000 }),
    description: Type.Optional(Type.String({ maxLength: 500 })),
    eventTypes: Type.Optional(EventTypes),
  },
  { additionalProperties: false },
);
const UpdateBody = Type.Object(
  {
    url: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })),
    description: Type.Optional(Type.String({ maxLength: 500 })),
    eventTypes: Type.Optional(EventTypes),
    status: Type.Optional(Status),
  },
  { additionalProperties: false },
);
const Attempt = Type.Object({
  attempt: Type.Integer(),
  attemptedAt: Timestamp,
  statusCode: Nullable(Type.Integer()),
  durationMs: Type.Integer(),
  error: Nullable(Type.String()),
});
const DeliverySchema = Type.Object(
  {
    id: Type.String(),
    endpointId: Type.String(),
    eventId: Type.String({ description: 'Also the `webhook-id` header, the same on every attempt' }),
    eventSeq: Type.Integer(),
    eventType: Type.String(),
    status: Type.Union([Type.Literal('pending'), Type.Literal('succeeded'), Type.Literal('failed')]),
    attempts: Type.Array(Attempt),
    nextAttemptAt: Nullable(Timestamp),
    lastStatusCode: Nullable(Type.Integer()),
    lastError: Nullable(Type.String()),
    redeliveryOf: Nullable(Type.String()),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { title: 'WebhookDelivery' },
);
const EndpointParams = Type.Object({ ...OrgParams.properties, endpointId: Type.String() });
const DeliveryParams = Type.Object({ ...EndpointParams.properties, deliveryId: Type.String() });
const DeliveriesQuery = Type.Object({
  ...PageQuery,
  status: Type.Optional(
    Type.Union([Type.Literal('pending'), Type.Literal('succeeded'), Type.Literal('failed')]),
  ),
});
type EndpointRequest = { Params: Static<typeof EndpointParams> };

/** Webhook endpoints, their delivery log and redelivery. */
export function registerWebhookRoutes(app: FastifyInstance, runtime: Runtime): void {
  const tags = ['Webhooks'];
  const base = '/organizations/:org/webhooks';
  app.get(
    base,
    {
      schema: {
        summary: 'List webhook endpoints',
        tags,
        params: OrgParams,
        response: { 200: Type.Object({ data: Type.Array(EndpointSchema) }) },
      },
    },
    async (request) => ({
      data: (await listWebhookEndpoints(runtime.store.db, organizationOf(request).id)).map(
        toWebhookEndpointView,
      ),
    }),
  );
  app.post<{ Body: Static<typeof CreateBody> }>(
    base,
    {
      schema: {
        summary: 'Add a webhook endpoint; the signing secret is shown once',
        description:
          'Only events after the endpoint is created are delivered; earlier ones are in the Events API.',
        tags,
        params: OrgParams,
        body: CreateBody,
        response: { 201: EndpointWithSecret },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(
          await createWebhookEndpoint(runtime, organizationOf(request).id, request.body, actorOf(request)),
        ),
  );
  app.get<EndpointRequest>(
    `${base}/:endpointId`,
    {
      schema: {
        summary: 'Get a webhook endpoint',
        tags,
        params: EndpointParams,
        response: { 200: EndpointSchema },
      },
    },
    async (request) =>
      toWebhookEndpointView(
        await getWebhookEndpoint(runtime.store.db, organizationOf(request).id, request.params.endpointId),
      ),
  );
  app.patch<EndpointRequest & { Body: Static<typeof UpdateBody> }>(
    `${base}/:endpointId`,
    {
      schema: {
        summary: 'Change a webhook endpoint, or enable or disable it',
        description:
          'Enabling a disabled endpoint resumes delivery with new events; missed ones can be redelivered.',
        tags,
        params: EndpointParams,
        body: UpdateBody,
        response: { 200: EndpointSchema },
      },
    },
    async (request) =>
      updateWebhookEndpoint(
        runtime,
        organizationOf(request).id,
        request.params.endpointId,
        request.body,
        actorOf(request),
      ),
  );
  app.delete<EndpointRequest>(
    `${base}/:endpointId`,
    {
      schema: {
        summary: 'Remove a webhook endpoint and its delivery log',
        tags,
        params: EndpointParams,
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      await deleteWebhookEndpoint(
        runtime,
        organizationOf(request).id,
        request.params.endpointId,
        actorOf(request),
      );
      return reply.code(204).send();
    },
  );
  app.post<EndpointRequest>(
    `${base}/:endpointId/rotate-secret`,
    {
      schema: {
        summary: 'Replace the signing secret; the new one is shown once and used from the next attempt',
        tags,
        params: EndpointParams,
        response: { 200: EndpointWithSecret },
      },
    },
    async (request) =>
      rotateWebhookSecret(runtime, organizationOf(request).id, request.params.endpointId, actorOf(request)),
  );
  app.get<EndpointRequest & { Querystring: Static<typeof DeliveriesQuery> }>(
    `${base}/:endpointId/deliveries`,
    {
      schema: {
        summary: 'The delivery log: deliveries newest first, each with its attempts',
        tags,
        params: EndpointParams,
        querystring: DeliveriesQuery,
        response: { 200: Page(DeliverySchema, 'WebhookDeliveryPage') },
      },
    },
    async (request) =>
      pageWebhookDeliveries(runtime.store.db, organizationOf(request).id, request.params.endpointId, {
        status: request.query.status,
        cursor: request.query.cursor,
        limit: request.query.limit ?? 50,
      }),
  );
  app.get<{ Params: Static<typeof DeliveryParams> }>(
    `${base}/:endpointId/deliveries/:deliveryId`,
    {
      schema: {
        summary: 'Get one delivery with its attempts',
        tags,
        params: DeliveryParams,
        response: { 200: DeliverySchema },
      },
    },
    async (request) =>
      getWebhookDelivery(
        runtime.store.db,
        organizationOf(request).id,
        request.params.endpointId,
        request.params.deliveryId,
      ),
  );
  app.post<{ Params: Static<typeof DeliveryParams> }>(
    `${base}/:endpointId/deliveries/:deliveryId/redeliver`,
    {
      schema: {
        summary: 'Send a delivery again, as a new delivery with the same webhook-id',
        tags,
        params: DeliveryParams,
        response: { 202: DeliverySchema },
      },
    },
    async (request, reply) =>
      reply
        .code(202)
        .send(
          await redeliverWebhook(
            runtime,
            organizationOf(request).id,
            request.params.endpointId,
            request.params.deliveryId,
            actorOf(request),
          ),
        ),
  );
}
