import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { UserView } from '../../src/domain/views.js';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { organizationWithKey, type ApiClient } from '../api/support/api-client.js';
import { loadConformance, type Conformance } from '../api/support/openapi-conformance.js';
import { engines } from '../support/engines.js';
import { startTestRoster, type TestRoster } from '../support/roster.js';
import { entraUser, patchOp, scimClient } from '../support/scim-client.js';

interface Problem {
  type: string;
  detail: string;
  connectionId?: string;
}
interface Run {
  id: string;
  status: string;
  errors: unknown[];
}
interface EventPage {
  data: { type: string; data: { user?: UserView; changed?: string[] } }[];
}

const enterprise = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

/**
 * Deleting a connection (docs/api.md, `DELETE …/connections/{id}`) with the users it leaves: those
 * another connection brings pass to it; the others are released to the platform, keeping their
 * Entra object id, and a later connection that brings them takes them over.
 */
for (const engine of engines) {
  describe(`the users of a deleted connection on ${engine}`, () => {
    let emulator: Emulator;
    let roster: TestRoster;
    let conformance: Conformance;

    before(async () => {
      emulator = await startEmulator({ port: 0, users: 6, groups: 2, seed: 31 });
      roster = await startTestRoster(engine);
      conformance = await loadConformance(roster.url);
    });
    after(async () => {
      await roster.close();
      await emulator.close();
    });

    const usersOf = async (api: ApiClient, slug: string, query: string) =>
      (await api.get<{ data: UserView[] }>(`/organizations/${slug}/users?limit=500&${query}`)).body.data;

    const eventsOf = async (api: ApiClient, slug: string, types: string) =>
      (await api.get<EventPage>(`/organizations/${slug}/events?after=0&limit=1000&types=${types}`)).body.data;

    const connectGraph = async (api: ApiClient, slug: string, name: string) => {
      const client = emulator.clients[0];
      assert.ok(client?.clientSecret);
      const created = await api.post<{ connectionId: string }>(`/organizations/${slug}/connections/graph`, {
        name,
        tenantId: emulator.tenantId,
        clientId: client.clientId,
        clientSecret: client.clientSecret,
        loginUrl: emulator.loginUrl,
        graphUrl: emulator.graphUrl,
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      return created.body.connectionId;
    };

    const syncGraph = async (api: ApiClient, slug: string, connectionId: string) => {
      const started = await api.post<Run>(`/organizations/${slug}/connections/${connectionId}/sync`, {});
      assert.equal(started.status, 202);
      for (let i = 0; i < 400; i += 1) {
        const run = (await api.get<Run>(`/organizations/${slug}/runs/${started.body.id}`)).body;
        if (run.status !== 'queued' && run.status !== 'running') {
          assert.equal(run.status, 'succeeded', JSON.stringify(run.errors));
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      assert.fail('the sync did not finish');
    };

    const connectScim = async (api: ApiClient, slug: string, name: string) => {
      const created = await api.post<{ connection: { id: string }; tenantUrl: string; token: string }>(
        `/organizations/${slug}/connections/scim`,
        { name },
      );
      assert.equal(created.status, 201);
      return {
        id: created.body.connection.id,
        entra: scimClient(created.body.tenantUrl, created.body.token),
      };
    };

    test('releases the users a deleted Graph connection leaves, and a new connection to the tenant takes them over', async () => {
      const { api } = await organizationWithKey(roster, 'graph', 'admin', conformance.check);
      const first = await connectGraph(api, 'graph', 'Entra (first)');
      await syncGraph(api, 'graph', first);
      const synced = await usersOf(api, 'graph', `connectionId=${first}`);
      assert.ok(synced.length >= 3, `the tenant's users arrived (${synced.length})`);
      assert.ok(synced.every((user) => user.source === 'graph'));
      // The emulator's tenant has a disabled account too: it arrives inactive and stays so.
      const enabled = synced.filter((user) => user.status === 'active');
      assert.ok(enabled.length >= 2 && enabled.length < synced.length);

      const deleted = await api.delete<{ counts: Record<string, number> }>(
        `/organizations/graph/connections/${first}`,
      );
      assert.equal(deleted.status, 200);
      assert.equal(deleted.body.counts.usersDeactivated, enabled.length);
      assert.equal((await api.get(`/organizations/graph/connections/${first}`)).status, 404);
      const released = await usersOf(api, 'graph', 'source=local');
      assert.deepEqual(
        released.map((user) => [user.id, user.status, user.connectionId, user.externalId]).sort(),
        synced.map((user) => [user.id, 'inactive', null, user.externalId]).sort(),
      );
      const updates = await eventsOf(api, 'graph', 'user.updated');
      assert.deepEqual(
        updates.map((event) => [event.data.user?.id, event.data.changed]).sort(),
        synced.map((user) => [user.id, ['source', 'connectionId']]).sort(),
      );

      // Released, they are the platform's: an admin manages them.
      const [kept, edited] = enabled;
      assert.ok(kept && edited);
      const reactivated = await api.post<UserView>(`/organizations/graph/users/${kept.id}/reactivate`);
      assert.equal(reactivated.status, 200, JSON.stringify(reactivated.body));
      assert.equal(reactivated.body.status, 'active');
      const renamed = await api.patch<UserView>(`/organizations/graph/users/${edited.id}`, {
        givenName: 'Renamed',
      });
      assert.equal(renamed.status, 200, JSON.stringify(renamed.body));
      assert.equal(
        (await api.post<UserView>(`/organizations/graph/users/${kept.id}/deactivate`)).body.status,
        'inactive',
      );

      const second = await connectGraph(api, 'graph', 'Entra (second)');
      await syncGraph(api, 'graph', second);
      const adopted = await usersOf(api, 'graph', `connectionId=${second}`);
      assert.deepEqual(
        adopted.map((user) => [user.id, user.source, user.status, user.externalId]).sort(),
        synced.map((user) => [user.id, 'graph', user.status, user.externalId]).sort(),
      );
      assert.equal(adopted.find((user) => user.id === edited.id)?.givenName, edited.givenName);
      assert.deepEqual(await usersOf(api, 'graph', 'source=local'), []);
      const takeovers = (await eventsOf(api, 'graph', 'user.updated')).filter(
        (event) => event.data.user?.connectionId === second,
      );
      assert.equal(takeovers.length, synced.length);
      assert.ok(takeovers.every((event) => event.data.changed?.includes('connectionId')));

      const locked = await api.post<Problem>(`/organizations/graph/users/${kept.id}/deactivate`);
      assert.equal(locked.status, 409);
      assert.equal(locked.body.type, 'urn:roster:problem:locked-by-directory');
      assert.equal(locked.body.connectionId, second);
    });

    test('hands a user another connection also brings over to that connection', async () => {
      const { api } = await organizationWithKey(roster, 'both', 'admin', conformance.check);
      const a = await connectScim(api, 'both', 'Entra A');
      const b = await connectScim(api, 'both', 'Entra B');
      assert.equal((await a.entra.post('/Users', entraUser('both-1'))).status, 201);
      assert.equal((await b.entra.post('/Users', entraUser('both-1'))).status, 201);
      assert.equal((await a.entra.post('/Users', entraUser('only-a'))).status, 201);
      const [shared] = await usersOf(api, 'both', 'search=both-1');
      assert.equal(shared?.connectionId, a.id);

      assert.equal((await api.delete(`/organizations/both/connections/${a.id}`)).status, 200);
      const after = await usersOf(api, 'both', '');
      assert.deepEqual(
        after.map((user) => [user.id, user.source, user.connectionId, user.status]),
        [[shared.id, 'scim', b.id, 'active']],
        "A's own user went as a SCIM connection's lifecycle says (deleted)",
      );
      const updates = await eventsOf(api, 'both', 'user.updated');
      assert.deepEqual(
        updates.map((event) => [event.data.user?.id, event.data.user?.connectionId, event.data.changed]),
        [[shared.id, b.id, ['connectionId']]],
      );
      const locked = await api.patch<Problem>(`/organizations/both/users/${shared.id}`, { givenName: 'X' });
      assert.equal(locked.status, 409);
      assert.equal(locked.body.connectionId, b.id);
    });

    test('releases a user another connection links but leaves out of its scope', async () => {
      const { api } = await organizationWithKey(roster, 'scoped', 'admin', conformance.check);
      const a = await connectScim(api, 'scoped', 'Entra A');
      const b = await connectScim(api, 'scoped', 'Entra B');
      const policy = await api.put(`/organizations/scoped/connections/${a.id}/policy`, {
        lifecycle: { onDelete: 'deactivate' },
      });
      assert.equal(policy.status, 200);
      assert.equal((await a.entra.post('/Users', entraUser('intern'))).status, 201);
      const atB = await b.entra.post('/Users', entraUser('intern'));
      assert.equal(atB.status, 201);
      const scoped = await api.put(`/organizations/scoped/connections/${b.id}/policy`, {
        scope: { filter: { not: { attribute: 'department', equals: 'Interns' } } },
      });
      assert.equal(scoped.status, 200);
      const moved = await b.entra.patch(
        `/Users/${String(atB.body.id)}`,
        patchOp({ op: 'replace', path: `${enterprise}:department`, value: 'Interns' }),
      );
      assert.equal(moved.status, 200);
      const [intern] = await usersOf(api, 'scoped', 'search=intern');
      assert.equal(intern?.connectionId, a.id);
      assert.equal(intern.status, 'active', 'B does not own the user, so its scope did not deactivate it');

      assert.equal((await api.delete(`/organizations/scoped/connections/${a.id}`)).status, 200);
      const [left] = await usersOf(api, 'scoped', 'search=intern');
      assert.deepEqual(
        [left?.source, left?.connectionId, left?.status, left?.externalId],
        ['local', null, 'inactive', intern.externalId],
      );
    });

    test('a user whose connection is gone, left owned by an older deletion, can be managed and is taken over', async () => {
      const { api } = await organizationWithKey(roster, 'legacy', 'admin', conformance.check);
      const gone = await connectScim(api, 'legacy', 'Entra (gone)');
      assert.equal((await gone.entra.post('/Users', entraUser('legacy-1'))).status, 201);
      assert.equal((await gone.entra.post('/Users', entraUser('legacy-2'))).status, 201);
      // A connection removed as deletion did before it released users: the users still name it.
      await roster.runtime.store.db.deleteFrom('connections').where('id', '=', gone.id).execute();
      const [one, two] = (await usersOf(api, 'legacy', 'search=legacy-')).sort((x, y) =>
        x.userName.localeCompare(y.userName),
      );
      assert.ok(one && two);
      assert.equal(one.connectionId, gone.id);

      const renamed = await api.patch<UserView>(`/organizations/legacy/users/${one.id}`, {
        givenName: 'Ada',
      });
      assert.equal(renamed.status, 200, JSON.stringify(renamed.body));
      assert.deepEqual([renamed.body.source, renamed.body.connectionId], ['local', null]);

      const next = await connectScim(api, 'legacy', 'Entra (next)');
      assert.equal((await next.entra.post('/Users', entraUser('legacy-1'))).status, 201);
      assert.equal((await next.entra.post('/Users', entraUser('legacy-2'))).status, 201);
      assert.deepEqual(
        (await usersOf(api, 'legacy', `connectionId=${next.id}`)).map((user) => user.id).sort(),
        [one.id, two.id].sort(),
      );
      assert.deepEqual(await usersOf(api, 'legacy', 'source=local'), []);
    });
  });
}
