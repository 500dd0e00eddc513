import { Type, type TSchema } from '@sinclair/typebox';

/**
 * The stored policy format as a JSON Schema (TypeBox builds both the schema and its checker).
 * Every member is optional: what a policy leaves out takes the default. Published by
 * `roster policy schema` and documented in docs/policy.md.
 */
const strict = { additionalProperties: false } as const;
const text = (description?: string) => Type.String({ minLength: 1, ...(description ? { description } : {}) });

const GroupRef = Type.Union([
  Type.Object({ id: text('the directory group id (Entra object id)') }, strict),
  Type.Object({ name: text('the directory group display name, compared case-insensitively') }, strict),
]);

const MappingExpression = Type.Recursive(
  (Self) =>
    Type.Union([
      text('a source attribute name, e.g. "department" or "name.givenName"'),
      Type.Object({ source: text() }, strict),
      Type.Object({ firstOf: Type.Array(Self, { minItems: 1 }) }, strict),
      Type.Object({ lower: Self }, strict),
      Type.Object(
        { join: Type.Array(Self, { minItems: 1 }), separator: Type.Optional(Type.String()) },
        strict,
      ),
      Type.Object({ constant: Type.String() }, strict),
    ]),
  { $id: 'MappingExpression' },
);

const condition = (operator: string, value: TSchema) =>
  Type.Object(
    { attribute: text('a flattened source attribute, e.g. "department", "userType"'), [operator]: value },
    strict,
  );

const ScopeFilter = Type.Recursive(
  (Self) =>
    Type.Union([
      Type.Object({ and: Type.Array(Self, { minItems: 1 }) }, strict),
      Type.Object({ or: Type.Array(Self, { minItems: 1 }) }, strict),
      Type.Object({ not: Self }, strict),
      Type.Object({ memberOf: GroupRef }, strict),
      condition('equals', Type.String()),
      condition('notEquals', Type.String()),
      condition('in', Type.Array(Type.String(), { minItems: 1 })),
      condition('startsWith', Type.String({ minLength: 1 })),
      condition('contains', Type.String({ minLength: 1 })),
    ]),
  { $id: 'ScopeFilter' },
);

const GroupMapping = Type.Object(
  {
    directoryGroup: GroupRef,
    platformGroup: Type.Union([
      Type.Object({ id: text('an existing platform group id') }, strict),
      Type.Object({ create: text('the name of a platform group to create (or reuse)') }, strict),
    ]),
    autoRemove: Type.Optional(Type.Boolean()),
  },
  strict,
);

export const PolicySchema = Type.Object(
  {
    scope: Type.Optional(
      Type.Object(
        {
          users: Type.Optional(
            Type.Union([Type.Literal('all'), Type.Literal('groups'), Type.Literal('mappedGroups')]),
          ),
          groups: Type.Optional(Type.Array(GroupRef)),
          nested: Type.Optional(Type.Boolean()),
          filter: Type.Optional(Type.Union([ScopeFilter, Type.Null()])),
        },
        strict,
      ),
    ),
    attributeMapping: Type.Optional(
      Type.Record(Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_]*$' }), MappingExpression),
    ),
    customFields: Type.Optional(
      Type.Array(Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_]*$' }), { uniqueItems: true }),
    ),
    groups: Type.Optional(
      Type.Object(
        {
          unmapped: Type.Optional(Type.Union([Type.Literal('mirror'), Type.Literal('ignore')])),
          mappings: Type.Optional(Type.Array(GroupMapping)),
        },
        strict,
      ),
    ),
    roles: Type.Optional(
      Type.Object(
        {
          fromSource: Type.Optional(Type.Boolean()),
          rules: Type.Optional(Type.Array(Type.Object({ group: GroupRef, role: text() }, strict))),
        },
        strict,
      ),
    ),
    lifecycle: Type.Optional(
      Type.Object(
        {
          onDelete: Type.Optional(Type.Union([Type.Literal('delete'), Type.Literal('deactivate')])),
          autoRemoveFromGroups: Type.Optional(Type.Boolean()),
          outOfScope: Type.Optional(Type.Union([Type.Literal('deactivate'), Type.Literal('delete')])),
          deleteAfterDays: Type.Optional(Type.Integer({ minimum: 0, maximum: 3650 })),
        },
        strict,
      ),
    ),
    newUsers: Type.Optional(
      Type.Object(
        {
          enrollmentEmail: Type.Optional(Type.Boolean()),
          credentials: Type.Optional(
            Type.Array(Type.String({ pattern: '^[a-z][a-z0-9_]*$' }), { uniqueItems: true }),
          ),
        },
        strict,
      ),
    ),
  },
  { ...strict, $id: 'https://roster.dev/schemas/policy.json', title: 'Roster connection policy' },
);

/** The policy format as a standalone JSON Schema (draft 2020-12), definitions inlined by TypeBox. */
export function policyJsonSchema(): Record<string, unknown> {
  return JSON.parse(
    JSON.stringify({ $schema: 'https://json-schema.org/draft/2020-12/schema', ...PolicySchema }),
  ) as Record<string, unknown>;
}
