import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { waitForSyncRun } from '../../src/sync/runs/start-sync-run.js';
import { organizationWithKey } from '../api/support/api-client.js';
import { loadConformance } from '../api/support/openapi-conformance.js';
import { engines } from '../support/engines.js';
import { startTestRoster, type TestRoster } from '../support/roster.js';

interface EventPage {
  data: { seq: number; type: string; data: { run?: { id: string; status?: string } } }[];
}

/** A Graph sync started through the API, against the Entra emulator, as the event log tells it. */
for (const engine of engines) {
  describe(`sync events through the REST API on ${engine}`, () => {
    let emulator: Emulator;
    let roster: TestRoster;
    let contoso: Awaited<ReturnType<typeof organizationWithKey>>;
    let connectionId: string;

    before(async () => {
      emulator = await startEmulator({
        port: 0,
        users: 12,
        groups: 2,
        seed: 3,
        clients: [
          {
            clientId: 'a0f0c0de-0000-4000-8000-000000000001',
            clientSecret: 'right',
            roles: ['User.Read.All', 'Group.Read.All'],
          },
        ],
      });
      roster = await startTestRoster(engine, { ROSTER_SECRET_KEY: '34'.repeat(32) });
      const conformance = await loadConformance(roster.url);
      contoso = await organizationWithKey(roster, 'contoso', 'admin', conformance.check);
      const created = await contoso.api.post<{ connectionId: string }>(
        '/organizations/contoso/connections/graph',
        {
          tenantId: emulator.tenantId,
          clientId: 'a0f0c0de-0000-4000-8000-000000000001',
          clientSecret: 'right',
          loginUrl: emulator.loginUrl,
          graphUrl: emulator.graphUrl,
          interval: 'off',
        },
      );
      assert.equal(created.status, 201);
      connectionId = created.body.connectionId;
    });
    after(async () => {
      await roster.close();
      await emulator.close();
    });

    test('a test of the connection reports the token and permissions', async () => {
      const tested = await contoso.api.post<{ ok: boolean; token: string }>(
        `/organizations/contoso/connections/${connectionId}/test`,
      );
      assert.equal(tested.status, 200);
      assert.equal(tested.body.token, 'acquired');
      assert.equal(tested.body.ok, true);
    });

    test('a dry run leaves no events; a sync is framed by sync.started and sync.completed', async () => {
      const dry = await contoso.api.post<{ id: string }>(
        `/organizations/contoso/connections/${connectionId}/sync`,
        {
          dryRun: true,
        },
      );
      assert.equal(dry.status, 202);
      await waitForSyncRun(roster.runtime, dry.body.id, 50);
      const afterDry = await contoso.api.get<EventPage>('/organizations/contoso/events');
      assert.deepEqual(afterDry.body.data, []);

      const started = await contoso.api.post<{ id: string }>(
        `/organizations/contoso/connections/${connectionId}/sync`,
        {},
      );
      const finished = await waitForSyncRun(roster.runtime, started.body.id, 50);
      assert.equal(finished.status, 'succeeded');
      const run = await contoso.api.get<{ status: string }>(`/organizations/contoso/runs/${started.body.id}`);
      assert.equal(run.body.status, 'succeeded');
      const events = (await contoso.api.get<EventPage>('/organizations/contoso/events?limit=1000')).body.data;
      assert.equal(events[0]?.type, 'sync.started');
      assert.equal(events.at(-1)?.type, 'sync.completed');
      assert.equal(events.at(-1)?.data.run?.id, started.body.id);
      assert.ok(events.some((event) => event.type === 'user.created'));
      const runs = await contoso.api.get<{ data: { id: string }[] }>(
        `/organizations/contoso/connections/${connectionId}/runs`,
      );
      assert.deepEqual(
        runs.body.data.map((r) => r.id),
        [started.body.id, dry.body.id],
      );
    });

    test('cancelling a run is audited with who asked', async () => {
      const started = await contoso.api.post<{ id: string }>(
        `/organizations/contoso/connections/${connectionId}/sync`,
        {
          full: true,
        },
      );
      const cancelled = await contoso.api.post<{ id: string; status: string }>(
        `/organizations/contoso/runs/${started.body.id}/cancel`,
      );
      assert.equal(cancelled.status, 200);
      await waitForSyncRun(roster.runtime, started.body.id, 50);
      const audit = await contoso.api.get<{ data: { targetId: string; actor: { type: string } }[] }>(
        '/organizations/contoso/audit?action=sync_run.cancel_requested',
      );
      assert.equal(audit.body.data[0]?.targetId, started.body.id);
      assert.equal(audit.body.data[0]?.actor.type, 'api_key');
    });
  });
}
