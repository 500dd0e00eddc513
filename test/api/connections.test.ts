import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { engines } from '../support/engines.js';
import { startTestRoster, type TestRoster } from '../support/roster.js';
import { entraUser, scimClient } from '../support/scim-client.js';
import { organizationWithKey } from './support/api-client.js';
import { loadConformance } from './support/openapi-conformance.js';

interface Connection {
  id: string;
  kind: string;
  tenantUrl?: string;
  settings: Record<string, unknown>;
}

for (const engine of engines) {
  describe(`REST API connections, tokens, policy and credentials on ${engine}`, () => {
    let roster: TestRoster;
    let acme: Awaited<ReturnType<typeof organizationWithKey>>;
    let scim: { connection: Connection; tenantUrl: string; token: string; tokenId: string };

    before(async () => {
      roster = await startTestRoster(engine);
      const conformance = await loadConformance(roster.url);
      acme = await organizationWithKey(roster, 'acme', 'admin', conformance.check);
      const created = await acme.api.post<typeof scim>('/organizations/acme/connections/scim', {});
      assert.equal(created.status, 201);
      scim = created.body;
    });
    after(() => roster.close());

    test('creates a SCIM connection whose Tenant URL and token work for Entra', async () => {
      assert.equal(scim.tenantUrl, `${roster.url}/scim/v2/${scim.connection.id}?aadOptscim062020`);
      assert.equal(scim.connection.tenantUrl, scim.tenantUrl);
      const probe = await scimClient(scim.tenantUrl, scim.token).get('/Users?filter=userName%20eq%20%22x%22');
      assert.equal(probe.status, 200);
      const listed = await acme.api.get<{ data: Connection[] }>('/organizations/acme/connections');
      assert.deepEqual(
        listed.body.data.map((c) => c.kind),
        ['scim'],
      );
    });

    test('adds, lists and revokes SCIM tokens; a revoked token stops working', async () => {
      const base = `/organizations/acme/connections/${scim.connection.id}/tokens`;
      const added = await acme.api.post<{ id: string; token: string }>(base);
      assert.equal(added.status, 201);
      const listed = await acme.api.get<{ data: Record<string, unknown>[] }>(base);
      assert.equal(listed.body.data.length, 2);
      assert.ok(listed.body.data.every((token) => token.token === undefined));
      assert.equal((await acme.api.delete(`${base}/${added.body.id}`)).status, 204);
      const refused = await scimClient(scim.tenantUrl, added.body.token).get('/Users');
      assert.equal(refused.status, 401);
    });

    test('sets a policy, refuses an invalid one naming the field, and issues the credentials it asks for', async () => {
      const base = `/organizations/acme/connections/${scim.connection.id}/policy`;
      const invalid = await acme.api.put<{ status: number; field?: string; detail: string }>(base, {
        newUsers: { credentials: ['Not Valid'] },
      });
      assert.equal(invalid.status, 400);
      assert.match(JSON.stringify(invalid.body), /newUsers/);
      const set = await acme.api.put<{ policy: Record<string, unknown> }>(base, {
        newUsers: { credentials: ['mobile_credential'] },
      });
      assert.equal(set.status, 200);
      assert.deepEqual(set.body.policy, { newUsers: { credentials: ['mobile_credential'] } });
      const read = await acme.api.get<{ effective: { newUsers: { credentials: string[] } } }>(base);
      assert.deepEqual(read.body.effective.newUsers.credentials, ['mobile_credential']);

      const pushed = await scimClient(scim.tenantUrl, scim.token).post('/Users', entraUser(7));
      assert.equal(pushed.status, 201);
      const users = await acme.api.get<{ data: { id: string }[] }>('/organizations/acme/users');
      const userId = users.body.data[0]?.id ?? '';
      const credentials = await acme.api.get<{ data: { type: string; status: string }[] }>(
        `/organizations/acme/users/${userId}/credentials`,
      );
      assert.deepEqual(
        credentials.body.data.map((c) => [c.type, c.status]),
        [['mobile_credential', 'active']],
      );
      const events = await acme.api.get<{ data: { type: string }[] }>(
        '/organizations/acme/events?types=credential.*',
      );
      assert.deepEqual(
        events.body.data.map((event) => event.type),
        ['credential.issued'],
      );
    });

    test('creates a Graph connection without ever answering its secret', async () => {
      const created = await acme.api.post<Record<string, unknown>>('/organizations/acme/connections/graph', {
        tenantId: '11111111-2222-3333-4444-555555555555',
        clientId: '66666666-7777-8888-9999-000000000000',
        clientSecret: 'very-secret-value',
        secretExpiresAt: '2099-06-30',
      });
      assert.equal(created.status, 201);
      assert.doesNotMatch(JSON.stringify(created.body), /very-secret-value/);
      const listed = await acme.api.get<{ data: Connection[] }>('/organizations/acme/connections');
      assert.doesNotMatch(JSON.stringify(listed.body), /very-secret-value/);
      const audit = await acme.api.get<{ data: { action: string; actor: { type: string } }[] }>(
        '/organizations/acme/audit?action=connection.created',
      );
      assert.equal(audit.body.data.length, 2);
      assert.ok(audit.body.data.every((entry) => entry.actor.type === 'api_key'));
      assert.doesNotMatch(JSON.stringify(audit.body), /very-secret-value/);
      const typo = await acme.api.post<{ detail: string }>('/organizations/acme/connections/graph', {
        tenantId: '11111111-2222-3333-4444-555555555555',
        clientId: 'xyz',
        clientSecret: 'very-secret-value',
      });
      assert.equal(typo.status, 400);
      assert.match(typo.body.detail, /clientId must be the Application \(client\) ID, a GUID/);
    });

    test("changes a Graph connection's schedule and secret; a bad interval changes nothing", async () => {
      const created = await acme.api.post<{ connectionId: string; interval: string }>(
        '/organizations/acme/connections/graph',
        {
          tenantId: '11111111-2222-3333-4444-555555555555',
          clientId: '66666666-7777-8888-9999-000000000000',
          clientSecret: 'first-secret-value',
          interval: '1h',
        },
      );
      assert.equal(created.status, 201);
      const path = `/organizations/acme/connections/${created.body.connectionId}/graph`;

      const refused = await acme.api.patch<{ title: string; detail: string }>(path, {
        interval: 'every tuesday',
        clientSecret: 'never-stored-value',
      });
      assert.equal(refused.status, 400);
      assert.match(refused.body.detail, /interval must be/);

      const scheduled = await acme.api.patch<{ interval: string; secretExpiresAt: string | null }>(path, {
        interval: '15m',
      });
      assert.equal(scheduled.status, 200);
      assert.equal(scheduled.body.interval, '15m');
      assert.equal(scheduled.body.secretExpiresAt, null, 'the refused request replaced no secret');

      const rotated = await acme.api.patch<{ interval: string; secretExpiresAt: string | null }>(path, {
        clientSecret: 'second-secret-value',
        secretExpiresAt: '2099-12-31',
        interval: 'off',
      });
      assert.equal(rotated.status, 200);
      assert.equal(rotated.body.interval, 'off');
      assert.equal(rotated.body.secretExpiresAt, '2099-12-31T00:00:00.000Z');
      assert.doesNotMatch(JSON.stringify(rotated.body), /second-secret-value/);

      const audit = await acme.api.get<{ data: { action: string; before: unknown; after: unknown }[] }>(
        '/organizations/acme/audit?action=connection.schedule_set',
      );
      assert.deepEqual(
        audit.body.data.map((entry) => entry.after),
        [{ interval: 'off' }, { interval: '15m' }],
      );
      const scimRefused = await acme.api.patch(
        `/organizations/acme/connections/${scim.connection.id}/graph`,
        { interval: '1h' },
      );
      assert.equal(scimRefused.status, 400);
    });

    test('refuses to sync a SCIM connection: Entra pushes it', async () => {
      const response = await acme.api.post(`/organizations/acme/connections/${scim.connection.id}/sync`, {});
      assert.equal(response.status, 400);
    });

    test('finds the groups Entra pushed to a SCIM connection by the start of a word in their name', async () => {
      const created = await acme.api.post<typeof scim>('/organizations/acme/connections/scim', {
        name: 'Groups',
      });
      const entra = scimClient(created.body.tenantUrl, created.body.token);
      for (const displayName of ['Finance Team', 'Fin_ops', 'Engineering', 'Refinance'])
        assert.equal((await entra.post('/Groups', { displayName })).status, 201);
      const search = async (text: string) =>
        (
          await acme.api.get<{ data: { displayName: string }[] }>(
            `/organizations/acme/connections/${created.body.connection.id}/directory-groups?search=${encodeURIComponent(text)}`,
          )
        ).body.data.map((group) => group.displayName);
      assert.deepEqual(await search('fin'), ['Fin_ops', 'Finance Team']);
      assert.deepEqual(await search('TEAM'), ['Finance Team']);
      assert.deepEqual(await search('fin_'), ['Fin_ops']);
      assert.deepEqual(await search('inance'), []);
    });

    test('a policy set is pending until reconciled; reconcile applies it to the users already provisioned', async () => {
      const created = await acme.api.post<typeof scim>('/organizations/acme/connections/scim', {
        name: 'Reconcile',
      });
      const connection = created.body.connection.id;
      const entra = scimClient(created.body.tenantUrl, created.body.token);
      const intern = entraUser('rec-1', {
        'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { department: 'Interns' },
      });
      assert.equal((await entra.post('/Users', intern)).status, 201);
      assert.equal((await entra.post('/Users', entraUser('rec-2'))).status, 201);
      const base = `/organizations/acme/connections/${connection}`;
      const set = await acme.api.put<{ pending: boolean }>(`${base}/policy`, {
        scope: { filter: { not: { attribute: 'department', equals: 'Interns' } } },
      });
      assert.equal(set.status, 200);
      assert.equal(set.body.pending, true);
      const statuses = async () =>
        (
          await acme.api.get<{ data: { userName: string; status: string }[] }>(
            `/organizations/acme/users?source=scim&search=rec-`,
          )
        ).body.data
          .map((user) => `${user.userName.toLowerCase()} ${user.status}`)
          .sort();
      assert.deepEqual(await statuses(), [
        'test_user_rec-1@testuser.com active',
        'test_user_rec-2@testuser.com active',
      ]);
      const preview = await acme.api.post<{ dryRun: boolean; counts: Record<string, number> }>(
        `${base}/reconcile`,
        { dryRun: true },
      );
      assert.equal(preview.status, 200);
      assert.equal(preview.body.counts.usersDeactivated, 1);
      assert.equal((await acme.api.get<{ pending: boolean }>(`${base}/policy`)).body.pending, true);
      // No body at all is a reconcile too, as `curl -X POST` sends it.
      const applied = await acme.api.call<{ counts: Record<string, number> }>('POST', `${base}/reconcile`);
      assert.equal(applied.body.counts.usersDeactivated, 1);
      assert.deepEqual(await statuses(), [
        'test_user_rec-1@testuser.com inactive',
        'test_user_rec-2@testuser.com active',
      ]);
      assert.equal((await acme.api.get<{ pending: boolean }>(`${base}/policy`)).body.pending, false);
    });

    test('deletes a connection: its users leave through the lifecycle with events, then it is gone', async () => {
      const created = await acme.api.post<typeof scim>('/organizations/acme/connections/scim', {
        name: 'Short-lived',
      });
      const connection = created.body.connection.id;
      const entra = scimClient(created.body.tenantUrl, created.body.token);
      assert.equal((await entra.post('/Users', entraUser('del-1'))).status, 201);
      const group = await entra.post('/Groups', { displayName: 'Leaving soon', externalId: 'g-del' });
      assert.equal(group.status, 201);
      const policy = await acme.api.put(`/organizations/acme/connections/${connection}/policy`, {
        lifecycle: { onDelete: 'deactivate' },
      });
      assert.equal(policy.status, 200);
      const deleted = await acme.api.delete<{ counts: Record<string, number> }>(
        `/organizations/acme/connections/${connection}`,
      );
      assert.equal(deleted.status, 200);
      // A SCIM connection's lifecycle deletes users Entra deletes (`lifecycle.onDelete`, set here).
      assert.equal(deleted.body.counts.usersDeactivated, 1);
      assert.equal(deleted.body.counts.groupsDeleted, 1);
      assert.equal((await acme.api.get(`/organizations/acme/connections/${connection}`)).status, 404);
      assert.equal((await entra.get('/Users')).status, 404);
      const users = await acme.api.get<{ data: { status: string }[] }>(
        '/organizations/acme/users?search=del-1',
      );
      assert.deepEqual(
        users.body.data.map((user) => user.status),
        ['inactive'],
      );
      const events = await acme.api.get<{ data: { type: string }[] }>('/organizations/acme/events?limit=200');
      const types = events.body.data.map((event) => event.type);
      assert.ok(types.includes('user.deactivated'));
      assert.ok(types.includes('group.deleted'));
      const audit = await acme.api.get<{ data: { action: string }[] }>('/organizations/acme/audit?limit=200');
      assert.ok(audit.body.data.some((entry) => entry.action === 'connection.deleted'));
    });
  });
}
