import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { listCredentials } from '../../src/store/credentials.js';
import type { Store } from '../../src/store/database.js';
import { listEnrollmentEmails } from '../../src/store/enrollment.js';
import { readEvents } from '../../src/store/events.js';
import { applyLifecycleDeadlines } from '../../src/sync/apply-lifecycle-deadlines.js';
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

const day = 86_400_000;

for (const engine of engines) {
  describe(`lifecycle on ${engine}`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;
    before(async () => ({ store, cleanup } = await openTestStore(engine)));
    after(() => cleanup());

    test('issues the chosen credentials to a new user and revokes them on deactivation', async () => {
      const bench = await policyBench(store);
      const policy = { newUsers: { credentials: ['mobile_credential', 'cloud_key'] } };
      const created = await bench.apply([scimUser('u1')], { policy });
      assert.deepEqual(
        created.events.map((e) => e.type),
        ['user.created', 'credential.issued', 'credential.issued'],
      );
      const blocked = await bench.apply([scimUser('u1', {}, { active: false })], { policy });
      assert.deepEqual(
        blocked.events.map((e) => e.type),
        ['user.deactivated', 'credential.revoked', 'credential.revoked'],
      );
      const credentials = await listCredentials(store.db, bench.organizationId);
      assert.deepEqual(credentials.map((c) => [c.type, c.status, c.revokedReason]).sort(), [
        ['cloud_key', 'revoked', 'deactivated'],
        ['mobile_credential', 'revoked', 'deactivated'],
      ]);
      const back = await bench.apply([scimUser('u1')], { policy });
      assert.deepEqual(
        back.events.map((e) => e.type),
        ['user.reactivated', 'credential.issued', 'credential.issued'],
      );
    });

    test('a user who arrives blocked gets no credentials and no email', async () => {
      const bench = await policyBench(store);
      const policy = { newUsers: { credentials: ['cloud_key'], enrollmentEmail: true } };
      const { events } = await bench.apply([scimUser('u1', {}, { active: false })], { policy });
      assert.deepEqual(
        events.map((e) => e.type),
        ['user.created'],
      );
      assert.deepEqual(await listEnrollmentEmails(store.db, bench.organizationId), []);
    });

    test('queues one enrollment email per new user, in the same transaction, never twice', async () => {
      const bench = await policyBench(store);
      const policy = { newUsers: { enrollmentEmail: true } };
      const { outcome } = await bench.apply([scimUser('u1'), scimUser('u2')], { policy });
      assert.equal(outcome.counts.enrollmentEmailsQueued, 2);
      await bench.apply([scimUser('u1', {}, { active: false })], { policy });
      await bench.apply([scimUser('u1')], { policy });
      const emails = await listEnrollmentEmails(store.db, bench.organizationId);
      assert.deepEqual(emails.map((e) => [e.recipient, e.status]).sort(), [
        ['u1@acme.test', 'pending'],
        ['u2@acme.test', 'pending'],
      ]);
      await assert.rejects(
        bench.apply([scimUser('u3'), scimUser('u4', { 'name.givenName': '' })], { policy }),
      );
      assert.equal((await listEnrollmentEmails(store.db, bench.organizationId)).length, 2);
    });

    test('out of scope with outOfScope delete: inactive now, deleted by the sweep after the grace period', async () => {
      const bench = await policyBench(store);
      const policy = {
        scope: { users: 'groups', groups: [{ name: 'Pilot' }] },
        lifecycle: { outOfScope: 'delete', deleteAfterDays: 7 },
        newUsers: { credentials: ['cloud_key'] },
      };
      await bench.apply([scimUser('u1'), group('g', 'Pilot'), addMembers('g', 'u1')], { policy });
      await bench.apply([removeMembers('g', 'u1')], { policy });
      assert.equal((await platformUsers(bench))[0]?.status, 'inactive');

      const runtime = testRuntime(store, {
        at: new Date(Date.parse('2026-11-24T10:00:00.000Z') + 6 * day).toISOString(),
      });
      assert.deepEqual(await applyLifecycleDeadlines(runtime), { deleted: 0 });
      runtime.clock.advance(day + 1000);
      assert.deepEqual(await applyLifecycleDeadlines(runtime), { deleted: 1 });
      assert.deepEqual(await platformUsers(bench), []);
      const types = (await readEvents(store.db, bench.organizationId, { limit: 50 })).map((e) => e.type);
      assert.equal(types.at(-1), 'user.deleted');
      assert.deepEqual(await applyLifecycleDeadlines(runtime), { deleted: 0 });

      // Back in scope after the deletion: a new platform user.
      const { outcome } = await bench.apply([addMembers('g', 'u1')], { policy });
      assert.equal(outcome.counts.usersCreated, 1);
    });

    test('coming back within the grace period cancels the deletion', async () => {
      const bench = await policyBench(store);
      const policy = {
        scope: { users: 'groups', groups: [{ name: 'Pilot' }] },
        lifecycle: { outOfScope: 'delete', deleteAfterDays: 1 },
      };
      await bench.apply([scimUser('u1'), group('g', 'Pilot'), addMembers('g', 'u1')], { policy });
      await bench.apply([removeMembers('g', 'u1')], { policy });
      await bench.apply([addMembers('g', 'u1')], { policy });
      const runtime = testRuntime(store, { at: '2026-12-24T10:00:00.000Z' });
      assert.deepEqual(await applyLifecycleDeadlines(runtime), { deleted: 0 });
      assert.equal((await platformUsers(bench))[0]?.status, 'active');
    });

    test('a grace period of zero days deletes as the user leaves the scope', async () => {
      const bench = await policyBench(store);
      const policy = {
        scope: { filter: { attribute: 'department', equals: 'Sales' } },
        lifecycle: { outOfScope: 'delete', deleteAfterDays: 0 },
      };
      await bench.apply([scimUser('u1', { department: 'Sales' })], { policy });
      const { events } = await bench.apply([scimUser('u1', { department: 'Marketing' })], { policy });
      assert.deepEqual(
        events.map((e) => e.type),
        ['user.deleted'],
      );
    });

    test('a directory delete under onDelete delete revokes credentials before the user goes', async () => {
      const bench = await policyBench(store);
      const policy = { newUsers: { credentials: ['cloud_key'] } };
      await bench.apply([scimUser('u1')], { policy });
      const { events } = await bench.apply([{ kind: 'user.delete', id: 'u1' }], { policy });
      assert.deepEqual(
        events.map((e) => e.type),
        ['credential.revoked', 'user.deleted'],
      );
    });
  });
}
