import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sqliteFileOf, type Store } from '../../src/store/database.js';
import { appendEvents } from '../../src/store/events.js';
import { setSeatLimit } from '../../src/store/organization-settings.js';
import { previewPolicy, reconcileConnection, setPolicy } from '../../src/sync/policy-service.js';
import { engines, openTestStore } from '../support/engines.js';
import {
  addMembers,
  group,
  now,
  platformMembers,
  platformUsers,
  policyBench,
  scimUser,
} from './support/policy-bench.js';
import { testRuntime } from './support/test-runtime.js';

for (const engine of engines) {
  describe(`applying a changed policy to synced users on ${engine}`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;
    before(async () => ({ store, cleanup } = await openTestStore(engine)));
    after(() => cleanup());

    const narrowed = {
      scope: { users: 'groups', groups: [{ name: 'Pilot' }] },
      groups: { mappings: [{ directoryGroup: { name: 'Pilot' }, platformGroup: { create: 'Pilot users' } }] },
    };

    test('a preview says what a narrower scope would do and changes nothing', async () => {
      const bench = await policyBench(store);
      await bench.apply([scimUser('u1'), scimUser('u2'), group('p', 'Pilot'), addMembers('p', 'u1')]);
      const runtime = testRuntime(store);
      const outcome = await previewPolicy(runtime, bench.connectionId, narrowed);
      assert.equal(outcome.dryRun, true);
      assert.equal(outcome.counts.usersDeactivated, 1);
      assert.equal(outcome.counts.groupsCreated, 1);
      assert.deepEqual(
        outcome
          .planned()
          .filter((change) => change.type === 'user.deactivated')
          .map((change) => change.email),
        ['u2@acme.test'],
      );
      assert.deepEqual(
        (await platformUsers(bench)).map((u) => u.status),
        ['active', 'active'],
      );
    });

    test('reconciling after setting the policy deactivates those out of scope and moves groups to their mapping', async () => {
      const bench = await policyBench(store);
      await bench.apply([scimUser('u1'), scimUser('u2'), group('p', 'Pilot'), addMembers('p', 'u1')]);
      const runtime = testRuntime(store);
      await setPolicy(runtime, bench.connectionId, narrowed, { type: 'cli', id: null });
      const outcome = await reconcileConnection(runtime, bench.connectionId);
      assert.equal(outcome.dryRun, false);
      assert.deepEqual(
        (await platformUsers(bench)).map((u) => [u.email, u.status]),
        [
          ['u1@acme.test', 'active'],
          ['u2@acme.test', 'inactive'],
        ],
      );
      assert.deepEqual(await platformMembers(bench, 'Pilot users'), ['u1@acme.test']);
      const again = await reconcileConnection(runtime, bench.connectionId);
      assert.equal(again.events.filter((event) => event.type.startsWith('user.')).length, 0);
    });

    test('a reconcile that would exceed the seat limit applies nothing', async () => {
      const bench = await policyBench(store);
      const policy = { scope: { filter: { attribute: 'department', equals: 'Sales' } } };
      await bench.apply([scimUser('u1', { department: 'Sales' }), scimUser('u2'), scimUser('u3')], {
        policy,
      });
      await setSeatLimit(store.db, bench.organizationId, 2, now);
      const runtime = testRuntime(store);
      await assert.rejects(reconcileConnection(runtime, bench.connectionId), {
        code: 'seat_limit_exceeded',
        wouldImport: 2,
      });
      assert.equal((await platformUsers(bench)).length, 1);
    });

    test(
      'a preview counts seats without waiting for the organization, and leaves no copy of the database',
      { timeout: 60_000 },
      async () => {
        const bench = await policyBench(store);
        const policy = { scope: { filter: { attribute: 'department', equals: 'Sales' } } };
        await bench.apply([scimUser('u1', { department: 'Sales' }), scimUser('u2'), scimUser('u3')], {
          policy,
        });
        await setSeatLimit(store.db, bench.organizationId, 2, now);
        const runtime = testRuntime(store);
        const preview = () => previewPolicy(runtime, bench.connectionId, {});
        // On PostgreSQL another writer of the organization holds its row meanwhile (as an event
        // append does until it commits); the preview must not queue behind it. SQLite has one writer:
        // there the preview works on a copy, which it deletes.
        const outcome =
          engine === 'postgres'
            ? await store.db.transaction().execute(async (trx) => {
                await appendEvents(trx, bench.organizationId, [{ type: 'user.updated', data: {} }], now);
                return preview();
              })
            : await preview();
        assert.equal(outcome.dryRun, true);
        assert.equal(outcome.counts.usersCreated + outcome.counts.usersReactivated, 2);
        assert.deepEqual(outcome.seatCheck, { seatLimit: 2, seatsUsed: 3, wouldImport: 2, exceeded: true });
        assert.equal((await platformUsers(bench)).length, 1);
        const file = sqliteFileOf(store);
        if (file !== undefined) {
          const copies = fs
            .readdirSync(path.dirname(file))
            .filter((name) => name.startsWith('roster-preview-'));
          assert.deepEqual(copies, []);
        }
      },
    );
  });
}
