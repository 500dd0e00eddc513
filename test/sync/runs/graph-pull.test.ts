import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createGraphConnection } from '../../../src/connectors/graph/graph-connections.js';
import { rotateGraphCredential } from '../../../src/connectors/graph/rotate-graph-credential.js';
import { searchGraphGroups } from '../../../src/connectors/graph/search-graph-groups.js';
import { testGraphConnection } from '../../../src/connectors/graph/test-graph-connection.js';
import { updateConnectionPolicy } from '../../../src/store/connections.js';
import { createOrganization } from '../../../src/store/organizations.js';
import {
  cancelSyncRun,
  getSyncRun,
  listSyncRuns,
  startSyncRun,
  waitForSyncRun,
} from '../../../src/sync/runs/start-sync-run.js';
import { toRunSummary } from '../../../src/sync/runs/sync-runs.js';
import { FakeTenant } from '../../connectors/graph/support/fake-tenant.js';
import { engines } from '../../support/engines.js';
import { startTestRoster, type TestRoster } from '../../support/roster.js';

const secretKey = 'ab'.repeat(32);

for (const engine of engines) {
  describe(`a Graph pull through the road on ${engine}`, () => {
    let roster: TestRoster;
    let tenant: FakeTenant;
    let organizationId: string;
    let connectionId: string;

    before(async () => {
      tenant = new FakeTenant(30, 3);
      await tenant.start();
      roster = await startTestRoster(engine, { ROSTER_SECRET_KEY: secretKey });
      organizationId = (
        await createOrganization(roster.runtime.store.db, {
          slug: 'acme',
          name: 'Acme',
          now: new Date().toISOString(),
        })
      ).id;
      const created = await createGraphConnection(
        roster.runtime,
        'acme',
        {
          tenantId: tenant.tenantId,
          clientId: tenant.clientId,
          clientSecret: tenant.clientSecret,
          loginUrl: tenant.url,
          graphUrl: tenant.url,
        },
        { type: 'cli', id: null },
      );
      connectionId = created.connectionId;
      // This fake tenant serves users and groups only; app role assignments have their own test
      // against the emulator (test/connectors/graph/emulator-roles.test.ts).
      await updateConnectionPolicy(
        roster.runtime.store.db,
        organizationId,
        connectionId,
        { roles: { fromSource: false } },
        new Date().toISOString(),
      );
    });
    after(async () => {
      await roster.close();
      await tenant.close();
    });

    const sync = async (options: { full?: boolean; dryRun?: boolean } = {}) => {
      const runId = await startSyncRun(roster.runtime, connectionId, { trigger: 'manual', ...options });
      return toRunSummary(await waitForSyncRun(roster.runtime, runId));
    };
    const users = () =>
      roster.runtime.store.db
        .selectFrom('users')
        .select(['external_id', 'status'])
        .where('organization_id', '=', organizationId)
        .execute();
    const statusOf = async (objectId: string) =>
      (await users()).find((u) => u.external_id === objectId)?.status;

    test('graph test reports the consented roles and nothing missing', async () => {
      const report = await testGraphConnection(roster.runtime, connectionId);
      assert.equal(report.ok, true);
      assert.deepEqual(report.roles, ['User.Read.All', 'Group.Read.All']);
      assert.deepEqual(report.missing, []);
    });

    test('graph test turns a wrong secret into the AADSTS7000215 remedy', async () => {
      const wrong = await createGraphConnection(
        roster.runtime,
        'acme',
        {
          tenantId: tenant.tenantId,
          clientId: tenant.clientId,
          clientSecret: 'nope',
          loginUrl: tenant.url,
          graphUrl: tenant.url,
        },
        { type: 'cli', id: null },
      );
      const report = await testGraphConnection(roster.runtime, wrong.connectionId);
      assert.equal(report.ok, false);
      assert.equal(report.token, 'failed');
      assert.equal(report.error?.graphCode, 'AADSTS7000215');
      assert.match(report.remedies.join(' '), /Certificates & secrets/);
      const summary = toRunSummary(
        await waitForSyncRun(
          roster.runtime,
          await startSyncRun(roster.runtime, wrong.connectionId, { trigger: 'manual' }),
        ),
      );
      assert.equal(summary.status, 'failed');
      assert.equal(summary.errors[0]?.graphCode, 'AADSTS7000215');
      assert.equal(summary.usersCreated, 0);
      const rotated = await rotateGraphCredential(
        roster.runtime,
        wrong.connectionId,
        { clientSecret: tenant.clientSecret, secretExpiresAt: '2099-12-31' },
        { type: 'cli', id: null },
      );
      assert.equal(rotated.secretExpiresAt, '2099-12-31T00:00:00.000Z');
      assert.equal((await testGraphConnection(roster.runtime, wrong.connectionId)).ok, true);
    });

    test('graph test names the permissions missing consent', async () => {
      tenant.roles = ['User.Read.All'];
      try {
        const report = await testGraphConnection(roster.runtime, connectionId);
        assert.equal(report.ok, false);
        assert.deepEqual(
          report.missing.map((m) => [m.neededFor, m.anyOf[0]]),
          [['groups', 'Group.Read.All']],
        );
        assert.match(report.remedies.join(' '), /Grant admin consent/);
      } finally {
        tenant.roles = ['User.Read.All', 'Group.Read.All'];
      }
    });

    test('finds groups by the start of a word', async () => {
      const hits = await searchGraphGroups(roster.runtime, connectionId, 'gro');
      assert.equal(hits.length, 3);
    });

    test('a first run is full and brings every user, group and membership', async () => {
      const summary = await sync();
      assert.equal(summary.status, 'succeeded', JSON.stringify(summary.errors));
      assert.equal(summary.usersCreated, 30);
      assert.equal(summary.groupsCreated, 3);
      assert.equal(summary.membershipsAdded, 30);
      const groups = await roster.runtime.store.db
        .selectFrom('groups')
        .select(['display_name', 'member_count'])
        .orderBy('display_name')
        .execute();
      assert.deepEqual(
        groups.map((g) => Number(g.member_count)),
        [10, 10, 10],
      );
    });

    test('a delta run deactivates disabled and deleted users and removes a membership', async () => {
      tenant.updateUser('u-001', { accountEnabled: false });
      tenant.deleteUser('u-002');
      tenant.removeMember('g-3', 'u-003');
      const before = tenant.requests.length;
      const summary = await sync();
      assert.equal(summary.status, 'succeeded', JSON.stringify(summary.errors));
      assert.ok(
        tenant.requests.slice(before).every((r) => r.includes('deltatoken')),
        'delta links only',
      );
      assert.equal(summary.usersDeactivated, 2, JSON.stringify(summary));
      // u-003 left g-3, and u-002, deleted in Entra (kept inactive), left its group with it.
      assert.equal(summary.membershipsRemoved, 2);
      assert.equal(await statusOf('u-001'), 'inactive');
      assert.equal(await statusOf('u-002'), 'inactive');
    });

    test('an expired delta token leads to a full resync that loses nobody still there', async () => {
      tenant.expireDeltaTokens();
      tenant.deleteUser('u-004');
      const summary = await sync();
      assert.equal(summary.status, 'succeeded', JSON.stringify(summary.errors));
      assert.equal(summary.usersDeactivated, 1);
      const all = await users();
      assert.equal(all.length, 30);
      assert.equal(all.filter((u) => u.status === 'active').length, 27);
      // 30 memberships less u-003's, u-002's and now u-004's: deleted users leave their groups.
      const groups = await roster.runtime.store.db.selectFrom('groups').select('member_count').execute();
      assert.equal(
        groups.reduce((sum, g) => sum + Number(g.member_count), 0),
        27,
      );
      assert.equal(summary.groupsDeleted, 0);
    });

    test('429 answers are waited out', async () => {
      tenant.throttleNext = 2;
      tenant.updateUser('u-005', { givenName: 'Renamed' });
      const summary = await sync();
      assert.equal(summary.status, 'succeeded');
      assert.equal(summary.usersUpdated, 1);
      assert.equal(tenant.throttled, 2);
    });

    test('two Entra groups with one name both arrive, the second named apart', async () => {
      tenant.upsertGroup('g-dup', 'Group 1');
      tenant.addMember('g-dup', 'u-010');
      const summary = await sync();
      assert.equal(summary.status, 'succeeded');
      assert.deepEqual(summary.errors, []);
      assert.equal(summary.groupsCreated, 1);
      const names = await roster.runtime.store.db
        .selectFrom('directory_groups')
        .select('display_name')
        .orderBy('display_name')
        .execute();
      assert.ok(
        names.some((row) => row.display_name === 'Group 1 (g-dup)'),
        JSON.stringify(names),
      );
    });

    test('a dry run counts the changes and keeps none', async () => {
      tenant.updateUser('u-006', { accountEnabled: false });
      const dry = await sync({ dryRun: true });
      assert.equal(dry.status, 'succeeded');
      assert.equal(dry.usersDeactivated, 1);
      assert.equal(await statusOf('u-006'), 'active');
      const real = await sync();
      assert.equal(real.usersDeactivated, 1);
      assert.equal(await statusOf('u-006'), 'inactive');
    });

    test('a cancelled run stops at a page boundary and the next run resumes there', async () => {
      tenant.pageSize = 5;
      let runId = '';
      runId = await startSyncRun(roster.runtime, connectionId, {
        trigger: 'api',
        full: true,
        hooks: { onProgress: (p) => void (p.pages === 2 ? cancelSyncRun(roster.runtime, runId) : undefined) },
      });
      const cancelled = await waitForSyncRun(roster.runtime, runId);
      assert.equal(cancelled.status, 'cancelled');
      const state = await roster.runtime.store.db
        .selectFrom('graph_sync_state')
        .selectAll()
        .where('resource', '=', 'users')
        .executeTakeFirstOrThrow();
      assert.match(state.next_link ?? '', /skiptoken=0\.\d+/, 'stopped inside the round');
      const before = tenant.requests.length;
      const resumed = await sync({ full: true });
      assert.equal(resumed.status, 'succeeded');
      // The cancelled run may have fetched one page ahead; the resumed run starts at the stored link, not over.
      const after = tenant.requests.slice(before);
      const stored = new URL(state.next_link ?? '');
      assert.ok(after.includes(`GET ${stored.pathname}${stored.search}`), after.join('\n'));
      assert.ok(
        !after.some((r) => r.startsWith('GET /v1.0/users/delta?$select')),
        'the users round did not start over',
      );
      assert.equal((await users()).length, 30);
      const runs = await listSyncRuns(roster.runtime, connectionId);
      assert.equal(runs[0]?.status, 'succeeded');
      assert.equal((await getSyncRun(roster.runtime, runId)).status, 'cancelled');
      tenant.pageSize = 10;
    });
  });
}
