import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { resolvePolicy } from '../../domain/policy/policy.js';
import { invalidInput, notFound } from '../../errors.js';
import type { Runtime } from '../../runtime.js';
import { listConnections } from '../../store/connections.js';
import { listCredentials } from '../../store/credentials.js';
import type { Executor } from '../../store/database.js';
import { findUser } from '../../store/users.js';
import { issueUserCredential, revokeUserCredential } from '../../sync/credential-service.js';
import { credentialView } from '../../sync/user-effects.js';
import { actorOf } from '../api-actor.js';
import { organizationOf } from '../request-context.js';
import { Nullable, OrgParams, Timestamp } from '../schemas/common.js';

const Status = Type.Union([Type.Literal('active'), Type.Literal('revoked')]);
const CredentialSchema = Type.Object(
  {
    id: Type.String(),
    userId: Type.String(),
    connectionId: Nullable(Type.String()),
    type: Type.String({ description: 'e.g. mobile_credential, cloud_key, as the policy names them' }),
    status: Status,
    issuedAt: Timestamp,
    revokedAt: Nullable(Timestamp),
    revokedReason: Nullable(Type.String()),
  },
  { title: 'Credential' },
);
const CredentialList = Type.Object({ data: Type.Array(CredentialSchema) });
const StatusQuery = Type.Object({ status: Type.Optional(Status) });
const UserParams = Type.Object({ ...OrgParams.properties, userId: Type.String() });
const CredentialParams = Type.Object({ ...UserParams.properties, credentialId: Type.String() });
const IssueBody = Type.Object(
  {
    type: Type.String({
      pattern: '^[a-z][a-z0-9_]*$',
      description: "One of the types the organization's policies issue (`newUsers.credentials`)",
    }),
  },
  { additionalProperties: false },
);

/**
 * Credentials the policy issued to users (issued for new users, revoked on deactivation), in the
 * same view as the `credential.*` events carry; an admin may also issue one of those types to an
 * active user, or revoke one (`credential-service.ts` writes the event and audit entry).
 */
export function registerCredentialRoutes(app: FastifyInstance, runtime: Runtime): void {
  const tags = ['Credentials'];
  app.get<{ Querystring: Static<typeof StatusQuery> }>(
    '/organizations/:org/credentials',
    {
      schema: {
        summary: "List the organization's credentials",
        tags,
        params: OrgParams,
        querystring: StatusQuery,
        response: { 200: CredentialList },
      },
    },
    async (request) => ({
      data: (
        await listCredentials(runtime.store.db, organizationOf(request).id, {
          status: request.query.status,
        })
      ).map(credentialView),
    }),
  );
  app.get<{ Params: Static<typeof UserParams>; Querystring: Static<typeof StatusQuery> }>(
    '/organizations/:org/users/:userId/credentials',
    {
      schema: {
        summary: "List a user's credentials, revoked ones included as history",
        tags,
        params: UserParams,
        querystring: StatusQuery,
        response: { 200: CredentialList },
      },
    },
    async (request) => {
      const organizationId = organizationOf(request).id;
      if (!(await findUser(runtime.store.db, organizationId, request.params.userId))) {
        throw notFound(`User "${request.params.userId}"`);
      }
      const credentials = await listCredentials(runtime.store.db, organizationId, {
        userId: request.params.userId,
        status: request.query.status,
      });
      return { data: credentials.map(credentialView) };
    },
  );

  app.post<{ Params: Static<typeof UserParams>; Body: Static<typeof IssueBody> }>(
    '/organizations/:org/users/:userId/credentials',
    {
      schema: {
        summary: "Issue a credential of one of the organization's types to an active user",
        tags,
        params: UserParams,
        body: IssueBody,
        response: { 201: CredentialSchema },
      },
    },
    async (request, reply) => {
      const organizationId = organizationOf(request).id;
      const { userId } = request.params;
      await assertIssuable(runtime.store.db, organizationId, userId, request.body.type);
      const issued = await issueUserCredential(
        runtime,
        organizationId,
        userId,
        request.body.type,
        actorOf(request),
      );
      return reply.code(201).send(credentialView(issued));
    },
  );

  app.delete<{ Params: Static<typeof CredentialParams> }>(
    '/organizations/:org/users/:userId/credentials/:credentialId',
    {
      schema: {
        summary: 'Revoke a credential at once (reason revoked_by_admin); it stays listed as history',
        tags,
        params: CredentialParams,
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      const organizationId = organizationOf(request).id;
      const { userId, credentialId } = request.params;
      // As API keys and SCIM tokens answer: only an active credential of this user can be revoked.
      await revokeUserCredential(runtime, organizationId, credentialId, actorOf(request), userId);
      return reply.code(204).send();
    },
  );
}

/**
 * An admin issues what the sync would: a type some connection's policy names. That the user is
 * active (the sync gives a blocked user nothing and revokes everything on deactivation) is checked
 * by `issueUserCredential`, in the transaction that issues.
 */
async function assertIssuable(
  db: Executor,
  organizationId: string,
  userId: string,
  type: string,
): Promise<void> {
  const user = await findUser(db, organizationId, userId);
  if (!user) throw notFound(`User "${userId}"`);
  const chosen = await credentialTypesOf(db, organizationId);
  if (!chosen.includes(type)) {
    throw invalidInput(
      `type "${type}" is not a credential type of this organization (its connections' ` +
        `newUsers.credentials): ${chosen.length === 0 ? 'none is set' : chosen.join(', ')}`,
      'type',
    );
  }
}

/** The credential types the organization chose: those its connections' policies issue to new users. */
async function credentialTypesOf(db: Executor, organizationId: string): Promise<string[]> {
  const types = new Set<string>();
  for (const connection of await listConnections(db, organizationId)) {
    for (const type of resolvePolicy(connection.kind, connection.policy).newUsers.credentials)
      types.add(type);
  }
  return [...types].sort();
}
