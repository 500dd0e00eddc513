import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { toUserView } from '../../domain/views.js';
import { notFound } from '../../errors.js';
import type { Runtime } from '../../runtime.js';
import { findUser, groupsOfUsers, listUsers } from '../../store/users.js';
import { actorOf } from '../api-actor.js';
import { decodeCursor, nextCursorOf } from '../cursor.js';
import { organizationOf } from '../request-context.js';
import {
  AuditEntrySchema,
  EventSchema,
  Nullable,
  OrgParams,
  Page,
  PageQuery,
  Timestamp,
} from '../schemas/common.js';
import { Source, UserSchema, UserStatus } from '../schemas/people.js';
import { createLocalUser, deleteLocalUser, editUser, setUserStatus } from '../users/local-users.js';
import { auditHistoryOf, directorySourcesOf, eventHistoryOf } from '../users/user-details.js';

const UsersQuery = Type.Object({
  ...PageQuery,
  search: Type.Optional(Type.String({ maxLength: 200, description: 'Part of the email or name' })),
  status: Type.Optional(UserStatus),
  source: Type.Optional(Source),
  connectionId: Type.Optional(Type.String()),
});
const UserParams = Type.Object({ ...OrgParams.properties, userId: Type.String() });
const Fields = {
  userName: Type.Optional(Type.String({ minLength: 1, maxLength: 320 })),
  displayName: Type.Optional(Nullable(Type.String({ maxLength: 320 }))),
  roles: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { maxItems: 50 })),
  attributes: Type.Optional(Type.Record(Type.String(), Type.String())),
};
const CreateBody = Type.Object(
  {
    email: Type.String({ minLength: 3, maxLength: 320 }),
    givenName: Type.String({ minLength: 1, maxLength: 200 }),
    familyName: Type.String({ minLength: 1, maxLength: 200 }),
    status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('pending')])),
    ...Fields,
  },
  { additionalProperties: false },
);
const UpdateBody = Type.Object(
  {
    email: Type.Optional(Type.String({ minLength: 3, maxLength: 320 })),
    givenName: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    familyName: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    ...Fields,
  },
  { additionalProperties: false },
);
const SourceSchema = Type.Object({
  connectionId: Type.String(),
  connectionName: Type.String(),
  kind: Type.Union([Type.Literal('scim'), Type.Literal('graph')]),
  id: Type.String({ description: "The source's id (Entra object id or SCIM id)" }),
  externalId: Nullable(Type.String()),
  userName: Type.String(),
  active: Type.Boolean(),
  attributes: Type.Record(Type.String(), Type.Unknown(), { description: 'As the source sent them' }),
  updatedAt: Timestamp,
});
const UserDetail = Type.Object(
  {
    ...UserSchema.properties,
    sources: Type.Array(SourceSchema),
    history: Type.Array(AuditEntrySchema, { description: 'The latest audit entries about the user' }),
    events: Type.Array(EventSchema, { description: 'The latest events naming the user' }),
  },
  { title: 'UserDetail' },
);
type UserRequest = { Params: Static<typeof UserParams> };

export function registerUserRoutes(app: FastifyInstance, runtime: Runtime): void {
  const tags = ['Users'];
  const base = '/organizations/:org/users';
  app.get<{ Querystring: Static<typeof UsersQuery> }>(
    base,
    {
      schema: {
        summary: 'List users, with search, filters and cursor paging',
        tags,
        params: OrgParams,
        querystring: UsersQuery,
        response: { 200: Page(UserSchema, 'UserPage') },
      },
    },
    async (request) => {
      const organizationId = organizationOf(request).id;
      const limit = request.query.limit ?? 50;
      const rows = await listUsers(runtime.store.db, organizationId, {
        search: request.query.search,
        status: request.query.status,
        source: request.query.source,
        connectionId: request.query.connectionId,
        after: decodeCursor(request.query.cursor, 1)?.[0],
        limit: limit + 1,
      });
      const page = rows.slice(0, limit);
      const groups = await groupsOfUsers(
        runtime.store.db,
        organizationId,
        page.map((row) => row.id),
      );
      return {
        data: page.map((row) => toUserView(row, groups.get(row.id) ?? [])),
        nextCursor: nextCursorOf(rows, limit, (row) => [row.id]),
      };
    },
  );

  app.post<{ Body: Static<typeof CreateBody> }>(
    base,
    {
      schema: {
        summary: 'Create a local user (email unique in the organization)',
        tags,
        params: OrgParams,
        body: CreateBody,
        response: { 201: UserSchema },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(await createLocalUser(runtime, organizationOf(request).id, request.body, actorOf(request))),
  );

  app.get<UserRequest>(
    `${base}/:userId`,
    {
      schema: {
        summary: 'Get a user with its groups, directory sources and history',
        tags,
        params: UserParams,
        response: { 200: UserDetail },
      },
    },
    async (request) => {
      const organizationId = organizationOf(request).id;
      const db = runtime.store.db;
      const row = await findUser(db, organizationId, request.params.userId);
      if (!row) throw notFound(`User "${request.params.userId}"`);
      const groups = await groupsOfUsers(db, organizationId, [row.id]);
      const sources = await directorySourcesOf(db, organizationId, row.id);
      return {
        ...toUserView(row, groups.get(row.id) ?? []),
        sources,
        history: await auditHistoryOf(db, organizationId, row.id, sources, 50),
        events: await eventHistoryOf(db, organizationId, row.id, 50),
      };
    },
  );

  app.patch<UserRequest & { Body: Static<typeof UpdateBody> }>(
    `${base}/:userId`,
    {
      schema: {
        summary: 'Edit a user; fields a directory provides are refused with 409 locked-by-directory',
        tags,
        params: UserParams,
        body: UpdateBody,
        response: { 200: UserSchema },
      },
    },
    async (request) =>
      editUser(runtime, organizationOf(request).id, request.params.userId, request.body, actorOf(request)),
  );

  app.delete<UserRequest>(
    `${base}/:userId`,
    {
      schema: {
        summary:
          "Delete a local user: it leaves its groups and its credentials are revoked (a directory's users are deleted in Entra)",
        tags,
        params: UserParams,
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      await deleteLocalUser(runtime, organizationOf(request).id, request.params.userId, actorOf(request));
      return reply.code(204).send();
    },
  );

  for (const [action, status] of [
    ['deactivate', 'inactive'],
    ['reactivate', 'active'],
  ] as const) {
    app.post<UserRequest>(
      `${base}/:userId/${action}`,
      {
        schema: {
          summary: `${action === 'deactivate' ? 'Deactivate' : 'Reactivate'} a local user (a directory's users are changed in Entra)`,
          tags,
          params: UserParams,
          response: { 200: UserSchema },
        },
      },
      async (request) =>
        setUserStatus(runtime, organizationOf(request).id, request.params.userId, status, actorOf(request)),
    );
  }
}
