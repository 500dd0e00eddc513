import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig } from '../../src/config.js';
import { createGraphConnection } from '../../src/connectors/graph/graph-connections.js';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { startScheduler } from '../../src/jobs/index.js';
import { createLogger } from '../../src/logger.js';
import { openRuntime, type Runtime } from '../../src/runtime.js';
import { readEvents } from '../../src/store/events.js';
import { createOrganization } from '../../src/store/organizations.js';
import { listSyncRuns } from '../../src/sync/runs/start-sync-run.js';
import { engines } from '../support/engines.js';
import { startTestRoster, type TestRoster } from '../support/roster.js';

const dayMs = 24 * 3600 * 1000;

for (const engine of engines) {
  describe(`expiring Graph credentials announced by the scheduler on ${engine}`, () => {
    let emulator: Emulator;
    let roster: TestRoster;
    let second: Runtime;
    let organizationId: string;
    let expiring: string;
    let later: string;

    const connect = async (secretExpiresAt: string) => {
      const client = emulator.clients[0];
      assert.ok(client?.clientSecret);
      return (
        await createGraphConnection(
          roster.runtime,
          'expiry',
          {
            tenantId: emulator.tenantId,
            clientId: client.clientId,
            clientSecret: client.clientSecret,
            secretExpiresAt,
            loginUrl: emulator.loginUrl,
            graphUrl: emulator.graphUrl,
            interval: 'off',
          },
          { type: 'cli', id: null },
        )
      ).connectionId;
    };
    const announcements = async () =>
      (
        await readEvents(roster.runtime.store.db, organizationId, {
          limit: 1000,
          types: ['connection.secret_expiring'],
        })
      ).map((event) => event.data);
    /** Both processes' schedulers tick together for a while, as two `roster serve` would. */
    const tickBoth = async () => {
      const schedulers = [
        startScheduler(roster.runtime, { tickMs: 20 }),
        startScheduler(second, { tickMs: 20 }),
      ];
      await sleep(800);
      await Promise.all(schedulers.map((scheduler) => scheduler.stop()));
    };

    before(async () => {
      emulator = await startEmulator({ port: 0, users: 5, groups: 1, seed: 3 });
      roster = await startTestRoster(engine, { ROSTER_SECRET_KEY: '78'.repeat(32) });
      // A second Roster process on the same database: its own store, pool and scheduler.
      second = await openRuntime(loadConfig(roster.env), { logger: createLogger('silent') });
      organizationId = (
        await createOrganization(roster.runtime.store.db, {
          slug: 'expiry',
          name: 'Expiry',
          now: new Date().toISOString(),
        })
      ).id;
      const day = (days: number) => new Date(Date.now() + days * dayMs).toISOString().slice(0, 10);
      expiring = await connect(day(10));
      later = await connect(day(200));
    });
    after(async () => {
      await second.close();
      await roster.close();
      await emulator.close();
    });

    test('a connection that never syncs is warned once, though two processes check it', async () => {
      await tickBoth();
      const events = await announcements();
      assert.deepEqual(
        events.map((data) => data.connectionId),
        [expiring],
      );
      assert.ok(Number(events[0]?.daysLeft) <= 10);
      assert.equal(events[0]?.expired, false);
      assert.deepEqual(await listSyncRuns(roster.runtime, expiring), [], 'schedule off: no sync ran');
      assert.deepEqual(await listSyncRuns(roster.runtime, later), []);
    });

    test('restarted processes do not warn again within the day', async () => {
      await tickBoth();
      assert.equal((await announcements()).length, 1);
    });

    test('a day later it is warned again, once', async () => {
      await roster.runtime.store.db
        .updateTable('events')
        .set({ occurred_at: new Date(Date.now() - dayMs - 60_000).toISOString() })
        .where('organization_id', '=', organizationId)
        .where('type', '=', 'connection.secret_expiring')
        .execute();
      await tickBoth();
      assert.deepEqual(
        (await announcements()).map((data) => data.connectionId),
        [expiring, expiring],
      );
    });

    test('the check leaves no lease behind, so a sync can start at once', async () => {
      const leases = await roster.runtime.store.db.selectFrom('sync_leases').selectAll().execute();
      assert.deepEqual(leases, []);
    });
  });
}
