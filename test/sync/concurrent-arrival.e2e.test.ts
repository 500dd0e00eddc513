import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createScimConnection } from '../../src/connectors/scim/scim-connections.js';
import { startEmulator, type Emulator, type EmulatedUser } from '../../src/emulator/index.js';
import { startSyncRun, waitForSyncRun } from '../../src/sync/runs/start-sync-run.js';
import { engines } from '../support/engines.js';
import { connectToEmulator } from '../support/graph.js';
import { startTestRoster, type TestRoster } from '../support/roster.js';
import { scimClient } from '../support/scim-client.js';

/**
 * Moving from pull to push, Entra provisions over SCIM the very people a Graph sync is importing at
 * that moment. Each person must end as one platform user that both connections link, whichever
 * transaction commits first; on PostgreSQL the two overlap, and neither may read the other's
 * fresh user as "this email is already used by someone else".
 */
for (const engine of engines) {
  describe(`the same people arriving through SCIM and Graph at once on ${engine}`, () => {
    let emulator: Emulator;
    let roster: TestRoster;
    let organizationId: string;
    let graphId: string;
    let scim: ReturnType<typeof scimClient>;
    let people: EmulatedUser[];

    before(async () => {
      // Small pages: many short Graph transactions for the SCIM requests to fall between.
      emulator = await startEmulator({
        port: 0,
        users: 400,
        groups: 2,
        seed: 4,
        pageSizes: { usersDelta: 20 },
      });
      roster = await startTestRoster(engine, { ROSTER_SECRET_KEY: '79'.repeat(32) });
      ({ organizationId, connectionId: graphId } = await connectToEmulator(roster, emulator, 'moving'));
      const pushed = await createScimConnection(roster.runtime, 'moving', { type: 'cli', id: null });
      scim = scimClient(pushed.tenantUrl, pushed.token);
      people = emulator.tenant
        .listUsers({ limit: 5000 })
        .filter((u) => u.mail && u.accountEnabled && u.userType !== 'Guest' && u.givenName && u.surname);
      assert.ok(people.length > 200, `${people.length} people to push`);
    });
    after(async () => {
      await roster.close();
      await emulator.close();
    });

    test('every person becomes one user linked by both connections, with no error on either side', async () => {
      const run = await startSyncRun(roster.runtime, graphId, { trigger: 'manual' });
      // Pushed last first, so the two meet halfway; eight requests in flight, as Entra sends them.
      const queue = [...people].reverse();
      const refused: string[] = [];
      const pushOne = async (person: EmulatedUser) => {
        const created = await scim.post('/Users', {
          schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
          externalId: person.id,
          userName: person.userPrincipalName,
          active: true,
          emails: [{ primary: true, type: 'work', value: person.mail }],
          name: { givenName: person.givenName, familyName: person.surname },
        });
        if (created.status !== 201) refused.push(`${created.status} ${JSON.stringify(created.body)}`);
      };
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          for (let person = queue.shift(); person; person = queue.shift()) await pushOne(person);
        }),
      );
      const finished = await waitForSyncRun(roster.runtime, run);
      assert.equal(finished.status, 'succeeded');
      assert.deepEqual(refused, []);
      const clashes = finished.errors.filter((error) => /already used/.test(error.message));
      assert.deepEqual(clashes, []);

      const users = await roster.runtime.store.db
        .selectFrom('users')
        .select(['id', 'external_id'])
        .where('organization_id', '=', organizationId)
        .execute();
      const links = await roster.runtime.store.db
        .selectFrom('directory_users')
        .select(['connection_id', 'user_id', 'external_id'])
        .where('organization_id', '=', organizationId)
        .execute();
      for (const person of people) {
        const own = users.filter((user) => user.external_id === person.id);
        assert.equal(own.length, 1, `${person.userPrincipalName}: one platform user`);
        const linked = links.filter((link) => link.user_id === own[0]!.id);
        assert.equal(linked.length, 2, `${person.userPrincipalName}: linked by both connections`);
      }
    });
  });
}
