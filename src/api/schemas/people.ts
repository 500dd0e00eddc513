import { Type } from '@sinclair/typebox';
import { Nullable, Timestamp } from './common.js';

/** UserView and GroupView of src/domain/views.ts, as JSON Schema. */
export const GroupRef = Type.Object({ id: Type.String(), displayName: Type.String() });

export const UserStatus = Type.Union([
  Type.Literal('active'),
  Type.Literal('inactive'),
  Type.Literal('pending'),
]);
export const Source = Type.Union([Type.Literal('local'), Type.Literal('scim'), Type.Literal('graph')]);

export const UserSchema = Type.Object(
  {
    id: Type.String(),
    email: Type.String(),
    userName: Type.String(),
    givenName: Type.String(),
    familyName: Type.String(),
    displayName: Nullable(Type.String()),
    status: UserStatus,
    source: Source,
    connectionId: Nullable(Type.String()),
    externalId: Nullable(Type.String({ description: 'The Entra object id' })),
    roles: Type.Array(Type.String()),
    attributes: Type.Record(Type.String(), Type.String()),
    groups: Type.Optional(Type.Array(GroupRef)),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { title: 'User' },
);

export const GroupSchema = Type.Object(
  {
    id: Type.String(),
    displayName: Type.String(),
    source: Source,
    connectionId: Nullable(Type.String()),
    externalId: Nullable(Type.String()),
    memberCount: Type.Integer(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { title: 'Group' },
);
