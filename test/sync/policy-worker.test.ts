import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Store } from '../../src/store/database.js';
import { startPolicyWorker } from '../../src/sync/policy-worker.js';
import { engines, openTestStore } from '../support/engines.js';
import {
  addMembers,
  group,
  platformUsers,
  policyBench,
  removeMembers,
  scimUser,
} from './support/policy-bench.js';
import { testRuntime } from './support/test-runtime.js';

for (const engine of engines) {
  describe(`the policy worker on ${engine}`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;
    before(async () => ({ store, cleanup } = await openTestStore(engine)));
    after(() => cleanup());

    test('sweeps due deletions when it starts, and stops cleanly', async () => {
      const bench = await policyBench(store);
      const policy = {
        scope: { users: 'groups', groups: [{ name: 'Pilot' }] },
        lifecycle: { outOfScope: 'delete', deleteAfterDays: 1 },
      };
      await bench.apply(
        [scimUser('u1'), group('g', 'Pilot'), addMembers('g', 'u1'), removeMembers('g', 'u1')],
        {
          policy,
        },
      );
      const runtime = testRuntime(store, { at: '2026-11-26T10:00:00.000Z' });
      const worker = startPolicyWorker(runtime, { sweepIntervalMs: 3_600_000 });
      await worker.stop();
      assert.deepEqual(await platformUsers(bench), []);
    });
  });
}
