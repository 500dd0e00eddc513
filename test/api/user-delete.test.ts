import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { UserView } from '../../src/domain/views.js';
import { issueUserCredential } from '../../src/sync/credential-service.js';
import { engines } from '../support/engines.js';
import { startTestRoster, type TestRoster } from '../support/roster.js';
import { entraUser, patchOp, scimClient } from '../support/scim-client.js';
import { organizationWithKey } from './support/api-client.js';
import { loadConformance } from './support/openapi-conformance.js';

interface Event {
  seq: number;
  type: string;
  data: { credential?: Record<string, unknown>; user?: { id: string }; groupId?: string; userId?: string };
}
interface Problem {
  type: string;
  status: number;
  detail: string;
  connectionId?: string;
  directory?: string;
}

for (const engine of engines) {
  describe(`REST API: deleting users and the credential view on ${engine}`, () => {
    let roster: TestRoster;
    let acme: Awaited<ReturnType<typeof organizationWithKey>>;
    let scim: ReturnType<typeof scimClient>;
    let connectionId: string;

    const eventsAfter = async (after: number) =>
      (await acme.api.get<{ data: Event[] }>(`/organizations/acme/events?after=${after}&limit=1000`)).body
        .data;
    const lastSeq = async () => (await eventsAfter(0)).at(-1)?.seq ?? 0;

    before(async () => {
      roster = await startTestRoster(engine);
      const conformance = await loadConformance(roster.url);
      acme = await organizationWithKey(roster, 'acme', 'admin', conformance.check);
      const connected = await acme.api.post<{ connection: { id: string }; tenantUrl: string; token: string }>(
        '/organizations/acme/connections/scim',
        { name: 'Entra (Contoso)' },
      );
      assert.equal(connected.status, 201);
      connectionId = connected.body.connection.id;
      scim = scimClient(connected.body.tenantUrl, connected.body.token);
      const policy = await acme.api.put(`/organizations/acme/connections/${connectionId}/policy`, {
        newUsers: { credentials: ['cloud_key'] },
      });
      assert.equal(policy.status, 200);
    });
    after(() => roster.close());

    test('credential events carry the credential as the REST API lists it', async () => {
      const from = await lastSeq();
      const pushed = await scim.post('/Users', entraUser(1));
      assert.equal(pushed.status, 201);
      const scimId = (pushed.body as { id: string }).id;
      assert.equal(
        (await scim.patch(`/Users/${scimId}`, patchOp({ op: 'Replace', path: 'active', value: 'False' })))
          .status,
        200,
      );
      const events = await eventsAfter(from);
      const issued = events.find((event) => event.type === 'credential.issued')?.data.credential;
      const revoked = events.find((event) => event.type === 'credential.revoked')?.data.credential;
      assert.ok(issued && revoked);
      const listed = await acme.api.get<{ data: Record<string, unknown>[] }>(
        `/organizations/acme/users/${String(issued.userId)}/credentials`,
      );
      assert.deepEqual(revoked, listed.body.data[0]);
      assert.deepEqual(Object.keys(issued).sort(), Object.keys(revoked).sort());
      assert.deepEqual(revoked, {
        ...issued,
        status: 'revoked',
        revokedAt: revoked.revokedAt,
        revokedReason: 'deactivated',
      });
      assert.equal(issued.connectionId, connectionId);
      assert.equal(issued.revokedReason, null);
      const organizationWide = await acme.api.get<{ data: Record<string, unknown>[] }>(
        '/organizations/acme/credentials',
      );
      assert.deepEqual(organizationWide.body.data, listed.body.data);
    });

    test('deletes a local user: it leaves its groups, its credentials are revoked, then it is deleted', async () => {
      const user = (
        await acme.api.post<UserView>('/organizations/acme/users', {
          email: 'ada@acme.test',
          givenName: 'Ada',
          familyName: 'Lovelace',
        })
      ).body;
      const group = (
        await acme.api.post<{ id: string }>('/organizations/acme/groups', { displayName: 'Engines' })
      ).body;
      assert.equal(
        (await acme.api.post(`/organizations/acme/groups/${group.id}/members`, { userIds: [user.id] }))
          .status,
        200,
      );
      // An admin-issued credential, as the policy issues none to local users.
      const credential = await issueUserCredential(roster.runtime, acme.id, user.id, 'cloud_key', {
        type: 'system',
        id: null,
      });
      const from = await lastSeq();

      const deleted = await acme.api.delete(`/organizations/acme/users/${user.id}`);
      assert.equal(deleted.status, 204);

      const events = await eventsAfter(from);
      assert.deepEqual(
        events.map((event) => event.type),
        ['group.member_removed', 'credential.revoked', 'user.deleted'],
      );
      assert.deepEqual(events[0]?.data, { groupId: group.id, userId: user.id });
      assert.equal(events[1]?.data.credential?.id, credential.id);
      assert.equal(events[1]?.data.credential?.revokedReason, 'deleted');
      assert.equal(events[2]?.data.user?.id, user.id);
      assert.equal((await acme.api.get(`/organizations/acme/users/${user.id}`)).status, 404);
      const members = await acme.api.get<{ data: unknown[] }>(
        `/organizations/acme/groups/${group.id}/members`,
      );
      assert.deepEqual(members.body.data, []);
      const audit = await acme.api.get<{
        data: { action: string; targetId: string; actor: { type: string } }[];
      }>(`/organizations/acme/audit?targetId=${user.id}`);
      assert.equal(audit.body.data[0]?.action, 'user.deleted');
      assert.equal(audit.body.data[0]?.actor.type, 'api_key');
      assert.equal((await acme.api.delete(`/organizations/acme/users/${user.id}`)).status, 404);
    });

    test("refuses to delete a directory's user with 409 locked-by-directory, naming the connection", async () => {
      assert.equal((await scim.post('/Users', entraUser(2))).status, 201);
      const users = await acme.api.get<{ data: UserView[] }>(
        '/organizations/acme/users?source=scim&status=active',
      );
      const synced = users.body.data[0];
      assert.ok(synced);
      const refused = await acme.api.delete<Problem>(`/organizations/acme/users/${synced.id}`);
      assert.equal(refused.status, 409);
      assert.match(refused.contentType, /^application\/problem\+json/);
      assert.equal(refused.body.type, 'urn:roster:problem:locked-by-directory');
      assert.equal(refused.body.connectionId, connectionId);
      assert.equal(refused.body.directory, 'scim');
      assert.equal((await acme.api.get(`/organizations/acme/users/${synced.id}`)).status, 200);
    });

    test('refuses a read-only key and a user of another organization', async () => {
      const local = (
        await acme.api.post<UserView>('/organizations/acme/users', {
          email: 'grace@acme.test',
          givenName: 'Grace',
          familyName: 'Hopper',
        })
      ).body;
      const readOnlyOnAcme = await acme.api.post<{ key: string }>('/organizations/acme/api-keys', {
        name: 'reader',
        role: 'read_only',
      });
      assert.equal(readOnlyOnAcme.status, 201);
      const refused = await fetch(`${roster.url}/api/v1/organizations/acme/users/${local.id}`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${readOnlyOnAcme.body.key}` },
      });
      assert.equal(refused.status, 403);
      const other = await organizationWithKey(roster, 'globex');
      assert.equal((await other.api.delete(`/organizations/acme/users/${local.id}`)).status, 404);
      assert.equal((await acme.api.get(`/organizations/acme/users/${local.id}`)).status, 200);
    });
  });
}
