import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { toGroupView, toUserView } from '../../domain/views.js';
import { notFound } from '../../errors.js';
import type { Runtime } from '../../runtime.js';
import { findGroup, listGroups, pageGroupMembers } from '../../store/groups.js';
import { usersByIds } from '../../store/users.js';
import { actorOf } from '../api-actor.js';
import { decodeCursor, nextCursorOf } from '../cursor.js';
import {
  addLocalMembers,
  createLocalGroup,
  deleteLocalGroup,
  removeLocalMember,
  renameLocalGroup,
} from '../groups/local-groups.js';
import { organizationOf } from '../request-context.js';
import { OrgParams, Page, PageQuery } from '../schemas/common.js';
import { GroupSchema, UserSchema } from '../schemas/people.js';

const GroupParams = Type.Object({ ...OrgParams.properties, groupId: Type.String() });
const MemberParams = Type.Object({ ...GroupParams.properties, userId: Type.String() });
const MembersQuery = Type.Object({ ...PageQuery });
const GroupsQuery = Type.Object({ ...PageQuery, search: Type.Optional(Type.String({ maxLength: 200 })) });
const NameBody = Type.Object(
  { displayName: Type.String({ minLength: 1, maxLength: 256 }) },
  { additionalProperties: false },
);
const MembersBody = Type.Object(
  { userIds: Type.Array(Type.String(), { minItems: 1, maxItems: 1000 }) },
  { additionalProperties: false },
);
type GroupRequest = { Params: Static<typeof GroupParams> };

export function registerGroupRoutes(app: FastifyInstance, runtime: Runtime): void {
  const tags = ['Groups'];
  const base = '/organizations/:org/groups';
  app.get<{ Querystring: Static<typeof GroupsQuery> }>(
    base,
    {
      schema: {
        summary: 'List groups with their member counts',
        tags,
        params: OrgParams,
        querystring: GroupsQuery,
        response: { 200: Page(GroupSchema, 'GroupPage') },
      },
    },
    async (request) => {
      const limit = request.query.limit ?? 50;
      const rows = await listGroups(runtime.store.db, organizationOf(request).id, {
        search: request.query.search,
        after: decodeCursor(request.query.cursor, 1)?.[0],
        limit: limit + 1,
      });
      return {
        data: rows.slice(0, limit).map(toGroupView),
        nextCursor: nextCursorOf(rows, limit, (row) => [row.id]),
      };
    },
  );
  app.post<{ Body: Static<typeof NameBody> }>(
    base,
    {
      schema: {
        summary: 'Create a local group',
        tags,
        params: OrgParams,
        body: NameBody,
        response: { 201: GroupSchema },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(
          await createLocalGroup(
            runtime,
            organizationOf(request).id,
            request.body.displayName,
            actorOf(request),
          ),
        ),
  );
  app.get<GroupRequest>(
    `${base}/:groupId`,
    { schema: { summary: 'Get a group', tags, params: GroupParams, response: { 200: GroupSchema } } },
    async (request) => {
      const row = await findGroup(runtime.store.db, organizationOf(request).id, request.params.groupId);
      if (!row) throw notFound(`Group "${request.params.groupId}"`);
      return toGroupView(row);
    },
  );
  app.patch<GroupRequest & { Body: Static<typeof NameBody> }>(
    `${base}/:groupId`,
    {
      schema: {
        summary: 'Rename a local group',
        tags,
        params: GroupParams,
        body: NameBody,
        response: { 200: GroupSchema },
      },
    },
    async (request) =>
      renameLocalGroup(
        runtime,
        organizationOf(request).id,
        request.params.groupId,
        request.body.displayName,
        actorOf(request),
      ),
  );
  app.delete<GroupRequest>(
    `${base}/:groupId`,
    {
      schema: { summary: 'Delete a local group', tags, params: GroupParams, response: { 204: Type.Null() } },
    },
    async (request, reply) => {
      await deleteLocalGroup(runtime, organizationOf(request).id, request.params.groupId, actorOf(request));
      return reply.code(204).send();
    },
  );
  app.get<GroupRequest & { Querystring: Static<typeof MembersQuery> }>(
    `${base}/:groupId/members`,
    {
      schema: {
        summary: 'List the members of a group, a page at a time',
        tags,
        params: GroupParams,
        querystring: MembersQuery,
        response: { 200: Page(UserSchema, 'MemberPage') },
      },
    },
    async (request) => {
      const organizationId = organizationOf(request).id;
      const db = runtime.store.db;
      if (!(await findGroup(db, organizationId, request.params.groupId))) {
        throw notFound(`Group "${request.params.groupId}"`);
      }
      const limit = request.query.limit ?? 50;
      const ids = await pageGroupMembers(db, organizationId, request.params.groupId, {
        after: decodeCursor(request.query.cursor, 1)?.[0],
        limit: limit + 1,
      });
      const page = ids.slice(0, limit);
      const rows = (await usersByIds(db, organizationId, page)).sort((a, b) => (a.id < b.id ? -1 : 1));
      return { data: rows.map((row) => toUserView(row)), nextCursor: nextCursorOf(ids, limit, (id) => [id]) };
    },
  );
  app.post<GroupRequest & { Body: Static<typeof MembersBody> }>(
    `${base}/:groupId/members`,
    {
      schema: {
        summary: 'Add users to a local group',
        tags,
        params: GroupParams,
        body: MembersBody,
        response: {
          200: Type.Object({
            added: Type.Array(Type.String(), { description: 'Users that were not members before' }),
          }),
        },
      },
    },
    async (request) => ({
      added: await addLocalMembers(
        runtime,
        organizationOf(request).id,
        request.params.groupId,
        request.body.userIds,
        actorOf(request),
      ),
    }),
  );
  app.delete<{ Params: Static<typeof MemberParams> }>(
    `${base}/:groupId/members/:userId`,
    {
      schema: {
        summary: 'Remove a user from a local group',
        tags,
        params: MemberParams,
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      await removeLocalMember(
        runtime,
        organizationOf(request).id,
        request.params.groupId,
        request.params.userId,
        actorOf(request),
      );
      return reply.code(204).send();
    },
  );
}
