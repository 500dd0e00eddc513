import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createGraphConnection } from '../../../src/connectors/graph/graph-connections.js';
import { testGraphConnection } from '../../../src/connectors/graph/test-graph-connection.js';
import {
  startEmulator,
  type EmulatedGroup,
  type EmulatedUser,
  type Emulator,
} from '../../../src/emulator/index.js';
import { readEvents } from '../../../src/store/events.js';
import { updateConnectionPolicy } from '../../../src/store/connections.js';
import { createOrganization } from '../../../src/store/organizations.js';
import { startSyncRun, waitForSyncRun } from '../../../src/sync/runs/start-sync-run.js';
import { engines } from '../../support/engines.js';
import { startTestRoster, type TestRoster } from '../../support/roster.js';

/**
 * Roles from Graph app role assignments (policy `roles.fromSource`), against the Entra emulator
 * over real HTTP: assigned to a user directly or to a group its members belong to, read again on
 * every run because users/delta never reports them, and kept as they are when Graph refuses.
 */
for (const engine of engines) {
  describe(`roles from Graph app role assignments on ${engine}`, () => {
    let emulator: Emulator;
    let roster: TestRoster;
    let organizationId: string;
    let connectionId: string;
    let direct: EmulatedUser;
    let viaGroup: EmulatedUser;
    let both: EmulatedUser;
    let none: EmulatedUser;
    let readers: EmulatedGroup;

    before(async () => {
      emulator = await startEmulator({
        port: 0,
        users: 24,
        groups: 2,
        seed: 31,
        clients: [
          {
            clientId: 'a0f0c0de-0000-4000-8000-000000000001',
            clientSecret: 'right',
            roles: ['User.Read.All', 'Group.Read.All', 'Application.Read.All'],
          },
          {
            clientId: 'a0f0c0de-0000-4000-8000-000000000002',
            clientSecret: 'right',
            roles: ['User.Read.All', 'Group.Read.All'],
          },
        ],
      });
      // Only the assignments made here, so every expected role is named in this file.
      const users = emulator.tenant.listUsers({ limit: 100 }).filter((u) => u.accountEnabled);
      for (const user of users) emulator.tenant.setAppRole(user.id, null);
      [direct, viaGroup, both, none] = users as [EmulatedUser, EmulatedUser, EmulatedUser, EmulatedUser];
      emulator.tenant.setAppRole(direct.id, 'Admin');
      emulator.tenant.setAppRole(both.id, 'User');
      readers = emulator.tenant.addGroup({ displayName: 'Roster Readers', members: [viaGroup.id, both.id] });
      emulator.tenant.setGroupAppRole(readers.id, 'ReadOnly');

      roster = await startTestRoster(engine, { ROSTER_SECRET_KEY: '78'.repeat(32) });
      const now = new Date().toISOString();
      organizationId = (
        await createOrganization(roster.runtime.store.db, { slug: 'fabrikam', name: 'Fabrikam', now })
      ).id;
      connectionId = (await connect('a0f0c0de-0000-4000-8000-000000000001')).connectionId;
    });
    after(async () => {
      await roster.close();
      await emulator.close();
    });

    const connect = (clientId: string) =>
      createGraphConnection(
        roster.runtime,
        'fabrikam',
        {
          tenantId: emulator.tenantId,
          clientId,
          clientSecret: 'right',
          loginUrl: emulator.loginUrl,
          graphUrl: emulator.graphUrl,
        },
        { type: 'cli', id: null },
      );
    const sync = async () =>
      waitForSyncRun(
        roster.runtime,
        await startSyncRun(roster.runtime, connectionId, { trigger: 'manual' }),
        50,
      );
    const rolesOf = async (user: EmulatedUser): Promise<string[]> => {
      const row = await roster.runtime.store.db
        .selectFrom('users')
        .select('roles')
        .where('external_id', '=', user.id)
        .executeTakeFirstOrThrow();
      return JSON.parse(row.roles) as string[];
    };
    const lastSeq = async (): Promise<number> => {
      const row = await roster.runtime.store.db
        .selectFrom('events')
        .select((eb) => eb.fn.max('seq').as('seq'))
        .where('organization_id', '=', organizationId)
        .executeTakeFirst();
      return Number(row?.seq ?? 0);
    };
    const graphPaths = () =>
      emulator.tenant
        .requests()
        .map((r) => r.path)
        .filter((p) => p.startsWith('/v1.0/'));

    test('a user assigned an app role directly and one through a group get those roles after a sync', async () => {
      emulator.tenant.clearRequests();
      const run = await sync();
      assert.equal(run.status, 'succeeded', JSON.stringify(run.errors));
      assert.deepEqual(run.errors, []);
      assert.deepEqual(await rolesOf(direct), ['Admin']);
      assert.deepEqual(await rolesOf(viaGroup), ['ReadOnly']);
      assert.deepEqual(await rolesOf(both), ['ReadOnly', 'User']);
      assert.deepEqual(await rolesOf(none), []);
      // The service principal, one page of assignments, the members of the group (not stored
      // yet when the assignments are read): never a request per user.
      const paths = graphPaths();
      assert.equal(paths.filter((p) => p.includes('servicePrincipals')).length, 2, paths.join('\n'));
      assert.equal(paths.filter((p) => /\/groups\/[^/]+\/members/.test(p)).length, 1, paths.join('\n'));
      assert.ok(!paths.some((p) => /^\/v1\.0\/users\/[0-9a-f-]{36}/.test(p)), paths.join('\n'));
    });

    test('removing assignments and syncing (delta) removes the roles, as user updates', async () => {
      assert.deepEqual(await rolesOf(direct), ['Admin']);
      assert.deepEqual(await rolesOf(viaGroup), ['ReadOnly']);
      const after = await lastSeq();
      emulator.tenant.setAppRole(direct.id, null);
      emulator.tenant.setGroupAppRole(readers.id, null);
      emulator.tenant.clearRequests();
      const run = await sync();
      assert.equal(run.status, 'succeeded', JSON.stringify(run.errors));
      assert.equal(run.progress.rounds && (run.progress.rounds as { users?: string }).users, 'delta');
      assert.deepEqual(await rolesOf(direct), []);
      assert.deepEqual(await rolesOf(viaGroup), []);
      assert.deepEqual(await rolesOf(both), ['User']);
      assert.equal(run.counts.usersUpdated, 3);
      const updated = await readEvents(roster.runtime.store.db, organizationId, {
        after,
        limit: 100,
        types: ['user.updated'],
      });
      assert.equal(updated.length, 3);
      for (const event of updated) assert.deepEqual(event.data.changed, ['roles']);
      // The group is stored now: its members come from the stored memberships.
      const paths = graphPaths();
      assert.ok(!paths.some((p) => /\/groups\/[^/]+\/members/.test(p)), paths.join('\n'));
    });

    test('joining an assigned group gives its role at the next delta sync', async () => {
      emulator.tenant.setGroupAppRole(readers.id, 'ReadOnly');
      emulator.tenant.addMember(readers.id, none.id);
      const run = await sync();
      assert.equal(run.status, 'succeeded', JSON.stringify(run.errors));
      assert.deepEqual(await rolesOf(none), ['ReadOnly']);
      assert.deepEqual(await rolesOf(viaGroup), ['ReadOnly']);
      assert.deepEqual(await rolesOf(both), ['ReadOnly', 'User']);
    });

    test('a 403 on appRoleAssignedTo leaves roles untouched and reports a warning', async () => {
      emulator.tenant.setAppRole(direct.id, 'Admin');
      assert.equal((await sync()).status, 'succeeded');
      assert.deepEqual(await rolesOf(direct), ['Admin']);
      // Assignments gone in Entra, a property changed: a round that cannot read assignments must
      // still update the user, and leave its roles as they were.
      emulator.tenant.setAppRole(direct.id, null);
      emulator.tenant.setGroupAppRole(readers.id, null);
      emulator.tenant.updateUser(direct.id, { jobTitle: 'Head of Roles' });
      emulator.tenant.injectFailures({ path: 'appRoleAssignedTo', status: 403 });
      const run = await sync();
      assert.equal(run.status, 'succeeded', JSON.stringify(run.errors));
      assert.equal(run.errors.length, 1, JSON.stringify(run.errors));
      assert.equal(run.errors[0]?.code, 'roles_unavailable');
      assert.equal(run.errors[0]?.graphCode, 'Authorization_RequestDenied');
      assert.match(run.errors[0]?.remedy ?? '', /Application\.Read\.All/);
      assert.deepEqual(await rolesOf(direct), ['Admin']);
      assert.deepEqual(await rolesOf(viaGroup), ['ReadOnly']);
      const row = await roster.runtime.store.db
        .selectFrom('users')
        .select('attributes')
        .where('external_id', '=', direct.id)
        .executeTakeFirstOrThrow();
      assert.match(row.attributes, /Head of Roles/);
      // Readable again: the next run applies what Entra says now.
      const next = await sync();
      assert.deepEqual(next.errors, []);
      assert.deepEqual(await rolesOf(direct), []);
      assert.deepEqual(await rolesOf(viaGroup), []);
    });

    test('graph test names the permission app roles need while the policy takes roles from the source', async () => {
      const { connectionId: lacking } = await connect('a0f0c0de-0000-4000-8000-000000000002');
      const report = await testGraphConnection(roster.runtime, lacking);
      assert.equal(report.ok, true, JSON.stringify(report));
      assert.deepEqual(
        report.missing.map((m) => [m.neededFor, m.anyOf[0]]),
        [['roles', 'Application.Read.All']],
      );
      assert.match(report.remedies.join(' '), /roles\.fromSource[\s\S]*Application\.Read\.All/);
      await updateConnectionPolicy(
        roster.runtime.store.db,
        organizationId,
        lacking,
        { roles: { fromSource: false } },
        new Date().toISOString(),
      );
      const without = await testGraphConnection(roster.runtime, lacking);
      assert.deepEqual(without.missing, []);
      assert.deepEqual(without.remedies, []);
    });
  });
}
