import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startEmulator, type Emulator } from '../../../src/emulator/index.js';
import { updateConnectionPolicy } from '../../../src/store/connections.js';
import { previewPolicy } from '../../../src/sync/policy-service.js';
import { startSyncRun, waitForSyncRun } from '../../../src/sync/runs/start-sync-run.js';
import { toRunSummary } from '../../../src/sync/runs/sync-runs.js';
import { engines } from '../../support/engines.js';
import { connectToEmulator } from '../../support/graph.js';
import { startTestRoster, type TestRoster } from '../../support/roster.js';

/** A scope of selected groups fetches those groups and their members, never the whole tenant. */
for (const engine of engines) {
  describe(`a Graph pull scoped to selected groups on ${engine}`, () => {
    let emulator: Emulator;
    let roster: TestRoster;
    let connectionId: string;
    let organizationId: string;

    before(async () => {
      emulator = await startEmulator({ port: 0, users: 150, groups: 8, seed: 11 });
      roster = await startTestRoster(engine, { ROSTER_SECRET_KEY: '34'.repeat(32) });
      ({ organizationId, connectionId } = await connectToEmulator(roster, emulator, 'scoped'));
      const small = emulator.tenant
        .listGroups()
        .filter((g) => g.memberCount > 0 && emulator.tenant.listMembers(g.id).every((m) => m.type === 'user'))
        .sort((a, b) => a.memberCount - b.memberCount)[0];
      assert.ok(small);
      await updateConnectionPolicy(
        roster.runtime.store.db,
        organizationId,
        connectionId,
        { scope: { users: 'groups', groups: [{ name: small.displayName }] } },
        new Date().toISOString(),
      );
    });
    after(async () => {
      await roster.close();
      await emulator.close();
    });

    test('only the group in scope and its members arrive, without reading all users', async () => {
      emulator.tenant.clearRequests();
      const summary = toRunSummary(
        await waitForSyncRun(
          roster.runtime,
          await startSyncRun(roster.runtime, connectionId, { trigger: 'manual' }),
        ),
      );
      assert.equal(summary.status, 'succeeded', JSON.stringify(summary.errors));
      const group = emulator.tenant
        .listGroups()
        .filter((g) => g.memberCount > 0 && emulator.tenant.listMembers(g.id).every((m) => m.type === 'user'))
        .sort((a, b) => a.memberCount - b.memberCount)[0];
      assert.ok(group);
      assert.equal(summary.groupsCreated, 1);
      assert.equal(summary.usersCreated, group.memberCount);
      const paths = emulator.tenant.requests().map((r) => r.path);
      assert.ok(
        !paths.some((p) => p.startsWith('/v1.0/users/delta') || p.startsWith('/v1.0/users?')),
        paths.join('\n'),
      );
      assert.ok(
        paths.some((p) => p.startsWith('/v1.0/groups/delta') && p.includes('filter')),
        paths.join('\n'),
      );
    });

    test('a member leaving the group in scope leaves the platform', async () => {
      const group = emulator.tenant
        .listGroups()
        .filter((g) => g.memberCount > 0 && emulator.tenant.listMembers(g.id).every((m) => m.type === 'user'))
        .sort((a, b) => a.memberCount - b.memberCount)[0];
      const leaver = group && emulator.tenant.listMembers(group.id)[0];
      assert.ok(group && leaver);
      emulator.tenant.removeMember(group.id, leaver.id);
      const summary = toRunSummary(
        await waitForSyncRun(
          roster.runtime,
          await startSyncRun(roster.runtime, connectionId, { trigger: 'manual' }),
        ),
      );
      assert.equal(summary.status, 'succeeded', JSON.stringify(summary.errors));
      assert.equal(summary.membershipsRemoved, 1);
      const user = await roster.runtime.store.db
        .selectFrom('users')
        .selectAll()
        .where('external_id', '=', leaver.id)
        .executeTakeFirst();
      assert.equal(user?.status, 'inactive');
    });

    test('moving the scope to a group with the same people deactivates none of them', async () => {
      const previous = emulator.tenant
        .listGroups()
        .filter((g) => g.memberCount > 0 && emulator.tenant.listMembers(g.id).every((m) => m.type === 'user'))
        .sort((a, b) => a.memberCount - b.memberCount)[0];
      assert.ok(previous);
      const stayers = emulator.tenant.listMembers(previous.id).map((m) => m.id);
      const newcomer = emulator.tenant.listUsers({ limit: 1000 }).find((u) => !stayers.includes(u.id));
      assert.ok(newcomer && stayers.length > 0);
      emulator.tenant.addGroup({ displayName: 'Scope Successor', members: [...stayers, newcomer.id] });
      await updateConnectionPolicy(
        roster.runtime.store.db,
        organizationId,
        connectionId,
        { scope: { users: 'groups', groups: [{ name: 'Scope Successor' }] } },
        new Date().toISOString(),
      );
      const summary = toRunSummary(
        await waitForSyncRun(
          roster.runtime,
          await startSyncRun(roster.runtime, connectionId, { trigger: 'manual' }),
        ),
      );
      assert.equal(summary.status, 'succeeded', JSON.stringify(summary.errors));
      assert.equal(summary.usersCreated, 1);
      assert.equal(summary.usersDeactivated, 0);
      assert.equal(summary.usersReactivated, 0);
      const active = await roster.runtime.store.db
        .selectFrom('users')
        .select('external_id')
        .where('organization_id', '=', organizationId)
        .where('status', '=', 'active')
        .execute();
      assert.deepEqual(active.map((row) => row.external_id).sort(), [...stayers, newcomer.id].sort());
    });
    test('a scope naming no group the directory has changes nothing; one missing group is a warning', async () => {
      const before = await roster.runtime.store.db
        .selectFrom('users')
        .select(['id', 'status'])
        .where('organization_id', '=', organizationId)
        .orderBy('id')
        .execute();
      const run = async (groups: object[]) => {
        await updateConnectionPolicy(
          roster.runtime.store.db,
          organizationId,
          connectionId,
          { scope: { users: 'groups', groups } },
          new Date().toISOString(),
        );
        return toRunSummary(
          await waitForSyncRun(
            roster.runtime,
            await startSyncRun(roster.runtime, connectionId, { trigger: 'manual' }),
          ),
        );
      };
      const typo = await run([{ name: 'Scope Sucessor' }, { id: '00000000-0000-4000-8000-00000000dead' }]);
      assert.equal(typo.status, 'failed');
      const message = String((typo.errors[0] as { message?: unknown } | undefined)?.message);
      assert.match(message, /None of the groups the policy's scope names exists/);
      assert.match(message, /"Scope Sucessor", id 00000000-0000-4000-8000-00000000dead/);
      const after = await roster.runtime.store.db
        .selectFrom('users')
        .select(['id', 'status'])
        .where('organization_id', '=', organizationId)
        .orderBy('id')
        .execute();
      assert.deepEqual(after, before);

      const partly = await run([{ name: 'Scope Successor' }, { name: 'Scope Sucessor' }]);
      assert.equal(partly.status, 'succeeded', JSON.stringify(partly.errors));
      assert.equal(partly.usersDeactivated, 0);
      assert.deepEqual(
        partly.errors.map((error) => (error as { code?: string }).code),
        ['scope_group_not_found'],
      );
    });
    test('a policy preview says what it cannot foresee: groups and Graph properties not read yet', async () => {
      const outcome = await previewPolicy(roster.runtime, connectionId, {
        scope: { users: 'groups', groups: [{ name: 'Scope Successor' }, { name: 'Never Synced' }] },
        attributeMapping: { jobTitle: 'officeLocation' },
      });
      assert.equal(outcome.dryRun, true);
      assert.equal(outcome.notes.length, 2, outcome.notes.join('\n'));
      assert.match(outcome.notes[0] ?? '', /has not read yet \("Never Synced"\)/);
      assert.match(outcome.notes[1] ?? '', /not read so far \(officeLocation\)/);
      const known = await previewPolicy(roster.runtime, connectionId, {
        scope: { users: 'groups', groups: [{ name: 'scope successor' }] },
      });
      assert.deepEqual(known.notes, []);
    });
  });
}

/** Groups a scoped policy names outside its scope still reach the users in scope. */
for (const engine of engines) {
  describe(`mappings and role rules under a scope of groups on ${engine}`, () => {
    let emulator: Emulator;
    let roster: TestRoster;

    before(async () => {
      emulator = await startEmulator({ port: 0, users: 40, groups: 2, seed: 12 });
      roster = await startTestRoster(engine, { ROSTER_SECRET_KEY: '35'.repeat(32) });
    });
    after(async () => {
      await roster.close();
      await emulator.close();
    });

    test('a mapped group, a role rule group and a memberOf group are read for their memberships', async () => {
      const { organizationId, connectionId } = await connectToEmulator(roster, emulator, 'named');
      const person = (name: string) =>
        emulator.tenant.addUser({
          displayName: `${name} Named`,
          givenName: name,
          surname: 'Named',
          userPrincipalName: `${name}@${emulator.tenant.domain}`,
          mail: `${name}@${emulator.tenant.domain}`,
        });
      const alice = person('alice');
      const bob = person('bob');
      const outsider = person('olga');
      emulator.tenant.addGroup({ displayName: 'Roster users', members: [alice.id, bob.id] });
      emulator.tenant.addGroup({ displayName: 'SG-Berlin', members: [alice.id, outsider.id] });
      emulator.tenant.addGroup({ displayName: 'SG-Roster-Admins', members: [alice.id, outsider.id] });
      emulator.tenant.addGroup({ displayName: 'SG-Contractors', members: [bob.id] });
      await updateConnectionPolicy(
        roster.runtime.store.db,
        organizationId,
        connectionId,
        {
          scope: {
            users: 'groups',
            groups: [{ name: 'Roster users' }],
            filter: { not: { memberOf: { name: 'SG-Contractors' } } },
          },
          groups: {
            unmapped: 'ignore',
            mappings: [{ directoryGroup: { name: 'SG-Berlin' }, platformGroup: { create: 'Europe' } }],
          },
          roles: { rules: [{ group: { name: 'SG-Roster-Admins' }, role: 'Admin' }] },
        },
        new Date().toISOString(),
      );
      emulator.tenant.clearRequests();
      const run = await waitForSyncRun(
        roster.runtime,
        await startSyncRun(roster.runtime, connectionId, { trigger: 'manual' }),
      );
      assert.equal(run.status, 'succeeded', JSON.stringify(run.errors));
      const users = await roster.runtime.store.db
        .selectFrom('users')
        .select(['external_id', 'status', 'roles'])
        .where('organization_id', '=', organizationId)
        .orderBy('email')
        .execute();
      // Bob is in the scope group but a contractor, the outsider in no scope group: neither comes in.
      assert.deepEqual(
        users.map((u) => [u.external_id, u.status, JSON.parse(u.roles) as string[]]),
        [[alice.id, 'active', ['Admin']]],
      );
      const europe = await roster.runtime.store.db
        .selectFrom('groups as g')
        .innerJoin('group_members as m', 'm.group_id', 'g.id')
        .innerJoin('users as u', 'u.id', 'm.user_id')
        .select('u.external_id')
        .where('g.organization_id', '=', organizationId)
        .where('g.display_name', '=', 'Europe')
        .execute();
      assert.deepEqual(
        europe.map((row) => row.external_id),
        [alice.id],
      );
      // The outsider's memberships were read; the outsider was not.
      const paths = emulator.tenant.requests().map((r) => r.path);
      assert.ok(!paths.some((p) => p.includes(`/users/${outsider.id}`)), paths.join('\n'));

      // A preview of a role rule on a group not read yet says so instead of promising nothing.
      const preview = await previewPolicy(roster.runtime, connectionId, {
        scope: { users: 'groups', groups: [{ name: 'Roster users' }] },
        roles: { rules: [{ group: { name: 'SG-Auditors' }, role: 'ReadOnly' }] },
      });
      assert.equal(preview.notes.length, 1, preview.notes.join('\n'));
      assert.match(preview.notes[0] ?? '', /has not read yet \("SG-Auditors"\)/);
    });

    test('a nested scope naming a Microsoft 365 group brings its members (Graph refuses a group cast on it)', async () => {
      const { organizationId, connectionId } = await connectToEmulator(roster, emulator, 'unified');
      const members = emulator.tenant
        .listUsers({ limit: 3 })
        .map((user) => user.id)
        .slice(0, 3);
      emulator.tenant.addGroup({
        displayName: 'Team Unified',
        groupTypes: ['Unified'],
        mailEnabled: true,
        members,
      });
      await updateConnectionPolicy(
        roster.runtime.store.db,
        organizationId,
        connectionId,
        { scope: { users: 'groups', groups: [{ name: 'Team Unified' }], nested: true } },
        new Date().toISOString(),
      );
      emulator.tenant.clearRequests();
      const run = await waitForSyncRun(
        roster.runtime,
        await startSyncRun(roster.runtime, connectionId, { trigger: 'manual' }),
      );
      assert.equal(run.status, 'succeeded', JSON.stringify(run.errors));
      // The emulator answered the cast as Graph does, with 400 Request_UnsupportedQuery.
      const cast = emulator.tenant
        .requests()
        .find((r) => r.path.includes('/transitiveMembers/microsoft.graph.group'));
      assert.equal(cast?.status, 400);
      const users = await roster.runtime.store.db
        .selectFrom('users')
        .select('external_id')
        .where('organization_id', '=', organizationId)
        .where('status', '=', 'active')
        .execute();
      assert.deepEqual(users.map((u) => u.external_id).sort(), [...members].sort());
    });
  });
}
