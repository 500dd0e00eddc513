import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Transaction } from 'kysely';
import type { Store } from '../../src/store/database.js';
import type { Database } from '../../src/store/schema.js';
import type { ApplyContext } from '../../src/sync/context.js';
import { listEnrollmentEmails } from '../../src/store/enrollment.js';
import { appendEvents, readEvents } from '../../src/store/events.js';
import { setSeatLimit } from '../../src/store/organization-settings.js';
import { SeatLimitError } from '../../src/sync/seat-guard.js';
import { applyChanges, applyChangesWithoutEvents } from '../../src/sync/apply-changes.js';
import { defaultPolicy } from '../../src/domain/policy/policy.js';
import { engines, openTestStore } from '../support/engines.js';
import { addMembers, group, now, platformUsers, policyBench, scimUser } from './support/policy-bench.js';

for (const engine of engines) {
  describe(`seat guard and dry run on ${engine}`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;
    before(async () => ({ store, cleanup } = await openTestStore(engine)));
    after(() => cleanup());
    // A Graph batch whose seat breach is reported on the outcome rather than thrown.
    const reportingContext = (
      trx: Transaction<Database>,
      bench: { organizationId: string; connectionId: string },
    ): ApplyContext => ({
      trx,
      organizationId: bench.organizationId,
      connectionId: bench.connectionId,
      connectorKind: 'graph',
      policy: defaultPolicy('graph'),
      now,
      onReject: 'record',
      seatGuard: 'report',
    });

    test('a batch that would exceed the seat limit applies nothing and says how many it would import', async () => {
      const bench = await policyBench(store);
      await setSeatLimit(store.db, bench.organizationId, 2, now);
      await bench.apply([scimUser('u1')]);
      const attempt = bench.apply([scimUser('u2'), scimUser('u3')], { onReject: 'record' });
      await assert.rejects(attempt, (error: unknown) => {
        assert.ok(error instanceof SeatLimitError);
        assert.equal(error.code, 'seat_limit_exceeded');
        assert.equal(error.wouldImport, 2);
        assert.equal(error.seatLimit, 2);
        assert.equal(error.seatsUsed, 3);
        assert.match(
          error.message,
          /would import 2 user\(s\), above the organization's seat limit of 2 \(3 seats needed\); nothing was applied/,
        );
        return true;
      });
      assert.deepEqual(
        (await platformUsers(bench)).map((u) => u.email),
        ['u1@acme.test'],
      );
      assert.equal((await readEvents(store.db, bench.organizationId, { limit: 10 })).length, 1);
    });

    test('inactive users hold no seat, and updates pass even above the limit', async () => {
      const bench = await policyBench(store);
      await bench.apply([scimUser('u1'), scimUser('u2', {}, { active: false })]);
      await setSeatLimit(store.db, bench.organizationId, 1, now);
      const { outcome } = await bench.apply([scimUser('u1', { 'name.givenName': 'Augusta' })]);
      assert.equal(outcome.counts.usersUpdated, 1);
      await assert.rejects(bench.apply([scimUser('u2')]), { code: 'seat_limit_exceeded' });
      await setSeatLimit(store.db, bench.organizationId, null, now);
      await bench.apply([scimUser('u2')]);
    });

    test('with seatGuard report the breach is recorded on the outcome for the caller to judge', async () => {
      const bench = await policyBench(store);
      await setSeatLimit(store.db, bench.organizationId, 1, now);
      const { outcome } = await store.transaction((trx) =>
        applyChanges(reportingContext(trx, bench), [scimUser('u1'), scimUser('u2')]),
      );
      assert.deepEqual(outcome.seatCheck, { seatLimit: 1, seatsUsed: 2, wouldImport: 2, exceeded: true });
    });

    test(
      'a report-mode check counts without waiting for another writer of the organization',
      {
        skip: engine !== 'postgres' && 'SQLite has one writer: nothing runs beside an open transaction',
        timeout: 60_000,
      },
      async () => {
        const bench = await policyBench(store);
        await setSeatLimit(store.db, bench.organizationId, 1, now);
        // An event append in flight holds the organization's row until it commits.
        const outcome = await store.db.transaction().execute(async (other) => {
          await appendEvents(other, bench.organizationId, [{ type: 'user.updated', data: {} }], now);
          return store.db
            .transaction()
            .execute((trx) =>
              applyChangesWithoutEvents(reportingContext(trx, bench), [scimUser('u1'), scimUser('u2')]),
            );
        });
        assert.deepEqual(outcome.seatCheck, { seatLimit: 1, seatsUsed: 2, wouldImport: 2, exceeded: true });
      },
    );

    test('a dry run reports exactly what would change, per user, and keeps nothing', async () => {
      const bench = await policyBench(store);
      const policy = { newUsers: { enrollmentEmail: true, credentials: ['cloud_key'] } };
      const { outcome, events } = await bench.apply(
        [scimUser('u1'), group('g', 'Finance'), addMembers('g', 'u1')],
        { policy, dryRun: true },
      );
      assert.equal(outcome.dryRun, true);
      assert.deepEqual(events, []);
      assert.equal(outcome.counts.usersCreated, 1);
      assert.equal(outcome.counts.groupsCreated, 1);
      assert.equal(outcome.counts.membershipsAdded, 1);
      assert.equal(outcome.counts.credentialsIssued, 1);
      assert.equal(outcome.counts.enrollmentEmailsQueued, 1);
      assert.deepEqual(
        outcome.planned().map((change) => [change.type, change.email ?? null]),
        [
          ['user.created', 'u1@acme.test'],
          ['credential.issued', null],
          ['group.created', null],
          ['group.member_added', null],
        ],
      );
      assert.deepEqual(await platformUsers(bench), []);
      assert.deepEqual(await listEnrollmentEmails(store.db, bench.organizationId), []);
      assert.equal((await readEvents(store.db, bench.organizationId, { limit: 10 })).length, 0);
      const directory = await store.db
        .selectFrom('directory_users')
        .select('id')
        .where('connection_id', '=', bench.connectionId)
        .execute();
      assert.deepEqual(directory, []);
    });

    test('a dry run over the seat limit reports the breach instead of throwing', async () => {
      const bench = await policyBench(store);
      await setSeatLimit(store.db, bench.organizationId, 1, now);
      const { outcome } = await bench.apply([scimUser('u1'), scimUser('u2')], { dryRun: true });
      assert.deepEqual(outcome.seatCheck, { seatLimit: 1, seatsUsed: 2, wouldImport: 2, exceeded: true });
      assert.deepEqual(await platformUsers(bench), []);
    });
  });
}
