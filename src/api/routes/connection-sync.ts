import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { searchGraphGroups } from '../../connectors/graph/search-graph-groups.js';
import { testGraphConnection } from '../../connectors/graph/test-graph-connection.js';
import { isoNow } from '../../clock.js';
import { invalidInput } from '../../errors.js';
import type { Runtime } from '../../runtime.js';
import { appendAudit } from '../../store/audit.js';
import { getConnection } from '../../store/connections.js';
import { directoryGroupNamesByIds, searchDirectoryGroups } from '../../store/directory.js';
import { getPolicy, policyJsonSchema, reconcileConnection, setPolicy } from '../../sync/policy-service.js';
import { cancelSyncRun, getSyncRun, listSyncRuns, startSyncRun } from '../../sync/runs/start-sync-run.js';
import { actorOf } from '../api-actor.js';
import { organizationOf } from '../request-context.js';
import { Nullable, OrgParams } from '../schemas/common.js';
import {
  GraphTestSchema,
  PolicyDocumentSchema,
  ReconcileOutcomeSchema,
  SyncRunSchema,
} from '../schemas/connections.js';

const ConnectionParams = Type.Object({ ...OrgParams.properties, connectionId: Type.String() });
const RunParams = Type.Object({ ...OrgParams.properties, runId: Type.String() });
const PolicyBody = Type.Record(Type.String(), Type.Unknown(), {
  description: 'A policy document; its JSON Schema is at GET /api/v1/policy-schema',
});
const SyncBody = Type.Object(
  {
    dryRun: Type.Optional(Type.Boolean({ description: 'Report what would change and keep nothing' })),
    full: Type.Optional(
      Type.Boolean({ description: 'Read everything rather than the changes since the last run' }),
    ),
  },
  { additionalProperties: false },
);
const ReconcileBody = Type.Object(
  { dryRun: Type.Optional(Type.Boolean({ description: 'Report what would change and keep nothing' })) },
  { additionalProperties: false },
);
const RunsQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  dryRun: Type.Optional(
    Type.Boolean({
      description:
        'Only dry runs (true) or only real runs (false); both when absent. `dryRun=false&limit=1` is the last real sync',
    }),
  ),
  before: Type.Optional(
    Type.String({
      format: 'date-time',
      description: 'Only runs created before this time (the last createdAt seen)',
    }),
  ),
});
const maxGroupIds = 100;
const GroupSearchQuery = Type.Object({
  search: Type.Optional(
    Type.String({ minLength: 1, maxLength: 200, description: 'The start of a word in the group name' }),
  ),
  ids: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 4000,
      description: `Up to ${maxGroupIds} directory group ids, comma-separated: answers the stored directory groups among them (by name), instead of searching`,
    }),
  ),
});
type ConnectionRequest = { Params: Static<typeof ConnectionParams> };

/** Policy, Graph test and group search, sync now, runs and cancel. */
export function registerConnectionSyncRoutes(app: FastifyInstance, runtime: Runtime): void {
  const tags = ['Connections'];
  const base = '/organizations/:org/connections/:connectionId';

  app.get(
    '/policy-schema',
    {
      schema: {
        summary: 'The JSON Schema of connection policies',
        tags: ['Policy'],
        response: { 200: Type.Record(Type.String(), Type.Unknown()) },
      },
    },
    async () => policyJsonSchema(),
  );
  app.get<ConnectionRequest>(
    `${base}/policy`,
    {
      schema: {
        summary: "Get a connection's policy and the effective policy",
        tags: ['Policy'],
        params: ConnectionParams,
        response: { 200: PolicyDocumentSchema },
      },
    },
    async (request) =>
      getPolicy(runtime, request.params.connectionId, { organizationId: organizationOf(request).id }),
  );
  app.put<ConnectionRequest & { Body: Static<typeof PolicyBody> }>(
    `${base}/policy`,
    {
      schema: {
        summary: 'Replace a connection policy; invalid input is a 400 naming the field',
        tags: ['Policy'],
        params: ConnectionParams,
        body: PolicyBody,
        response: { 200: PolicyDocumentSchema },
      },
    },
    async (request) =>
      setPolicy(runtime, request.params.connectionId, request.body, actorOf(request), {
        organizationId: organizationOf(request).id,
      }),
  );
  app.post<ConnectionRequest & { Body: Static<typeof ReconcileBody> }>(
    `${base}/reconcile`,
    {
      schema: {
        summary:
          'Apply the stored policy to the users and groups already synced (or, with dryRun, report what it would change)',
        tags: ['Policy'],
        params: ConnectionParams,
        body: ReconcileBody,
        response: { 200: ReconcileOutcomeSchema },
      },
    },
    async (request) => {
      const dryRun = request.body.dryRun === true;
      const outcome = await reconcileConnection(runtime, request.params.connectionId, {
        dryRun,
        organizationId: organizationOf(request).id,
        actor: actorOf(request),
      });
      // The same report as `roster policy reconcile --json`: a dry run's seat check and per-user
      // errors are what the admin must see before applying.
      return {
        connectionId: request.params.connectionId,
        dryRun,
        counts: { ...outcome.counts },
        errors: outcome.errors,
        ...(outcome.seatCheck === undefined ? {} : { seatCheck: outcome.seatCheck }),
        notes: outcome.notes,
      };
    },
  );
  app.post<ConnectionRequest>(
    `${base}/test`,
    {
      config: { access: 'change' },
      schema: {
        summary: 'Test a Graph connection: token, consented permissions, a read of users and groups',
        tags,
        params: ConnectionParams,
        response: { 200: GraphTestSchema },
      },
    },
    async (request) => testGraphConnection(runtime, request.params.connectionId, organizationOf(request).id),
  );
  app.get<ConnectionRequest & { Querystring: Static<typeof GroupSearchQuery> }>(
    `${base}/directory-groups`,
    {
      schema: {
        summary:
          'Search the directory’s groups by name, for scope and group mappings: the tenant’s (Graph) or those Entra has pushed (SCIM); or name the stored ones by id',
        description:
          'Give exactly one of `search` and `ids`. With `ids`, the answer holds the directory groups Roster has stored for the connection (pushed by Entra, or read by a Graph sync), in no particular order; ids not stored are left out, and Graph is not asked.',
        tags,
        params: ConnectionParams,
        querystring: GroupSearchQuery,
        response: {
          200: Type.Object({
            data: Type.Array(
              Type.Object({
                id: Type.String(),
                displayName: Type.String(),
                description: Nullable(Type.String()),
              }),
            ),
          }),
        },
      },
    },
    async (request) => {
      const { search, ids } = request.query;
      const organizationId = organizationOf(request).id;
      if (ids !== undefined && search === undefined) {
        // A policy names directory groups by id; its page asks for their names after a reload.
        const wanted = groupIdList(ids);
        const connection = await getConnection(runtime.store.db, request.params.connectionId, organizationId);
        const rows = await directoryGroupNamesByIds(runtime.store.db, connection.id, wanted);
        return {
          data: rows.map((row) => ({ id: row.id, displayName: row.display_name, description: null })),
        };
      }
      if (search === undefined) throw invalidInput('Give search (a name) or ids', 'search');
      if (ids !== undefined) throw invalidInput('Give search or ids, not both', 'ids');
      const connection = await getConnection(runtime.store.db, request.params.connectionId, organizationId);
      if (connection.kind === 'graph') {
        return { data: await searchGraphGroups(runtime, connection.id, search, organizationId) };
      }
      // Entra pushes SCIM groups and cannot be asked: the groups it has pushed are the ones to pick.
      const rows = await searchDirectoryGroups(runtime.store.db, connection.id, search);
      return { data: rows.map((row) => ({ id: row.id, displayName: row.display_name, description: null })) };
    },
  );
  app.post<ConnectionRequest & { Body: Static<typeof SyncBody> }>(
    `${base}/sync`,
    {
      schema: {
        summary: 'Start a Graph sync now (or a dry run); answers the queued run at once',
        tags,
        params: ConnectionParams,
        body: SyncBody,
        response: { 202: SyncRunSchema },
      },
    },
    async (request, reply) => {
      const organizationId = organizationOf(request).id;
      const runId = await startSyncRun(runtime, request.params.connectionId, {
        trigger: 'api',
        organizationId,
        actor: actorOf(request),
        dryRun: request.body.dryRun ?? false,
        full: request.body.full ?? false,
      });
      return reply.code(202).send(await getSyncRun(runtime, runId, organizationId));
    },
  );
  app.get<ConnectionRequest & { Querystring: Static<typeof RunsQuery> }>(
    `${base}/runs`,
    {
      schema: {
        summary: "List a connection's sync runs, newest first",
        tags,
        params: ConnectionParams,
        querystring: RunsQuery,
        response: { 200: Type.Object({ data: Type.Array(SyncRunSchema) }) },
      },
    },
    async (request) => ({
      data: await listSyncRuns(runtime, request.params.connectionId, {
        organizationId: organizationOf(request).id,
        limit: request.query.limit ?? 50,
        ...(request.query.before === undefined ? {} : { before: runsBefore(request.query.before) }),
        ...(request.query.dryRun === undefined ? {} : { dryRun: request.query.dryRun }),
      }),
    }),
  );
  app.get<{ Params: Static<typeof RunParams> }>(
    '/organizations/:org/runs/:runId',
    {
      schema: {
        summary: 'Get a sync run with its counts, errors and progress',
        tags,
        params: RunParams,
        response: { 200: SyncRunSchema },
      },
    },
    async (request) => getSyncRun(runtime, request.params.runId, organizationOf(request).id),
  );
  app.post<{ Params: Static<typeof RunParams> }>(
    '/organizations/:org/runs/:runId/cancel',
    {
      schema: {
        summary: 'Cancel a sync run; a running one stops at its next page',
        tags,
        params: RunParams,
        response: { 200: SyncRunSchema },
      },
    },
    async (request) => {
      const organizationId = organizationOf(request).id;
      const run = await cancelSyncRun(runtime, request.params.runId, organizationId);
      // The run's own audit entry records how it ended; this one records who asked.
      await appendAudit(
        runtime.store.db,
        organizationId,
        actorOf(request),
        [
          {
            action: 'sync_run.cancel_requested',
            targetType: 'sync_run',
            targetId: run.id,
            connectionId: run.connectionId,
            after: { status: run.status },
          },
        ],
        isoNow(runtime.clock),
      );
      return run;
    },
  );
}

/**
 * `created_at` is `toISOString` text compared as text, so `before` is brought to that form: a
 * `+02:00` offset or missing milliseconds would otherwise sort wrongly. The schema's `date-time`
 * format lets through what `Date` cannot read (a leap second), refused here the same way.
 */
function runsBefore(before: string): string {
  const time = Date.parse(before);
  if (Number.isNaN(time)) throw invalidInput('before must be a createdAt timestamp of a run', 'before');
  return new Date(time).toISOString();
}

/** `ids` as the list it names: comma-separated, blanks dropped, at most `maxGroupIds`. */
function groupIdList(ids: string): string[] {
  const list = [...new Set(ids.split(',').map((id) => id.trim()))].filter((id) => id !== '');
  if (list.length === 0) throw invalidInput('ids must name at least one directory group id', 'ids');
  if (list.length > maxGroupIds)
    throw invalidInput(`ids names at most ${maxGroupIds} directory groups at once`, 'ids');
  return list;
}
