import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startEmulator, type Emulator } from '../../../src/emulator/index.js';
import { setSeatLimit } from '../../../src/store/organization-settings.js';
import { startSyncRun, waitForSyncRun } from '../../../src/sync/runs/start-sync-run.js';
import { requestCancel } from '../../../src/sync/runs/sync-runs.js';
import { organizationWithKey, type ApiClient } from '../../api/support/api-client.js';
import { engines } from '../../support/engines.js';
import { startTestRoster, type TestRoster } from '../../support/roster.js';

/**
 * A dry-run sync and the seat pre-check of a sync apply a whole pull and keep nothing. While one
 * runs, the organization's other writers (here the REST API, whose user creation appends events
 * and counts seats) must go on: a preview of a large tenant takes a minute or more, and Entra's
 * SCIM requests would time out waiting for it.
 *
 * To catch a pull in the middle without timing anything, Graph is reached through a gate in front
 * of the emulator that holds the users round's later pages until the test lets them through.
 */
class GraphGate {
  url = '';
  /** The emulator, known once it is started with this gate as its Graph host. */
  target = '';
  #holding = false;
  #held: (() => void)[] = [];
  readonly #server = http.createServer((req, res) => {
    const forward = () => this.#forward(req, res);
    if (this.#holding && /users\/delta\?.*skiptoken/i.test(req.url ?? '')) this.#held.push(forward);
    else forward();
  });

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  /** From now on, a users round stops after its first page. */
  hold(): void {
    this.#holding = true;
  }

  release(): void {
    this.#holding = false;
    for (const forward of this.#held.splice(0)) forward();
  }

  async close(): Promise<void> {
    this.release();
    this.#server.closeAllConnections();
    await new Promise((resolve) => this.#server.close(resolve));
  }

  #forward(req: http.IncomingMessage, res: http.ServerResponse): void {
    const upstream = http.request(
      new URL(req.url ?? '/', this.target),
      { method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  }
}

interface RunView {
  id: string;
  status: string;
  progress: { pages?: number };
  counts: Record<string, number>;
}

interface UserPage {
  data: { email: string; source: string }[];
}

interface EventPage {
  data: { type: string; data: { user?: { email?: string } } }[];
}

/** The preview copies of the database in the data folder (SQLite), with their -wal and -shm files. */
function previewCopies(dataDir: string | undefined): string[] {
  if (dataDir === undefined) return [];
  return fs.readdirSync(dataDir).filter((name) => name.startsWith('roster-preview-'));
}

/** The copies' databases, their companion files left out. */
const databasesOf = (files: string[]) => files.filter((name) => name.endsWith('.sqlite'));

for (const engine of engines) {
  describe(`previews beside the organization's other writers on ${engine}`, { timeout: 120_000 }, () => {
    const gate = new GraphGate();
    let emulator: Emulator;
    let roster: TestRoster;
    let dataDir: string | undefined;

    before(async () => {
      // The emulator's nextLinks name the gate, so every page of a round passes through it.
      await gate.start();
      emulator = await startEmulator({
        port: 0,
        users: 120,
        groups: 3,
        seed: 47,
        pageSizes: { usersDelta: 40 },
        graphUrl: gate.url,
      });
      gate.target = emulator.url;
      roster = await startTestRoster(engine, { ROSTER_SECRET_KEY: '47'.repeat(32) });
      dataDir = roster.env.ROSTER_DATA_DIR;
    });
    after(async () => {
      await gate.close();
      await roster.close();
      await emulator.close();
    });

    /** An organization with an API key and a Graph connection through the gate, never scheduled. */
    const organization = async (slug: string) => {
      const org = await organizationWithKey(roster, slug);
      const client = emulator.clients[0];
      assert.ok(client?.clientSecret);
      const created = await org.api.post<{ connectionId: string }>(
        `/organizations/${slug}/connections/graph`,
        {
          tenantId: emulator.tenantId,
          clientId: client.clientId,
          clientSecret: client.clientSecret,
          loginUrl: emulator.loginUrl,
          graphUrl: gate.url,
          interval: 'off',
        },
      );
      assert.equal(created.status, 201, JSON.stringify(created.body));
      return { ...org, connectionId: created.body.connectionId };
    };

    const runOf = async (api: ApiClient, slug: string, runId: string) =>
      (await api.get<RunView>(`/organizations/${slug}/runs/${runId}`)).body;

    /** Waits until the run's record, as the API shows it, has a page of progress. */
    const untilFirstPage = async (api: ApiClient, slug: string, runId: string) => {
      for (;;) {
        const run = await runOf(api, slug, runId);
        assert.equal(run.status === 'queued' || run.status === 'running', true, JSON.stringify(run));
        if ((run.progress.pages ?? 0) >= 1) return run;
        await sleep(20);
      }
    };

    const createLocalUser = (api: ApiClient, slug: string, email: string) =>
      api.post<{ id: string }>(`/organizations/${slug}/users`, {
        email,
        givenName: 'Ada',
        familyName: 'Lovelace',
      });

    test('a user created through the API while a dry-run sync runs is committed at once; the dry run still counts everything and keeps nothing', async () => {
      const acme = await organization('acme');
      gate.hold();
      const started = await acme.api.post<{ id: string }>(
        `/organizations/acme/connections/${acme.connectionId}/sync`,
        { dryRun: true },
      );
      assert.equal(started.status, 202);
      const runId = started.body.id;
      await untilFirstPage(acme.api, 'acme', runId);
      if (engine === 'sqlite')
        assert.equal(databasesOf(previewCopies(dataDir)).length, 1, 'the dry run works on a copy');

      const created = await createLocalUser(acme.api, 'acme', 'ada@acme.test');
      assert.equal(created.status, 201, JSON.stringify(created.body));
      assert.equal(
        (await runOf(acme.api, 'acme', runId)).status,
        'running',
        'the write did not wait for the dry run',
      );
      const events = (await acme.api.get<EventPage>('/organizations/acme/events')).body.data;
      assert.deepEqual(
        events.map((event) => [event.type, event.data.user?.email]),
        [['user.created', 'ada@acme.test']],
      );

      gate.release();
      const dry = await waitForSyncRun(roster.runtime, runId, 20);
      assert.equal(dry.status, 'succeeded', JSON.stringify(dry.errors));
      assert.ok((dry.counts.usersCreated ?? 0) > 0);
      assert.ok(((dry.progress.planned as unknown[] | undefined) ?? []).length > 0);
      const users = (await acme.api.get<UserPage>('/organizations/acme/users')).body.data;
      assert.deepEqual(
        users.map((user) => [user.email, user.source]),
        [['ada@acme.test', 'local']],
        'nothing of the dry run was kept',
      );
      assert.equal((await acme.api.get<EventPage>('/organizations/acme/events')).body.data.length, 1);
      assert.deepEqual(previewCopies(dataDir), [], 'the copy is gone');

      // The real sync does what the dry run said it would.
      const real = await waitForSyncRun(
        roster.runtime,
        await startSyncRun(roster.runtime, acme.connectionId, { trigger: 'manual' }),
        20,
      );
      assert.equal(real.status, 'succeeded', JSON.stringify(real.errors));
      for (const key of ['usersCreated', 'groupsCreated', 'membershipsAdded', 'credentialsIssued'] as const)
        assert.equal(real.counts[key], dry.counts[key], key);
    });

    test('a user created through the API while a sync checks the seat limit is committed at once, and the sync then applies', async () => {
      const globex = await organization('globex');
      await setSeatLimit(roster.runtime.store.db, globex.id, 1000, new Date().toISOString());
      gate.hold();
      let precheckPaged!: () => void;
      const paged = new Promise<void>((resolve) => (precheckPaged = resolve));
      // The pre-check runs before any page of the real pass, and keeps no record of its own.
      const runId = await startSyncRun(roster.runtime, globex.connectionId, {
        trigger: 'manual',
        hooks: { onProgress: () => precheckPaged() },
      });
      await paged;

      const created = await createLocalUser(globex.api, 'globex', 'grace@globex.test');
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const during = await runOf(globex.api, 'globex', runId);
      assert.equal(during.status, 'running', 'the write did not wait for the seat pre-check');
      assert.equal(during.progress.pages ?? 0, 0, 'still in the pre-check');

      gate.release();
      const run = await waitForSyncRun(roster.runtime, runId, 20);
      assert.equal(run.status, 'succeeded', JSON.stringify(run.errors));
      const users = (await globex.api.get<UserPage>('/organizations/globex/users?limit=500')).body.data;
      assert.equal(users.length, (run.counts.usersCreated ?? 0) + 1);
      assert.ok(users.some((user) => user.email === 'grace@globex.test'));
      assert.deepEqual(previewCopies(dataDir), []);
    });

    test('a dry run cancelled in the database stops at its next page and leaves no copy, nor the copies of a killed process', async () => {
      const initech = await organization('initech');
      // A preview copy of a process that is gone, as a killed server leaves it.
      const gone = spawnSync(process.execPath, ['-e', '']).pid;
      const abandoned = [`roster-preview-${gone}-old.sqlite`, `roster-preview-${gone}-old.sqlite-wal`];
      if (dataDir !== undefined) for (const name of abandoned) fs.writeFileSync(`${dataDir}/${name}`, '');
      gate.hold();
      const started = await initech.api.post<{ id: string }>(
        `/organizations/initech/connections/${initech.connectionId}/sync`,
        { dryRun: true },
      );
      const runId = started.body.id;
      await untilFirstPage(initech.api, 'initech', runId);
      if (engine === 'sqlite') {
        const files = previewCopies(dataDir);
        assert.ok(!files.some((name) => name.includes(`-${gone}-`)), 'the abandoned copy is gone');
        assert.equal(databasesOf(files).length, 1, 'the running copy is there');
      }

      // Asked for in the database, as another process (`roster sync cancel`) asks.
      await requestCancel(roster.runtime.store.db, runId);
      gate.release();
      const run = await waitForSyncRun(roster.runtime, runId, 20);
      assert.equal(run.status, 'cancelled');
      assert.deepEqual(previewCopies(dataDir), []);
      const users = (await initech.api.get<UserPage>('/organizations/initech/users')).body.data;
      assert.deepEqual(users, []);
    });
  });
}
