import { Type, type TSchema } from '@sinclair/typebox';

/**
 * Schemas shared by the routes. Each is a plain JSON Schema (TypeBox builds them), used by Fastify
 * to validate input and serialise output, and published unchanged in the OpenAPI document.
 * Response schemas list only what may be shown: serialisation drops anything else, secrets too.
 */
export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const Timestamp = Type.String({ format: 'date-time' });

export const OrgParams = Type.Object({
  org: Type.String({ description: 'Organization id or slug', minLength: 1 }),
});

export const PageQuery = {
  cursor: Type.Optional(Type.String({ description: 'The `nextCursor` of the previous page' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
};

export const Page = <T extends TSchema>(item: T, name: string) =>
  Type.Object(
    {
      data: Type.Array(item),
      nextCursor: Nullable(
        Type.String({ description: 'Pass as `cursor` for the next page; null on the last' }),
      ),
    },
    { title: name },
  );

export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.Optional(Type.String()),
    instance: Type.Optional(Type.String()),
    field: Type.Optional(Type.String()),
    connectionId: Type.Optional(Type.String({ description: 'locked-by-directory: the owning connection' })),
    connectionName: Type.Optional(Nullable(Type.String())),
    directory: Type.Optional(Type.String({ description: 'locked-by-directory: scim or graph' })),
    errors: Type.Optional(Type.Array(Type.Object({ pointer: Type.String(), detail: Type.String() }))),
    restartAfter: Type.Optional(
      Type.String({
        description: 'gone (Events API): pass as `after` to read on from the oldest event kept',
      }),
    ),
    oldestSeq: Type.Optional(Type.Integer({ description: 'gone (Events API): the oldest event kept' })),
  },
  { title: 'Problem', description: 'RFC 9457 problem details' },
);

export const AuditActor = Type.Object({
  type: Type.String({ description: 'scim, graph, admin (portal user), api_key, cli or system' }),
  id: Nullable(Type.String()),
});

export const AuditEntrySchema = Type.Object(
  {
    id: Type.String(),
    occurredAt: Timestamp,
    actor: AuditActor,
    action: Type.String(),
    targetType: Nullable(Type.String()),
    targetId: Nullable(Type.String()),
    connectionId: Nullable(Type.String()),
    before: Type.Optional(Type.Unknown()),
    after: Type.Optional(Type.Unknown()),
  },
  { title: 'AuditEntry' },
);

export const EventSchema = Type.Object(
  {
    id: Type.String(),
    seq: Type.Integer(),
    type: Type.String(),
    occurredAt: Timestamp,
    data: Type.Record(Type.String(), Type.Unknown()),
  },
  { title: 'Event' },
);
