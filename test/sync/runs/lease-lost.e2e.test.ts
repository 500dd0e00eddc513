import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startEmulator, type Emulator } from '../../../src/emulator/index.js';
import { markInterrupted, startSyncRun, waitForSyncRun } from '../../../src/sync/runs/start-sync-run.js';
import { engines } from '../../support/engines.js';
import { connectToEmulator } from '../../support/graph.js';
import { startTestRoster, type TestRoster } from '../../support/roster.js';

/**
 * A process that stalls past its sync lease (a paused VM, a starved CPU) finds, when it wakes,
 * that another process took the connection over and closed its run as interrupted. It must keep
 * nothing it applies after that, and must not close the run a second time: consumers of the event
 * log see one end per run.
 */
for (const engine of engines) {
  describe(`a sync run whose lease another process took on ${engine}`, () => {
    let emulator: Emulator;
    let roster: TestRoster;
    let organizationId: string;
    let connectionId: string;

    before(async () => {
      emulator = await startEmulator({
        port: 0,
        users: 200,
        groups: 2,
        seed: 6,
        pageSizes: { usersDelta: 20 },
      });
      roster = await startTestRoster(engine, { ROSTER_SECRET_KEY: '7a'.repeat(32) });
      ({ organizationId, connectionId } = await connectToEmulator(roster, emulator, 'stalled'));
    });
    after(async () => {
      await roster.close();
      await emulator.close();
    });

    /** Directory users a connection has kept so far: what its committed pages brought. */
    const storedUsersOf = async (id: string) =>
      Number(
        (
          await roster.runtime.store.db
            .selectFrom('directory_users')
            .select((eb) => eb.fn.countAll().as('n'))
            .where('connection_id', '=', id)
            .executeTakeFirstOrThrow()
        ).n,
      );

    /**
     * A sync whose first page has committed and which then waits two seconds for its second
     * (Graph's Retry-After): the stall, during which another process acts.
     */
    const startStalledRun = async (id: string) => {
      emulator.tenant.injectFailures({
        path: /\/users\/delta\?\$skiptoken=/,
        status: 429,
        retryAfterSeconds: 2,
      });
      const runId = await startSyncRun(roster.runtime, id, { trigger: 'manual' });
      for (let i = 0; i < 100 && (await storedUsersOf(id)) === 0; i += 1) await sleep(20);
      assert.ok((await storedUsersOf(id)) > 0, 'the first page committed');
      return runId;
    };

    test('keeps no page applied after the takeover and ends the run only once', async () => {
      const { db } = roster.runtime.store;
      const runId = await startStalledRun(connectionId);
      const storedUsers = () => storedUsersOf(connectionId);

      // What another process does when it finds the lease expired: takes it, closes the old run.
      await db
        .updateTable('sync_leases')
        .set({
          run_id: 'run-of-another-process',
          holder: 'otherhost:1',
          expires_at: '2999-01-01T00:00:00.000Z',
        })
        .where('connection_id', '=', connectionId)
        .execute();
      await markInterrupted(roster.runtime, runId);
      const keptAtTakeover = await storedUsers();

      const finished = await waitForSyncRun(roster.runtime, runId);
      assert.equal(finished.status, 'failed');
      assert.deepEqual(
        finished.errors.map((error) => error.code),
        ['interrupted'],
        'the record the taking-over process wrote stands',
      );
      assert.equal(await storedUsers(), keptAtTakeover, 'no page applied after the takeover was kept');
      const ends = await db
        .selectFrom('events')
        .select(['type', 'data'])
        .where('organization_id', '=', organizationId)
        .where('type', 'in', ['sync.completed', 'sync.failed'])
        .execute();
      const endsOfRun = ends.filter(
        (event) => (JSON.parse(event.data) as { run: { id: string } }).run.id === runId,
      );
      assert.equal(endsOfRun.length, 1);
      // The lease stays with the process that took it.
      const lease = await db
        .selectFrom('sync_leases')
        .select('run_id')
        .where('connection_id', '=', connectionId)
        .executeTakeFirst();
      assert.equal(lease?.run_id, 'run-of-another-process');
    });

    test('a run another process closed as interrupted, without taking its lease, keeps nothing more', async () => {
      const { db } = roster.runtime.store;
      // A connection of its own: the first test left this one's tenant half synced.
      const other = await connectToEmulator(roster, emulator, 'stalled-again');
      const runId = await startStalledRun(other.connectionId);
      const storedUsers = () => storedUsersOf(other.connectionId);
      // What a process does that finds this run's process gone (closeOrphanedRuns).
      await markInterrupted(roster.runtime, runId);
      const keptAtClose = await storedUsers();

      const finished = await waitForSyncRun(roster.runtime, runId);
      assert.equal(finished.status, 'failed');
      assert.deepEqual(
        finished.errors.map((error) => error.code),
        ['interrupted'],
      );
      assert.equal(await storedUsers(), keptAtClose, 'no page applied after the close was kept');
      const lease = await db
        .selectFrom('sync_leases')
        .select('run_id')
        .where('connection_id', '=', other.connectionId)
        .executeTakeFirst();
      assert.equal(lease, undefined, 'the closed run holds no lease: the next run starts at once');
    });
  });
}
