import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Runtime } from '../../runtime.js';
import { pageAudit } from '../../store/audit-pages.js';
import { decodeCursor, nextCursorOf } from '../cursor.js';
import { organizationOf } from '../request-context.js';
import { AuditEntrySchema, OrgParams, Page, PageQuery } from '../schemas/common.js';

const AuditQuery = Type.Object({
  ...PageQuery,
  action: Type.Optional(Type.String({ description: 'Only entries of this action, e.g. `user.updated`' })),
  targetId: Type.Optional(Type.String({ description: 'Only entries about this object' })),
});

/** Who or what did what in the organization: SCIM writes, sync runs and admin actions, newest first. */
export function registerAuditRoutes(app: FastifyInstance, runtime: Runtime): void {
  app.get<{ Querystring: Static<typeof AuditQuery> }>(
    '/organizations/:org/audit',
    {
      schema: {
        summary: "Read the organization's audit log, newest first",
        tags: ['Audit'],
        params: OrgParams,
        querystring: AuditQuery,
        response: { 200: Page(AuditEntrySchema, 'AuditPage') },
      },
    },
    async (request) => {
      const limit = request.query.limit ?? 50;
      const before = decodeCursor(request.query.cursor, 2);
      const rows = await pageAudit(runtime.store.db, organizationOf(request).id, {
        before: before && { occurredAt: before[0] ?? '', id: before[1] ?? '' },
        limit: limit + 1,
        action: request.query.action,
        targetIds: request.query.targetId === undefined ? undefined : [request.query.targetId],
      });
      return {
        data: rows.slice(0, limit),
        nextCursor: nextCursorOf(rows, limit, (row) => [row.occurredAt, row.id]),
      };
    },
  );
}
