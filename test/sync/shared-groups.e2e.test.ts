import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createScimConnection } from '../../src/connectors/scim/scim-connections.js';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { deleteConnection } from '../../src/sync/delete-connection.js';
import { setPolicy } from '../../src/sync/policy-service.js';
import { reconcileConnection } from '../../src/sync/reconcile-connection.js';
import { startSyncRun, waitForSyncRun } from '../../src/sync/runs/start-sync-run.js';
import { engines } from '../support/engines.js';
import { connectToEmulator } from '../support/graph.js';
import { startTestRoster, type TestRoster } from '../support/roster.js';
import { scimClient } from '../support/scim-client.js';

/**
 * Moving from pull to push: the organization reaches one tenant through a Graph connection and a
 * SCIM connection at once. A person is one platform user; a group is one platform group too.
 */
for (const engine of engines) {
  describe(`one Entra group through two connections on ${engine}`, () => {
    let emulator: Emulator;
    let roster: TestRoster;
    let organizationId: string;
    let graphId: string;

    before(async () => {
      emulator = await startEmulator({ port: 0, users: 40, groups: 4, seed: 5 });
      roster = await startTestRoster(engine, { ROSTER_SECRET_KEY: '56'.repeat(32) });
      ({ organizationId, connectionId: graphId } = await connectToEmulator(roster, emulator, 'moving'));
      const run = await waitForSyncRun(
        roster.runtime,
        await startSyncRun(roster.runtime, graphId, { trigger: 'manual' }),
      );
      assert.equal(run.status, 'succeeded', JSON.stringify(run.errors));
    });
    after(async () => {
      await roster.close();
      await emulator.close();
    });

    const platformGroups = (externalId: string) =>
      roster.runtime.store.db
        .selectFrom('groups')
        .selectAll()
        .where('organization_id', '=', organizationId)
        .where('external_id', '=', externalId)
        .execute();
    const members = async (groupId: string) =>
      (
        await roster.runtime.store.db
          .selectFrom('group_members as m')
          .innerJoin('users as u', 'u.id', 'm.user_id')
          .select('u.external_id')
          .where('m.group_id', '=', groupId)
          .execute()
      )
        .map((row) => row.external_id)
        .sort();

    test('a connection that stops sharing a mirror takes out only the members it alone brought', async () => {
      const group = emulator.tenant.listGroups().find((g) => {
        const people = emulator.tenant.listMembers(g.id);
        return (
          people.length >= 1 && people.every((m) => m.type === 'user' && emulator.tenant.getUser(m.id)?.mail)
        );
      });
      assert.ok(group, 'the tenant has a group of users with mail');
      const inGroup = new Set(emulator.tenant.listMembers(group.id).map((m) => m.id));
      const outsider = emulator.tenant
        .listUsers()
        .find((u) => !inGroup.has(u.id) && u.mail && u.accountEnabled && u.userType !== 'Guest');
      assert.ok(outsider, 'someone outside the group');
      const [mirror] = await platformGroups(group.id);
      assert.ok(mirror);
      const before = await members(mirror.id);

      // SCIM pushes the same group with one more member than Graph has (Entra's two views differ
      // for a while); the shared mirror has them all.
      const pushed = await createScimConnection(roster.runtime, 'moving', { type: 'cli', id: null });
      const scim = scimClient(pushed.tenantUrl, pushed.token);
      const created = await scim.post('/Users', {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
        externalId: outsider.id,
        userName: outsider.userPrincipalName,
        active: true,
        emails: [{ primary: true, type: 'work', value: outsider.mail }],
        name: { givenName: outsider.givenName ?? 'Given', familyName: outsider.surname ?? 'Family' },
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const pushedGroup = await scim.post('/Groups', {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
        externalId: group.id,
        displayName: group.displayName,
        members: [{ value: String((created.body as { id: string }).id) }],
      });
      assert.equal(pushedGroup.status, 201, JSON.stringify(pushedGroup.body));
      assert.deepEqual(await members(mirror.id), [...before, outsider.id].sort());

      // The SCIM connection ignores unmapped groups now: the mirror stays Graph's, without the outsider.
      await setPolicy(
        roster.runtime,
        pushed.connectionId,
        { groups: { unmapped: 'ignore' } },
        { type: 'cli', id: null },
      );
      await reconcileConnection(roster.runtime, pushed.connectionId);
      const [kept] = await platformGroups(group.id);
      assert.equal(kept?.id, mirror.id);
      assert.equal(kept?.source_connection_id, graphId);
      assert.deepEqual(await members(mirror.id), before);
      await deleteConnection(roster.runtime, pushed.connectionId, { actor: { type: 'cli', id: null } });
    });

    test('SCIM pushing a group Graph already mirrors shares the mirror; it passes to SCIM when Graph goes', async () => {
      const group = emulator.tenant.listGroups().find((g) => {
        const people = emulator.tenant.listMembers(g.id);
        return (
          people.length >= 2 &&
          people.every((m) => m.type === 'user' && emulator.tenant.getUser(m.id)?.mail) &&
          people.every((m) => emulator.tenant.getUser(m.id)?.accountEnabled)
        );
      });
      assert.ok(group, 'the tenant has a small group of users with mail');
      const people = emulator.tenant
        .listMembers(group.id)
        .map((m) => emulator.tenant.getUser(m.id))
        .filter((u) => u !== undefined);
      const [mirror] = await platformGroups(group.id);
      assert.ok(mirror);
      assert.deepEqual(await members(mirror.id), people.map((u) => u.id).sort());

      const pushed = await createScimConnection(roster.runtime, 'moving', { type: 'cli', id: null });
      const scim = scimClient(pushed.tenantUrl, pushed.token);
      const scimIds: string[] = [];
      for (const user of people) {
        const created = await scim.post('/Users', {
          schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
          externalId: user.id,
          userName: user.userPrincipalName,
          active: true,
          emails: [{ primary: true, type: 'work', value: user.mail }],
          name: { givenName: user.givenName ?? 'Given', familyName: user.surname ?? 'Family' },
        });
        assert.equal(created.status, 201, JSON.stringify(created.body));
        scimIds.push(String((created.body as { id: string }).id));
      }
      const pushedGroup = await scim.post('/Groups', {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
        externalId: group.id,
        displayName: group.displayName,
        members: scimIds.map((value) => ({ value })),
      });
      assert.equal(pushedGroup.status, 201, JSON.stringify(pushedGroup.body));
      assert.deepEqual(
        (await platformGroups(group.id)).map((g) => g.id),
        [mirror.id],
        'one platform group, not two',
      );

      // Leaving the SCIM copy while Graph still has the person keeps the membership.
      const scimGroupId = String((pushedGroup.body as { id: string }).id);
      const removed = await scim.patch(`/Groups/${scimGroupId}`, {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [{ op: 'remove', path: `members[value eq "${scimIds[0]}"]` }],
      });
      assert.equal(removed.status, 204);
      assert.deepEqual(await members(mirror.id), people.map((u) => u.id).sort());

      // Graph goes: the group stays, now SCIM's, with the people SCIM still brings.
      await deleteConnection(roster.runtime, graphId, { actor: { type: 'cli', id: null } });
      const [kept] = await platformGroups(group.id);
      assert.equal(kept?.id, mirror.id);
      assert.equal(kept?.source, 'scim');
      assert.equal(kept?.source_connection_id, pushed.connectionId);
      assert.deepEqual(
        await members(mirror.id),
        people
          .slice(1)
          .map((u) => u.id)
          .sort(),
      );
    });
  });
}
