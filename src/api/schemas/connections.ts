import { Type } from '@sinclair/typebox';
import { Nullable, Timestamp } from './common.js';

/** Connections, SCIM tokens, Graph tests, sync runs, policies and reconciles as the API shows them: never a secret. */
export const ConnectionSchema = Type.Object(
  {
    id: Type.String(),
    organizationId: Type.String(),
    kind: Type.Union([Type.Literal('scim'), Type.Literal('graph')]),
    name: Type.String(),
    status: Type.String(),
    settings: Type.Record(Type.String(), Type.Unknown(), {
      description: 'Non-secret settings (Graph: tenant id, client id, cloud, hosts, interval)',
    }),
    tenantUrl: Type.Optional(Type.String({ description: 'SCIM: the Tenant URL to enter in Entra' })),
    secretExpiresAt: Nullable(Type.String()),
    lastRequestAt: Nullable(Timestamp),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { title: 'Connection' },
);

export const ScimTokenSchema = Type.Object(
  {
    id: Type.String(),
    connectionId: Type.String(),
    hint: Type.String({ description: 'The last characters of the token' }),
    createdAt: Timestamp,
    lastUsedAt: Nullable(Timestamp),
    revokedAt: Nullable(Timestamp),
  },
  { title: 'ScimToken' },
);

export const GraphConnectionSchema = Type.Object(
  {
    connectionId: Type.String(),
    organizationId: Type.String(),
    name: Type.String(),
    tenantId: Type.String(),
    clientId: Type.String(),
    cloud: Type.String(),
    loginUrl: Type.String(),
    graphUrl: Type.String(),
    credential: Type.Union([Type.Literal('secret'), Type.Literal('certificate')]),
    certificateThumbprint: Nullable(Type.String()),
    interval: Type.String(),
    secretExpiresAt: Nullable(Type.String()),
  },
  { title: 'GraphConnection' },
);

const Check = Type.Union([Type.Literal('ok'), Type.Literal('failed'), Type.Literal('skipped')]);
export const GraphTestSchema = Type.Object(
  {
    connectionId: Type.String(),
    ok: Type.Boolean(),
    tenantId: Type.String(),
    clientId: Type.String(),
    loginUrl: Type.String(),
    graphUrl: Type.String(),
    token: Type.Union([Type.Literal('acquired'), Type.Literal('failed')]),
    roles: Type.Array(Type.String()),
    missing: Type.Array(Type.Object({ neededFor: Type.String(), anyOf: Type.Array(Type.String()) })),
    checks: Type.Object({ users: Check, groups: Check }),
    error: Nullable(
      Type.Object({
        code: Type.String(),
        graphCode: Type.String(),
        message: Type.String(),
        remedy: Type.Optional(Type.String()),
      }),
    ),
    remedies: Type.Array(Type.String()),
  },
  { title: 'GraphConnectionTest' },
);

export const SyncRunSchema = Type.Object(
  {
    id: Type.String(),
    organizationId: Type.String(),
    connectionId: Type.String(),
    trigger: Type.String(),
    status: Type.Union([
      Type.Literal('queued'),
      Type.Literal('running'),
      Type.Literal('succeeded'),
      Type.Literal('failed'),
      Type.Literal('cancelled'),
    ]),
    dryRun: Type.Boolean(),
    full: Type.Boolean(),
    cancelRequested: Type.Boolean(),
    createdAt: Timestamp,
    startedAt: Nullable(Timestamp),
    finishedAt: Nullable(Timestamp),
    counts: Type.Record(Type.String(), Type.Integer()),
    errors: Type.Array(
      Type.Object({
        objectId: Type.Optional(Type.String()),
        field: Type.Optional(Type.String()),
        code: Type.Optional(Type.String()),
        graphCode: Type.Optional(Type.String()),
        message: Type.String(),
        remedy: Type.Optional(Type.String()),
      }),
    ),
    progress: Type.Record(Type.String(), Type.Unknown()),
  },
  { title: 'SyncRun' },
);

export const PolicyDocumentSchema = Type.Object(
  {
    connectionId: Type.String(),
    organizationId: Type.String(),
    kind: Type.Union([Type.Literal('scim'), Type.Literal('graph')]),
    policy: Type.Record(Type.String(), Type.Unknown(), {
      description: 'The policy as set; members left out take defaults',
    }),
    effective: Type.Record(Type.String(), Type.Unknown(), { description: 'What the engine applies' }),
    pending: Type.Boolean({
      description:
        'Set since the last reconcile: users and groups synced before do not reflect it yet. The next Graph sync applies it, as does POST …/reconcile.',
    }),
  },
  { title: 'PolicyDocument' },
);

export const SeatCheckSchema = Type.Object(
  {
    seatLimit: Type.Integer({ description: "The organization's seat limit" }),
    seatsUsed: Type.Integer({ description: 'Active and pending users once the change is applied' }),
    wouldImport: Type.Integer({ description: 'Users the change creates or reactivates' }),
    exceeded: Type.Boolean({
      description:
        'The change ends above the limit: a real reconcile applies nothing (409 seat-limit-exceeded)',
    }),
  },
  {
    title: 'SeatCheck',
    description:
      'Present when the organization has a seat limit and the change creates or reactivates users. A dry run reports an exceeded limit here rather than failing',
  },
);

export const ReconcileOutcomeSchema = Type.Object(
  {
    connectionId: Type.String(),
    dryRun: Type.Boolean(),
    counts: Type.Record(Type.String(), Type.Integer()),
    errors: Type.Array(
      Type.Object({
        objectId: Type.String({ description: 'The directory user or group' }),
        field: Type.Optional(Type.String()),
        message: Type.String(),
      }),
      { description: 'Per-user (or group) errors: each is skipped, the others are applied' },
    ),
    seatCheck: Type.Optional(SeatCheckSchema),
    notes: Type.Array(Type.String(), {
      description: 'What a dry run could not foresee (groups or Graph properties not read yet)',
    }),
  },
  { title: 'ReconcileOutcome' },
);
