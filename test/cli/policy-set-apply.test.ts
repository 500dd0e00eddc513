import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { roster as runRoster, rosterJson } from '../support/cli.js';
import { engines } from '../support/engines.js';
import { startTestRoster, type TestRoster } from '../support/roster.js';
import { connectScimWithCli, entraUser } from '../support/scim-client.js';

const enterprise = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const notInterns = { scope: { filter: { not: { attribute: 'department', equals: 'Interns' } } } };

/**
 * `roster policy set --apply` stores the policy, then applies it. When the seat limit refuses the
 * apply, the policy is stored all the same and pending: the output must say so, and how to go on,
 * rather than read as if the set had been refused.
 */
for (const engine of engines) {
  describe(`roster policy set --apply above the seat limit on ${engine}`, () => {
    let roster: TestRoster;
    let folder: string;
    let connectionId = '';
    const policyFile = (name: string, policy: unknown) => {
      const file = path.join(folder, `${name}.json`);
      fs.writeFileSync(file, JSON.stringify(policy));
      return file;
    };

    before(async () => {
      roster = await startTestRoster(engine);
      folder = fs.mkdtempSync(path.join(os.tmpdir(), 'roster-policy-'));
      const connected = await connectScimWithCli(roster.env);
      connectionId = connected.connectionId;
      for (const n of [1, 2]) {
        const pushed = await connected.scim.post(
          '/Users',
          entraUser(n, { [enterprise]: { department: 'Interns' } }),
        );
        assert.equal(pushed.status, 201);
      }
    });
    after(async () => {
      await roster.close();
      fs.rmSync(folder, { recursive: true, force: true });
    });

    test('an apply that passes keeps its JSON shape: the policy, then the outcome', async () => {
      const set = await rosterJson<Record<string, unknown>>(
        ['policy', 'set', connectionId, '--file', policyFile('not-interns', notInterns), '--apply'],
        roster.env,
      );
      assert.deepEqual(Object.keys(set), ['connectionId', 'policy', 'dryRun', 'counts', 'errors', 'changes']);
      assert.deepEqual(set.policy, notInterns);
      assert.equal((set.counts as Record<string, number>).usersDeactivated, 2);
      const plain = await rosterJson<Record<string, unknown>>(
        ['policy', 'set', connectionId, '--file', policyFile('not-interns', notInterns)],
        roster.env,
      );
      assert.deepEqual(Object.keys(plain), ['connectionId', 'policy']);
      await rosterJson(['policy', 'reconcile', connectionId], roster.env);
      await rosterJson(['policy', 'seat-limit', 'acme', '1'], roster.env);
    });

    test('says the policy was stored and is pending, not applied, and how to go on', async () => {
      const result = await runRoster(
        ['policy', 'set', connectionId, '--file', policyFile('everyone', {}), '--apply'],
        roster.env,
      );
      assert.equal(result.code, 2);
      assert.match(result.stderr, /policy of connection \S+ was stored but not applied/);
      assert.match(result.stderr, /would import 2 user\(s\), above the organization's seat limit of 1/);
      assert.match(result.stderr, /The stored policy is pending/);
      assert.match(result.stderr, /roster policy seat-limit acme 2\n/);
      assert.match(result.stderr, new RegExp(`roster policy reconcile ${connectionId}\\n`));
      assert.ok(result.stderr.includes(`Previous policy: ${JSON.stringify(notInterns)}`), result.stderr);
      assert.doesNotMatch(result.stderr, /nothing was applied/);

      // It is what `policy get` now answers, pending.
      const get = await runRoster(['policy', 'get', connectionId], roster.env);
      assert.deepEqual(JSON.parse(get.stdout), {});
      assert.match(get.stderr, /^pending: /);
    });

    test('with --json, prints stored, pending, applied false and the seat check', async () => {
      const policy = { newUsers: { credentials: ['cloud_key'] } };
      const result = await runRoster(
        ['policy', 'set', connectionId, '--file', policyFile('credentials', policy), '--apply', '--json'],
        roster.env,
      );
      assert.equal(result.code, 2);
      const printed = JSON.parse(result.stdout) as Record<string, unknown>;
      assert.equal(printed.connectionId, connectionId);
      assert.deepEqual(printed.policy, policy);
      assert.equal(printed.stored, true);
      assert.equal(printed.pending, true);
      assert.equal(printed.applied, false);
      assert.deepEqual(printed.seatCheck, { seatLimit: 1, seatsUsed: 2, wouldImport: 2, exceeded: true });
      assert.deepEqual(printed.previousPolicy, {});
      assert.equal((printed.error as { code: string }).code, 'seat_limit_exceeded');
      const stored = await runRoster(['policy', 'get', connectionId], roster.env);
      assert.deepEqual(JSON.parse(stored.stdout), policy);
    });
  });
}
