import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { notFound } from '../../errors.js';
import type { Runtime } from '../../runtime.js';
import { listCredentials } from '../../store/credentials.js';
import { findUser } from '../../store/users.js';
import { credentialView } from '../../sync/user-effects.js';
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

/**
 * Credentials the policy issued to users (issued for new users, revoked on deactivation), in the
 * same view as the `credential.*` events carry.
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
}
