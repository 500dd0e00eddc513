import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { createGraphConnection } from '../../../src/connectors/graph/graph-connections.js';
import { searchGraphGroups } from '../../../src/connectors/graph/search-graph-groups.js';
import { testGraphConnection } from '../../../src/connectors/graph/test-graph-connection.js';
import { startEmulator, type Emulator } from '../../../src/emulator/index.js';
import { updateConnectionPolicy } from '../../../src/store/connections.js';
import { readEvents } from '../../../src/store/events.js';
import { createOrganization } from '../../../src/store/organizations.js';
import { cancelSyncRun, startSyncRun, waitForSyncRun } from '../../../src/sync/runs/start-sync-run.js';
import { toRunSummary } from '../../../src/sync/runs/sync-runs.js';
import { engines } from '../../support/engines.js';
import { startTestRoster, type TestRoster } from '../../support/roster.js';

/** The pull against Roster's Entra emulator over real HTTP: tokens through MSAL, Graph delta rounds. */
for (const engine of engines) {
  describe(`a Graph connection to the Entra emulator on ${engine}`, () => {
    let emulator: Emulator;
    let roster: TestRoster;
    let organizationId: string;
    let connectionId: string;

    before(async () => {
      emulator = await startEmulator({
        port: 0,
        users: 120,
        groups: 8,
        seed: 7,
        pageSizes: { usersDelta: 25, groupsDelta: 3, membersPerDeltaPage: 40 },
        clients: [
          {
            clientId: 'a0f0c0de-0000-4000-8000-000000000001',
            clientSecret: 'right',
            roles: ['User.Read.All', 'Group.Read.All', 'Application.Read.All'],
          },
          { clientId: 'a0f0c0de-0000-4000-8000-000000000003', clientSecret: 'right', roles: [] },
          {
            clientId: 'a0f0c0de-0000-4000-8000-000000000004',
            clientSecret: 'old',
            clientSecretExpiresAt: '2020-01-01',
            roles: ['Directory.Read.All'],
          },
        ],
      });
      roster = await startTestRoster(engine, { ROSTER_SECRET_KEY: '12'.repeat(32) });
      const now = new Date().toISOString();
      organizationId = (
        await createOrganization(roster.runtime.store.db, { slug: 'contoso', name: 'Contoso', now })
      ).id;
      connectionId = (await connect('a0f0c0de-0000-4000-8000-000000000001', 'right')).connectionId;
    });
    after(async () => {
      await roster.close();
      await emulator.close();
    });

    const connect = (clientId: string, clientSecret: string) =>
      createGraphConnection(
        roster.runtime,
        'contoso',
        {
          tenantId: emulator.tenantId,
          clientId,
          clientSecret,
          loginUrl: emulator.loginUrl,
          graphUrl: emulator.graphUrl,
        },
        { type: 'cli', id: null },
      );
    const sync = async (options: { full?: boolean; dryRun?: boolean } = {}) => {
      const runId = await startSyncRun(roster.runtime, connectionId, { trigger: 'manual', ...options });
      return toRunSummary(await waitForSyncRun(roster.runtime, runId));
    };
    const platformUser = (objectId: string) =>
      roster.runtime.store.db
        .selectFrom('users')
        .selectAll()
        .where('external_id', '=', objectId)
        .executeTakeFirst();
    const userMembers = (groupId: string) =>
      emulator.tenant.listMembers(groupId).filter((m) => m.type === 'user').length;

    test('graph test gets a token and reads the consented roles', async () => {
      const report = await testGraphConnection(roster.runtime, connectionId);
      assert.equal(report.ok, true, JSON.stringify(report));
      assert.deepEqual([...report.roles].sort(), ['Application.Read.All', 'Group.Read.All', 'User.Read.All']);
      assert.deepEqual(report.missing, []);
    });

    test('graph test explains a wrong secret, an expired one and missing consent', async () => {
      const wrong = await testGraphConnection(
        roster.runtime,
        (await connect('a0f0c0de-0000-4000-8000-000000000001', 'wrong')).connectionId,
      );
      assert.equal(wrong.error?.graphCode, 'AADSTS7000215');
      assert.match(wrong.remedies[0] ?? '', /secret VALUE/);
      const expired = await testGraphConnection(
        roster.runtime,
        (await connect('a0f0c0de-0000-4000-8000-000000000004', 'old')).connectionId,
      );
      assert.equal(expired.error?.graphCode, 'AADSTS7000222');
      const unknown = await testGraphConnection(
        roster.runtime,
        (await connect('a0f0c0de-0000-4000-8000-0000000000ff', 'x')).connectionId,
      );
      assert.equal(unknown.error?.graphCode, 'AADSTS700016');
      const otherTenant = await createGraphConnection(
        roster.runtime,
        'contoso',
        {
          tenantId: randomUUID(),
          clientId: 'a0f0c0de-0000-4000-8000-000000000001',
          clientSecret: 'right',
          loginUrl: emulator.loginUrl,
          graphUrl: emulator.graphUrl,
        },
        { type: 'cli', id: null },
      );
      const noTenant = await testGraphConnection(roster.runtime, otherTenant.connectionId);
      assert.equal(noTenant.error?.graphCode, 'AADSTS90002');
      assert.match(noTenant.remedies[0] ?? '', /Directory \(tenant\) ID/);
      const unconsented = await testGraphConnection(
        roster.runtime,
        (await connect('a0f0c0de-0000-4000-8000-000000000003', 'right')).connectionId,
      );
      assert.equal(unconsented.token, 'acquired');
      assert.deepEqual(
        unconsented.missing.map((m) => m.neededFor),
        ['users', 'groups', 'roles'],
      );
      assert.equal(unconsented.checks.users, 'failed');
      assert.match(unconsented.remedies.join(' '), /Grant admin consent/);
      const unreachable = await createGraphConnection(
        roster.runtime,
        'contoso',
        {
          tenantId: emulator.tenantId,
          clientId: 'a0f0c0de-0000-4000-8000-000000000001',
          clientSecret: 'right',
          loginUrl: 'http://127.0.0.1:1',
          graphUrl: emulator.graphUrl,
        },
        { type: 'cli', id: null },
      );
      const offline = await testGraphConnection(roster.runtime, unreachable.connectionId);
      assert.equal(offline.error?.graphCode, 'network_error');
      assert.equal(
        offline.error?.message,
        'The token request did not reach the login endpoint (network error)',
      );
      assert.match(offline.remedies[0] ?? '', /login URL/);
    });

    test('group search finds names from their first characters', async () => {
      const first = emulator.tenant.listGroups()[0];
      assert.ok(first);
      const hits = await searchGraphGroups(roster.runtime, connectionId, first.displayName.slice(0, 2));
      assert.ok(hits.some((hit) => hit.id === first.id));
    });

    test('a full sync brings every user and group with their member counts', async () => {
      const summary = await sync();
      assert.equal(summary.status, 'succeeded', JSON.stringify(summary.errors));
      const users = emulator.tenant.listUsers({ limit: 1000 });
      assert.deepEqual(summary.errors, []);
      assert.equal(summary.usersCreated, users.length);
      assert.equal(summary.groupsCreated, emulator.tenant.counts().groups);
      // Groups with more than a page of members arrive on several pages; the run's progress
      // counts each group and user once.
      const run = await roster.runtime.store.db
        .selectFrom('sync_runs')
        .select('progress')
        .where('id', '=', summary.runId)
        .executeTakeFirstOrThrow();
      const progress = JSON.parse(run.progress) as { usersSeen: number; groupsSeen: number };
      assert.equal(progress.groupsSeen, emulator.tenant.counts().groups);
      assert.equal(progress.usersSeen, users.length);
      for (const group of emulator.tenant.listGroups()) {
        const row = await roster.runtime.store.db
          .selectFrom('groups')
          .selectAll()
          .where('external_id', '=', group.id)
          .executeTakeFirstOrThrow();
        assert.equal(Number(row.member_count), userMembers(group.id), group.displayName);
      }
      const guest = users.find((u) => u.userType === 'Guest');
      assert.ok(guest, 'the emulator tenant has a guest');
      {
        const row = await platformUser(guest.id);
        assert.ok(row);
        assert.equal(
          (JSON.parse(row?.attributes ?? '{}') as Record<string, string>).userType ?? 'Guest',
          'Guest',
        );
      }
    });

    test('a delta round deactivates disabled and deleted users and removes memberships', async () => {
      const [disabled, deleted, leaver] = emulator.tenant
        .listUsers({ limit: 1000 })
        .filter((u) => u.accountEnabled);
      const group = emulator.tenant
        .listGroups()
        .find((g) => emulator.tenant.listMembers(g.id).some((m) => m.id === leaver?.id));
      assert.ok(disabled && deleted && leaver && group);
      const after = (await readEvents(roster.runtime.store.db, organizationId, { limit: 1, after: 0 }))
        .length;
      emulator.tenant.disableUser(disabled.id);
      emulator.tenant.deleteUser(deleted.id);
      emulator.tenant.removeMember(group.id, leaver.id);
      const summary = await sync();
      assert.equal(summary.status, 'succeeded', JSON.stringify(summary.errors));
      assert.equal(summary.usersCreated, 0);
      assert.equal((await platformUser(disabled.id))?.status, 'inactive');
      assert.equal((await platformUser(deleted.id))?.status, 'inactive');
      assert.equal((await platformUser(leaver.id))?.status, 'active');
      const types = (await readEvents(roster.runtime.store.db, organizationId, { after, limit: 1000 })).map(
        (e) => e.type,
      );
      assert.ok(types.includes('group.member_removed'), types.join(','));
      const row = await roster.runtime.store.db
        .selectFrom('groups')
        .selectAll()
        .where('external_id', '=', group.id)
        .executeTakeFirstOrThrow();
      assert.ok(Number(row.member_count) < userMembers(group.id) + 2);
    });

    test('an expired delta token gives a full resync that loses nobody', async () => {
      const before = await roster.runtime.store.db.selectFrom('users').select(['id', 'status']).execute();
      emulator.tenant.expireDeltaTokens();
      const summary = await sync();
      assert.equal(summary.status, 'succeeded', JSON.stringify(summary.errors));
      assert.equal(summary.usersDeactivated + summary.usersDeleted + summary.groupsDeleted, 0);
      const afterRows = await roster.runtime.store.db.selectFrom('users').select(['id', 'status']).execute();
      assert.deepEqual(
        afterRows.sort((a, b) => a.id.localeCompare(b.id)),
        before.sort((a, b) => a.id.localeCompare(b.id)),
      );
    });

    test('throttled requests are retried after Retry-After', async () => {
      emulator.tenant.injectFailures({ path: 'users/delta', status: 429, count: 2, retryAfterSeconds: 0 });
      emulator.tenant.injectFailures({ path: 'groups/delta', status: 503, count: 1 });
      const user = emulator.tenant.listUsers({ limit: 1000 }).find((u) => u.accountEnabled);
      assert.ok(user);
      emulator.tenant.updateUser(user.id, { jobTitle: 'Chief Tester' });
      const summary = await sync();
      assert.equal(summary.status, 'succeeded', JSON.stringify(summary.errors));
      assert.equal(summary.usersUpdated, 1);
      assert.deepEqual(emulator.tenant.pendingFailures(), []);
    });

    test('a dry run reports the changes and keeps none', async () => {
      const user = emulator.tenant.listUsers({ limit: 1000 }).find((u) => u.accountEnabled);
      assert.ok(user);
      emulator.tenant.disableUser(user.id);
      const dry = await sync({ dryRun: true });
      assert.equal(dry.usersDeactivated, 1);
      const planned = (dry as { planned?: { type: string; userId?: string }[] }).planned ?? [];
      const deactivation = planned.find((change) => change.type === 'user.deactivated');
      assert.equal(deactivation?.userId, (await platformUser(user.id))?.id, 'the dry run names the user');
      assert.equal((await platformUser(user.id))?.status, 'active');
      assert.equal((await sync()).usersDeactivated, 1);
      assert.equal((await platformUser(user.id))?.status, 'inactive');
    });

    test('a cancelled full run resumes and completes without losing anyone', async () => {
      let runId = '';
      runId = await startSyncRun(roster.runtime, connectionId, {
        trigger: 'api',
        full: true,
        hooks: { onProgress: (p) => void (p.pages === 2 ? cancelSyncRun(roster.runtime, runId) : undefined) },
      });
      assert.equal((await waitForSyncRun(roster.runtime, runId)).status, 'cancelled');
      const resumed = await sync({ full: true });
      assert.equal(resumed.status, 'succeeded', JSON.stringify(resumed.errors));
      assert.equal(resumed.usersDeactivated + resumed.usersDeleted, 0);
      const users = await roster.runtime.store.db.selectFrom('users').select('id').execute();
      assert.equal(users.length, emulator.tenant.listUsers({ limit: 1000 }).length + 1);
    });

    test('a mapping that reads another Graph property reaches users who did not change', async () => {
      const user = emulator.tenant
        .listUsers({ limit: 1000 })
        .find((u) => u.accountEnabled && u.officeLocation !== null && u.jobTitle !== u.officeLocation);
      assert.ok(user);
      await updateConnectionPolicy(
        roster.runtime.store.db,
        organizationId,
        connectionId,
        { attributeMapping: { jobTitle: 'officeLocation' } },
        new Date().toISOString(),
      );
      const summary = await sync();
      assert.equal(summary.status, 'succeeded', JSON.stringify(summary.errors));
      const row = await platformUser(user.id);
      assert.equal(
        (JSON.parse(row?.attributes ?? '{}') as Record<string, unknown>).jobTitle,
        user.officeLocation,
      );
    });
    test('a full run cut short is finished in full by the next run, though that one is not full', async () => {
      let runId = '';
      runId = await startSyncRun(roster.runtime, connectionId, {
        trigger: 'api',
        full: true,
        hooks: { onProgress: (p) => void (p.pages === 1 ? cancelSyncRun(roster.runtime, runId) : undefined) },
      });
      assert.equal((await waitForSyncRun(roster.runtime, runId)).status, 'cancelled');
      const next = await startSyncRun(roster.runtime, connectionId, { trigger: 'manual' });
      const run = await waitForSyncRun(roster.runtime, next);
      assert.equal(run.status, 'succeeded', JSON.stringify(run.errors));
      assert.deepEqual(run.progress.rounds, { users: 'full', groups: 'full' });
    });
  });
}
