import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startEmulator, type Emulator } from '../../../src/emulator/index.js';
import { setSeatLimit } from '../../../src/store/organization-settings.js';
import { countUsers } from '../../../src/store/users.js';
import { startSyncRun, waitForSyncRun } from '../../../src/sync/runs/start-sync-run.js';
import { toRunSummary } from '../../../src/sync/runs/sync-runs.js';
import { engines } from '../../support/engines.js';
import { connectToEmulator } from '../../support/graph.js';
import { startTestRoster, type TestRoster } from '../../support/roster.js';

/** Issue 4: "a sync that would exceed [the seat limit] applies nothing and says how many users it would have imported". */
for (const engine of engines) {
  describe(`the seat guard on a Graph pull on ${engine}`, () => {
    let emulator: Emulator;
    let roster: TestRoster;
    let organizationId: string;
    let connectionId: string;

    before(async () => {
      // Users delta pages hold 200 users: 450 users span several pages, so a limit crossed on a
      // later page would leave the earlier ones behind without the pre-check.
      emulator = await startEmulator({ port: 0, users: 450, groups: 4, seed: 21 });
      roster = await startTestRoster(engine, { ROSTER_SECRET_KEY: '56'.repeat(32) });
      ({ organizationId, connectionId } = await connectToEmulator(roster, emulator, 'seats'));
    });
    after(async () => {
      await roster.close();
      await emulator.close();
    });

    const sync = async () =>
      toRunSummary(
        await waitForSyncRun(
          roster.runtime,
          await startSyncRun(roster.runtime, connectionId, { trigger: 'manual' }),
        ),
      );

    test('a pull that would end above the limit imports no one and says how many it would have', async () => {
      await setSeatLimit(roster.runtime.store.db, organizationId, 300, new Date().toISOString());
      const summary = await sync();
      assert.equal(summary.status, 'failed');
      assert.equal(await countUsers(roster.runtime.store.db, organizationId), 0, 'no page was kept');
      const message = JSON.stringify(summary.errors);
      assert.match(message, /would import \d+ user\(s\), above the organization's seat limit of 300/);
    });

    test('with room for everyone the same pull applies', async () => {
      await setSeatLimit(roster.runtime.store.db, organizationId, 1000, new Date().toISOString());
      const summary = await sync();
      assert.equal(summary.status, 'succeeded', JSON.stringify(summary.errors));
      assert.ok((await countUsers(roster.runtime.store.db, organizationId)) > 300);
    });
  });
}
