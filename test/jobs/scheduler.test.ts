import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig } from '../../src/config.js';
import { createGraphConnection } from '../../src/connectors/graph/graph-connections.js';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { startScheduler } from '../../src/jobs/index.js';
import { createLogger } from '../../src/logger.js';
import { openRuntime, type Runtime } from '../../src/runtime.js';
import { listAudit } from '../../src/store/audit.js';
import { readEvents } from '../../src/store/events.js';
import { createOrganization } from '../../src/store/organizations.js';
import { processHolder } from '../../src/sync/runs/run-lease.js';
import {
  closeOrphanedRuns,
  getSyncRun,
  listSyncRuns,
  startSyncRun,
  stopLocalRuns,
  waitForSyncRun,
} from '../../src/sync/runs/start-sync-run.js';
import { insertSyncRun } from '../../src/sync/runs/sync-runs.js';
import { engines } from '../support/engines.js';
import { startTestRoster, type TestRoster } from '../support/roster.js';

for (const engine of engines) {
  describe(`scheduled Graph syncs on ${engine}`, () => {
    let emulator: Emulator;
    let roster: TestRoster;
    let second: Runtime;
    let organizationId: string;
    let connectionId: string;

    before(async () => {
      emulator = await startEmulator({ port: 0, users: 50, groups: 4, seed: 5 });
      roster = await startTestRoster(engine, { ROSTER_SECRET_KEY: '56'.repeat(32) });
      // A second Roster process on the same database: its own store, pool and scheduler.
      second = await openRuntime(loadConfig(roster.env), { logger: createLogger('silent') });
      const now = new Date();
      organizationId = (
        await createOrganization(roster.runtime.store.db, {
          slug: 'sched',
          name: 'Sched',
          now: now.toISOString(),
        })
      ).id;
      const client = emulator.clients[0];
      assert.ok(client?.clientSecret);
      const soon = new Date(now.getTime() + 10 * 24 * 3600 * 1000).toISOString().slice(0, 10);
      connectionId = (
        await createGraphConnection(
          roster.runtime,
          'sched',
          {
            tenantId: emulator.tenantId,
            clientId: client.clientId,
            clientSecret: client.clientSecret,
            secretExpiresAt: soon,
            loginUrl: emulator.loginUrl,
            graphUrl: emulator.graphUrl,
            interval: '15m',
          },
          { type: 'cli', id: null },
        )
      ).connectionId;
    });
    after(async () => {
      await second.close();
      await roster.close();
      await emulator.close();
    });

    test('a connection made just now waits one interval for its first scheduled sync', async () => {
      const scheduler = startScheduler(roster.runtime, { tickMs: 50 });
      await sleep(500);
      await scheduler.stop();
      assert.deepEqual(await listSyncRuns(roster.runtime, connectionId), []);
      // As if it had been made 16 minutes ago: its 15-minute interval has passed.
      const made = new Date(Date.now() - 16 * 60_000).toISOString();
      await roster.runtime.store.db
        .updateTable('connections')
        .set({ created_at: made })
        .where('id', '=', connectionId)
        .execute();
    });

    test('two processes ticking together run a due connection once', async () => {
      const schedulers = [
        startScheduler(roster.runtime, { tickMs: 50 }),
        startScheduler(second, { tickMs: 50 }),
      ];
      let runs = await listSyncRuns(roster.runtime, connectionId);
      for (let i = 0; i < 200 && !runs.some((run) => run.status === 'succeeded'); i += 1) {
        await sleep(50);
        runs = await listSyncRuns(roster.runtime, connectionId);
      }
      await sleep(300);
      await Promise.all(schedulers.map((scheduler) => scheduler.stop()));
      runs = await listSyncRuns(roster.runtime, connectionId);
      assert.equal(runs.length, 1, JSON.stringify(runs.map((r) => r.status)));
      assert.equal(runs[0]?.trigger, 'schedule');
      assert.equal(runs[0]?.status, 'succeeded');
      assert.equal(runs[0]?.counts.usersCreated, 50);
    });

    test('each run leaves an audit entry', async () => {
      const entries = await listAudit(roster.runtime.store.db, organizationId, { limit: 50 });
      const finished = entries.filter((entry) => entry.action === 'sync_run.finished');
      assert.equal(finished.length, 1);
      assert.equal(finished[0]?.actor.type, 'system');
      assert.equal((finished[0]?.after as { status: string }).status, 'succeeded');
    });

    test('a secret about to expire is announced once a day, not on every run', async () => {
      await waitForSyncRun(
        roster.runtime,
        await startSyncRun(roster.runtime, connectionId, { trigger: 'manual' }),
      );
      const events = await readEvents(roster.runtime.store.db, organizationId, {
        limit: 1000,
        types: ['connection.secret_expiring'],
      });
      assert.equal(events.length, 1);
      assert.equal(events[0]?.data.connectionId, connectionId);
      assert.ok(Number(events[0]?.data.daysLeft) <= 10);
    });
    test('runs whose process is gone are closed; a started one gets its sync.failed', async () => {
      const dead = `${os.hostname()}:${2 ** 22 + 12345}`;
      const now = new Date().toISOString();
      const insert = async (status: 'queued' | 'running', holder: string) => {
        const run = await insertSyncRun(roster.runtime.store.db, {
          organizationId,
          connectionId,
          trigger: 'manual',
          dryRun: false,
          full: false,
          now,
          status,
        });
        await roster.runtime.store.db
          .updateTable('sync_runs')
          .set({ holder })
          .where('id', '=', run.id)
          .execute();
        return run.id;
      };
      const orphanRunning = await insert('running', dead);
      const orphanQueued = await insert('queued', dead);
      const alive = await insert('queued', processHolder);
      await closeOrphanedRuns(roster.runtime);
      const status = async (id: string) => (await getSyncRun(roster.runtime, id)).status;
      assert.equal(await status(orphanRunning), 'failed');
      assert.equal(await status(orphanQueued), 'failed');
      assert.equal(await status(alive), 'queued');
      assert.match(JSON.stringify((await getSyncRun(roster.runtime, orphanQueued)).errors), /"interrupted"/);
      const failed = await readEvents(roster.runtime.store.db, organizationId, {
        limit: 1000,
        types: ['sync.failed'],
      });
      assert.deepEqual(
        failed.map((event) => (event.data.run as { id: string }).id),
        [orphanRunning],
      );
      await roster.runtime.store.db
        .updateTable('sync_runs')
        .set({ status: 'cancelled' })
        .where('id', '=', alive)
        .execute();
    });

    test('runs of a process on another host are closed once they hold no live lease', async () => {
      const remote = 'another-host.example:4242';
      const longAgo = new Date(Date.now() - 5 * 60_000).toISOString();
      const insert = async (status: 'queued' | 'running', createdAt: string) => {
        const run = await insertSyncRun(roster.runtime.store.db, {
          organizationId,
          connectionId,
          trigger: 'manual',
          dryRun: false,
          full: false,
          now: createdAt,
          status,
        });
        await roster.runtime.store.db
          .updateTable('sync_runs')
          .set({ holder: remote })
          .where('id', '=', run.id)
          .execute();
        return run.id;
      };
      const running = await insert('running', longAgo);
      const waiting = await insert('queued', longAgo);
      const justQueued = await insert('queued', new Date().toISOString());
      const setLease = (expiresAt: string) =>
        roster.runtime.store.db
          .insertInto('sync_leases')
          .values({ connection_id: connectionId, run_id: running, holder: remote, expires_at: expiresAt })
          .onConflict((oc) =>
            oc.column('connection_id').doUpdateSet({ run_id: running, expires_at: expiresAt }),
          )
          .execute();
      const status = async (id: string) => (await getSyncRun(roster.runtime, id)).status;

      // The remote process renews its lease: its run runs, and the run queued behind it waits.
      await setLease(new Date(Date.now() + 30_000).toISOString());
      await closeOrphanedRuns(roster.runtime);
      assert.deepEqual(
        [await status(running), await status(waiting), await status(justQueued)],
        ['running', 'queued', 'queued'],
      );

      // It stopped renewing long ago: both of its runs are orphans; a run queued a moment ago is not yet.
      await setLease(longAgo);
      await closeOrphanedRuns(roster.runtime);
      assert.deepEqual(
        [await status(running), await status(waiting), await status(justQueued)],
        ['failed', 'failed', 'queued'],
      );
      assert.match(JSON.stringify((await getSyncRun(roster.runtime, waiting)).errors), /"interrupted"/);
      await roster.runtime.store.db.deleteFrom('sync_leases').where('run_id', '=', running).execute();
      await roster.runtime.store.db
        .updateTable('sync_runs')
        .set({ status: 'cancelled' })
        .where('id', '=', justQueued)
        .execute();
    });

    test('a run that must wait for another run of its connection says so once, then runs', async () => {
      const holder = randomUUID();
      await roster.runtime.store.db
        .insertInto('sync_leases')
        .values({
          connection_id: connectionId,
          run_id: holder,
          holder: processHolder,
          expires_at: new Date(Date.now() + 60_000).toISOString(),
        })
        .execute();
      const waitedFor: string[] = [];
      const runId = await startSyncRun(roster.runtime, connectionId, {
        trigger: 'manual',
        hooks: { onWaiting: (heldBy) => waitedFor.push(heldBy) },
      });
      while (waitedFor.length === 0) await sleep(20);
      await sleep(1200);
      assert.deepEqual(waitedFor, [holder], 'told once, with the run it waits for');
      assert.equal((await getSyncRun(roster.runtime, runId)).status, 'queued');
      await roster.runtime.store.db.deleteFrom('sync_leases').where('run_id', '=', holder).execute();
      assert.equal((await waitForSyncRun(roster.runtime, runId)).status, 'succeeded');
    });

    test('stopping the server stops its runs as interrupted, not as cancelled by someone, and waits for them', async () => {
      let stopping: Promise<void> | undefined;
      const runId = await startSyncRun(roster.runtime, connectionId, {
        trigger: 'api',
        full: true,
        hooks: { onProgress: (p) => void (p.pages === 1 ? (stopping ??= stopLocalRuns()) : undefined) },
      });
      while (stopping === undefined) await sleep(10);
      await stopping;
      const run = await getSyncRun(roster.runtime, runId);
      assert.equal(run.status, 'failed');
      assert.notEqual(run.finishedAt, null);
      assert.equal(run.cancelRequested, false);
      assert.deepEqual(
        run.errors.map((error) => error.code),
        ['interrupted'],
      );
      // What it committed stays; the next run resumes and finishes.
      assert.equal(
        (
          await waitForSyncRun(
            roster.runtime,
            await startSyncRun(roster.runtime, connectionId, { trigger: 'api' }),
          )
        ).status,
        'succeeded',
      );
    });
  });
}
