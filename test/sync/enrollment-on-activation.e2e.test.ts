import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { startSyncRun, waitForSyncRun } from '../../src/sync/runs/start-sync-run.js';
import { rosterJson } from '../support/cli.js';
import { engines } from '../support/engines.js';
import { connectToEmulator } from '../support/graph.js';
import { startTestRoster, type TestRoster } from '../support/roster.js';
import { connectScimWithCli, entraUser, patchOp, type scimClient } from '../support/scim-client.js';

interface OutboxRow {
  userId: string;
  recipient: string;
  status: string;
}

/**
 * `newUsers.enrollmentEmail`: one email per user, ever, queued the first time the user is active.
 * Entra commonly creates pre-hire accounts disabled and enables them on the first day; those
 * people must be enrolled when they are enabled, not never.
 */
for (const engine of engines) {
  describe(`the enrollment email of a user created disabled, over SCIM on ${engine}`, () => {
    let roster: TestRoster;
    let scim: ReturnType<typeof scimClient>;
    let folder: string;

    before(async () => {
      roster = await startTestRoster(engine);
      folder = fs.mkdtempSync(path.join(os.tmpdir(), 'roster-enrollment-'));
      const connected = await connectScimWithCli(roster.env);
      scim = connected.scim;
      const policyFile = path.join(folder, 'policy.json');
      fs.writeFileSync(
        policyFile,
        JSON.stringify({ newUsers: { enrollmentEmail: true, credentials: ['cloud_key'] } }),
      );
      await rosterJson(['policy', 'set', connected.connectionId, '--file', policyFile], roster.env);
    });
    after(async () => {
      await roster.close();
      fs.rmSync(folder, { recursive: true, force: true });
    });

    const outbox = () => rosterJson<OutboxRow[]>(['policy', 'emails', 'acme'], roster.env);
    const setActive = async (id: string, active: boolean) => {
      const res = await scim.patch(`/Users/${id}`, patchOp({ op: 'Replace', path: 'active', value: active }));
      assert.ok(res.status === 200 || res.status === 204, `PATCH active answered ${res.status}`);
    };

    test('a user created with active false gets no email until Entra enables it, then one', async () => {
      const created = await scim.post('/Users', entraUser(1, { active: false }));
      assert.equal(created.status, 201);
      assert.deepEqual(await outbox(), [], 'a disabled user is not enrolled yet');

      await setActive(String(created.body.id), true);
      assert.deepEqual(
        (await outbox()).map((row) => [row.recipient, row.status]),
        [['Test_User_1@testuser.com', 'pending']],
      );
    });

    test('a user created active, then deactivated and reactivated, gets exactly one email', async () => {
      const created = await scim.post('/Users', entraUser(2));
      assert.equal(created.status, 201);
      await setActive(String(created.body.id), false);
      await setActive(String(created.body.id), true);
      const rows = (await outbox()).filter((row) => row.recipient === 'Test_User_2@testuser.com');
      assert.equal(rows.length, 1);
    });

    test('the user enabled after being created disabled is not enrolled twice on a later reactivation', async () => {
      const listed = await scim.get(
        `/Users?filter=${encodeURIComponent('userName eq "Test_User_1@testuser.com"')}`,
      );
      const id = String(listed.body.Resources?.[0]?.id);
      await setActive(id, false);
      await setActive(id, true);
      const rows = (await outbox()).filter((row) => row.recipient === 'Test_User_1@testuser.com');
      assert.equal(rows.length, 1);
    });
  });

  describe(`no enrollment email for a user active before emails were asked for, over SCIM on ${engine}`, () => {
    let roster: TestRoster;
    let folder: string;

    before(async () => {
      roster = await startTestRoster(engine);
      folder = fs.mkdtempSync(path.join(os.tmpdir(), 'roster-enrollment-'));
    });
    after(async () => {
      await roster.close();
      fs.rmSync(folder, { recursive: true, force: true });
    });

    test('a user active since before the policy asked for emails is not enrolled when reactivated', async () => {
      const { connectionId, scim } = await connectScimWithCli(roster.env);
      const created = await scim.post('/Users', entraUser(3));
      assert.equal(created.status, 201);
      const policyFile = path.join(folder, 'policy.json');
      fs.writeFileSync(policyFile, JSON.stringify({ newUsers: { enrollmentEmail: true } }));
      await rosterJson(['policy', 'set', connectionId, '--file', policyFile], roster.env);

      const id = String(created.body.id);
      for (const active of [false, true]) {
        const res = await scim.patch(
          `/Users/${id}`,
          patchOp({ op: 'Replace', path: 'active', value: active }),
        );
        assert.equal(res.status, 200);
      }
      assert.deepEqual(await rosterJson<OutboxRow[]>(['policy', 'emails', 'acme'], roster.env), []);
      // A newcomer still is.
      assert.equal((await scim.post('/Users', entraUser(4))).status, 201);
      assert.deepEqual(
        (await rosterJson<OutboxRow[]>(['policy', 'emails', 'acme'], roster.env)).map((row) => row.recipient),
        ['Test_User_4@testuser.com'],
      );
    });
  });

  describe(`the enrollment email of a user disabled at the first Graph sync, on ${engine}`, () => {
    let emulator: Emulator;
    let roster: TestRoster;
    let connectionId: string;

    before(async () => {
      emulator = await startEmulator({ port: 0, users: 6, groups: 1, seed: 5 });
      roster = await startTestRoster(engine, { ROSTER_SECRET_KEY: '34'.repeat(32) });
      ({ connectionId } = await connectToEmulator(roster, emulator, 'acme'));
    });
    after(async () => {
      await roster.close();
      await emulator.close();
    });

    const sync = async () => {
      const run = await waitForSyncRun(
        roster.runtime,
        await startSyncRun(roster.runtime, connectionId, { trigger: 'manual' }),
      );
      assert.equal(run.status, 'succeeded', JSON.stringify(run.errors));
    };
    const platformUserOf = async (objectId: string) =>
      roster.runtime.store.db
        .selectFrom('users')
        .select(['id', 'status'])
        .where('external_id', '=', objectId)
        .executeTakeFirstOrThrow();

    test('is queued when the account is enabled in Entra and the next sync sees it', async () => {
      const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'roster-enrollment-'));
      const policyFile = path.join(folder, 'policy.json');
      fs.writeFileSync(policyFile, JSON.stringify({ newUsers: { enrollmentEmail: true } }));
      await rosterJson(['policy', 'set', connectionId, '--file', policyFile], roster.env);
      fs.rmSync(folder, { recursive: true, force: true });

      const preHire = emulator.tenant.listUsers({ limit: 100 }).find((user) => user.accountEnabled);
      assert.ok(preHire);
      emulator.tenant.disableUser(preHire.id);
      await sync();
      const user = await platformUserOf(preHire.id);
      assert.equal(user.status, 'inactive');
      const outbox = () => rosterJson<OutboxRow[]>(['policy', 'emails', 'acme'], roster.env);
      assert.equal((await outbox()).filter((row) => row.userId === user.id).length, 0);

      emulator.tenant.enableUser(preHire.id);
      await sync();
      assert.equal((await platformUserOf(preHire.id)).status, 'active');
      assert.equal((await outbox()).filter((row) => row.userId === user.id).length, 1);
    });
  });
}
