import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startEmulator, type Emulator } from '../../../src/emulator/index.js';
import { getPolicy, setPolicy } from '../../../src/sync/policy-service.js';
import { startSyncRun, waitForSyncRun } from '../../../src/sync/runs/start-sync-run.js';
import { toRunSummary } from '../../../src/sync/runs/sync-runs.js';
import { engines } from '../../support/engines.js';
import { connectToEmulator } from '../../support/graph.js';
import { startTestRoster, type TestRoster } from '../../support/roster.js';

const admin = { type: 'cli' as const, id: null };

/**
 * "Saved. The next sync applies it": a policy set between two runs reaches the users already
 * synced at the next run, a delta round with nothing changed in the directory included.
 */
for (const engine of engines) {
  describe(`the next Graph sync applies a policy set since the last on ${engine}`, () => {
    let emulator: Emulator;
    let roster: TestRoster;
    let organizationId: string;
    let connectionId: string;

    const sync = async () => {
      const run = await waitForSyncRun(
        roster.runtime,
        await startSyncRun(roster.runtime, connectionId, { trigger: 'manual' }),
      );
      const summary = toRunSummary(run);
      assert.equal(summary.status, 'succeeded', JSON.stringify(summary.errors));
      return summary;
    };
    const activeUsers = async () =>
      (
        await roster.runtime.store.db
          .selectFrom('users')
          .select('id')
          .where('organization_id', '=', organizationId)
          .where('status', '=', 'active')
          .execute()
      ).length;
    const smallUserGroup = () => {
      const group = emulator.tenant
        .listGroups()
        .filter((g) => g.memberCount > 1 && emulator.tenant.listMembers(g.id).every((m) => m.type === 'user'))
        .sort((a, b) => a.memberCount - b.memberCount)[0];
      assert.ok(group);
      return group;
    };

    before(async () => {
      emulator = await startEmulator({ port: 0, users: 120, groups: 6, seed: 5 });
      roster = await startTestRoster(engine, { ROSTER_SECRET_KEY: '56'.repeat(32) });
      ({ organizationId, connectionId } = await connectToEmulator(roster, emulator, 'policy-change'));
    });
    after(async () => {
      await roster.close();
      await emulator.close();
    });

    test('narrowing to a group, then back to everyone, brings everyone back on a plain sync', async () => {
      await sync();
      const everyone = await activeUsers();
      const group = smallUserGroup();
      assert.ok(everyone > group.memberCount);

      await setPolicy(
        roster.runtime,
        connectionId,
        { scope: { users: 'groups', groups: [{ id: group.id }] } },
        admin,
      );
      await sync();
      assert.ok((await activeUsers()) <= group.memberCount);

      await setPolicy(roster.runtime, connectionId, {}, admin);
      assert.equal((await getPolicy(roster.runtime, connectionId)).pending, true);
      const widened = await sync();
      assert.equal(await activeUsers(), everyone);
      assert.ok(widened.usersReactivated > 0, JSON.stringify(widened));
      assert.equal((await getPolicy(roster.runtime, connectionId)).pending, false);
    });

    test('a role rule added with nothing changed in the directory is applied by the next delta run', async () => {
      const group = smallUserGroup();
      const members = new Set(emulator.tenant.listMembers(group.id).map((member) => member.id));
      const roles = async () =>
        new Map(
          (
            await roster.runtime.store.db
              .selectFrom('users')
              .select(['external_id', 'roles'])
              .where('organization_id', '=', organizationId)
              .execute()
          ).map((user) => [user.external_id, JSON.parse(user.roles) as string[]]),
        );
      const before = await roles();
      await setPolicy(
        roster.runtime,
        connectionId,
        { roles: { rules: [{ group: { id: group.id }, role: 'Admin' }] } },
        admin,
      );
      const summary = await sync();
      const after = await roles();
      for (const [externalId, granted] of after) {
        if (members.has(externalId ?? '')) assert.ok(granted.includes('Admin'), externalId ?? '');
        else assert.deepEqual(granted, before.get(externalId), externalId ?? '');
      }
      const gained = [...members].filter((id) => !(before.get(id) ?? []).includes('Admin')).length;
      assert.ok(gained > 0);
      assert.equal(summary.usersUpdated, gained, JSON.stringify(summary));
      // Applied once: the run after changes nothing.
      assert.equal((await sync()).usersUpdated, 0);
    });
  });
}
