import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createScimConnection } from '../../src/connectors/scim/scim-connections.js';
import { startEmulator, type Emulator, type EmulatedUser } from '../../src/emulator/index.js';
import { setPolicy } from '../../src/sync/policy-service.js';
import { reconcileConnection } from '../../src/sync/reconcile-connection.js';
import { startSyncRun, waitForSyncRun } from '../../src/sync/runs/start-sync-run.js';
import { engines } from '../support/engines.js';
import { connectToEmulator } from '../support/graph.js';
import { startTestRoster, type TestRoster } from '../support/roster.js';
import { patchOp, scimClient } from '../support/scim-client.js';

/**
 * One person reached through a Graph and a SCIM connection is one platform user, decided by the
 * connection that owns it; the other only links it. When the owner no longer brings the person in,
 * a connection that still does takes the user over and decides it at once.
 */
for (const engine of engines) {
  describe(`a person shared by a Graph and a SCIM connection on ${engine}`, () => {
    let emulator: Emulator;
    let roster: TestRoster;
    let organizationId: string;
    let graphId: string;
    let scimId: string;
    let scim: ReturnType<typeof scimClient>;
    const pushedIds = new Map<string, string>();

    const syncGraph = async () => {
      const run = await waitForSyncRun(
        roster.runtime,
        await startSyncRun(roster.runtime, graphId, { trigger: 'manual' }),
      );
      assert.equal(run.status, 'succeeded', JSON.stringify(run.errors));
    };
    const platformUser = (objectId: string) =>
      roster.runtime.store.db
        .selectFrom('users')
        .selectAll()
        .where('organization_id', '=', organizationId)
        .where('external_id', '=', objectId)
        .executeTakeFirstOrThrow();
    const push = async (person: EmulatedUser) => {
      const created = await scim.post('/Users', {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
        externalId: person.id,
        userName: person.userPrincipalName,
        active: true,
        emails: [{ primary: true, type: 'work', value: person.mail }],
        name: { givenName: `${person.givenName ?? 'Given'} (SCIM)`, familyName: person.surname ?? 'Family' },
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      pushedIds.set(person.id, String((created.body as { id: string }).id));
    };

    let people: EmulatedUser[];
    before(async () => {
      emulator = await startEmulator({ port: 0, users: 30, groups: 2, seed: 9 });
      roster = await startTestRoster(engine, { ROSTER_SECRET_KEY: '78'.repeat(32) });
      ({ organizationId, connectionId: graphId } = await connectToEmulator(roster, emulator, 'shared'));
      await syncGraph();
      const pushed = await createScimConnection(roster.runtime, 'shared', { type: 'cli', id: null });
      scimId = pushed.connectionId;
      scim = scimClient(pushed.tenantUrl, pushed.token);
      people = emulator.tenant
        .listUsers()
        .filter((u) => u.mail && u.accountEnabled && u.userType !== 'Guest' && u.givenName && u.surname)
        .slice(0, 5);
      assert.equal(people.length, 5);
      for (const person of people) await push(person);
    });
    after(async () => {
      await roster.close();
      await emulator.close();
    });

    test('the connection that does not own the user writes nothing onto it', async () => {
      const person = people[0]!;
      const before = await platformUser(person.id);
      assert.equal(before.source_connection_id, graphId);
      assert.equal(before.given_name, person.givenName);
      const patched = await scim.patch(
        `/Users/${pushedIds.get(person.id)}`,
        patchOp({ op: 'Replace', path: 'active', value: 'False' }),
      );
      assert.equal(patched.status, 200);
      // SCIM reads back what Entra sent; the platform user stays as its owner, Graph, has it.
      assert.equal((patched.body as { active: boolean }).active, false);
      const after = await platformUser(person.id);
      assert.equal(after.status, 'active');
      assert.equal(after.given_name, person.givenName);
      await syncGraph();
      assert.equal((await platformUser(person.id)).status, 'active');
    });

    test('a person deleted from the owner directory passes to the connection that still brings it in', async () => {
      const kept = people[1]!;
      const stopped = people[0]!; // SCIM has them inactive (previous test)
      emulator.tenant.deleteUser(kept.id, { hard: true });
      emulator.tenant.deleteUser(stopped.id, { hard: true });
      await syncGraph();

      const keptUser = await platformUser(kept.id);
      assert.equal(keptUser.source, 'scim');
      assert.equal(keptUser.source_connection_id, scimId);
      assert.equal(keptUser.status, 'active');
      // Decided at once from what SCIM sent, not at SCIM's next write.
      assert.equal(keptUser.given_name, `${kept.givenName} (SCIM)`);
      // SCIM said this one is not active: gone from Entra, it is not active here either.
      const stoppedUser = await platformUser(stopped.id);
      assert.equal(stoppedUser.source_connection_id, scimId);
      assert.equal(stoppedUser.status, 'inactive');

      // SCIM owns it now: its deactivation applies.
      const patched = await scim.patch(
        `/Users/${pushedIds.get(kept.id)}`,
        patchOp({ op: 'Replace', path: 'active', value: 'False' }),
      );
      assert.equal(patched.status, 200);
      assert.equal((await platformUser(kept.id)).status, 'inactive');
    });

    test('a person out of the owner scope passes to a connection that has it in scope', async () => {
      const leaving = people[2]!;
      const staying = people[3]!;
      await setPolicy(
        roster.runtime,
        graphId,
        { scope: { filter: { attribute: 'userPrincipalName', notEquals: leaving.userPrincipalName } } },
        { type: 'cli', id: null },
      );
      await reconcileConnection(roster.runtime, graphId);
      const moved = await platformUser(leaving.id);
      assert.equal(moved.status, 'active');
      assert.equal(moved.source_connection_id, scimId);
      assert.equal((await platformUser(staying.id)).source_connection_id, graphId);

      // Out of SCIM's scope too, nobody brings the person in: the owner, now SCIM, takes it out.
      await setPolicy(
        roster.runtime,
        scimId,
        { scope: { filter: { attribute: 'userName', notEquals: leaving.userPrincipalName } } },
        { type: 'cli', id: null },
      );
      await reconcileConnection(roster.runtime, scimId);
      assert.equal((await platformUser(leaving.id)).status, 'inactive');
    });

    test(
      'a person both connections leave out leaves the platform, after one hand-over at most',
      { timeout: 60_000 },
      async () => {
        const leaving = people[4]!;
        // SCIM's policy leaves the person out too; stored, not applied yet (pending).
        await setPolicy(
          roster.runtime,
          scimId,
          { scope: { filter: { attribute: 'userName', notEquals: leaving.userPrincipalName } } },
          { type: 'cli', id: null },
        );
        await setPolicy(
          roster.runtime,
          graphId,
          { scope: { filter: { attribute: 'userPrincipalName', notEquals: leaving.userPrincipalName } } },
          { type: 'cli', id: null },
        );
        // SCIM, the heir by its stored state, decides by its current policy: out as well.
        await reconcileConnection(roster.runtime, graphId);
        const user = await platformUser(leaving.id);
        assert.equal(user.status, 'inactive');
        assert.equal(user.source_connection_id, scimId);
      },
    );
  });
}
