import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { KyselyPlugin } from 'kysely';
import { resolvePolicy, type Policy } from '../../src/domain/policy/policy.js';
import { validatePolicy } from '../../src/domain/policy/validate-policy.js';
import { withPreviewStore } from '../../src/store/preview-store.js';
import type { Change } from '../../src/sync/change.js';
import type { ApplyContext } from '../../src/sync/context.js';
import { reconcileAll, reconcileConnection } from '../../src/sync/reconcile-connection.js';
import { setPolicy } from '../../src/sync/policy-service.js';
import { engines } from '../support/engines.js';
import { startTestRoster, type TestRoster } from '../support/roster.js';
import { now, policyBench, scimUser, type PolicyBench } from './support/policy-bench.js';

/** Enough users for several pages of the reconcile (500 a page) and a loop that takes a while. */
const userCount = 3000;
const department = (n: number) => (n % 2 === 0 ? 'Sales' : 'Support');
/** A narrower scope: half the users leave it. */
const sales = { scope: { filter: { attribute: 'department', equals: 'Sales' } } };

/**
 * A reconcile decides every synced user again: the portal's policy preview, `roster policy set
 * --dry-run` and `roster policy reconcile`. At 100,000 users it took 18 s on SQLite, the server
 * answering nothing meanwhile, and 84 s on PostgreSQL (about fifteen queries per user).
 */
for (const engine of engines) {
  describe(`reconciling thousands of users on ${engine}`, () => {
    let roster: TestRoster;
    let bench: PolicyBench;

    before(async () => {
      roster = await startTestRoster(engine);
      bench = await policyBench(roster.runtime.store);
      const changes: Change[] = [];
      for (let n = 0; n < userCount; n += 1) {
        changes.push(scimUser(`u${String(n).padStart(5, '0')}`, { department: department(n) }));
      }
      for (let at = 0; at < changes.length; at += 500) await bench.apply(changes.slice(at, at + 500));
    });
    after(() => roster.close());

    const contextOf = (trx: ApplyContext['trx'], policy: Policy): ApplyContext => ({
      trx,
      organizationId: bench.organizationId,
      connectionId: bench.connectionId,
      connectorKind: 'scim',
      policy,
      now,
      onReject: 'record',
      preview: true,
    });

    test('the server answers a request that arrives while a preview decides the users', async () => {
      // Connected beforehand, so the request needs no more than a turn or two of the event loop.
      assert.equal((await fetch(`${roster.url}/healthz`)).status, 200);
      const answered: string[] = [];
      // As the dry-run reconcile runs it (previewReconcile): on a preview of the store.
      await withPreviewStore(roster.runtime.store, 'reconcile-at-scale', (preview) =>
        preview.transaction(async (trx) => {
          // Sent once the reconcile has begun: on SQLite every query of it answers at once, so only
          // a reconcile that gives the event loop a turn lets the request through before it ends
          // (on PostgreSQL each query is a round trip, which gives one anyway).
          const reconciling = reconcileAll(contextOf(trx, validatePolicy(sales, 'scim'))).then(() => {
            answered.push('reconcile');
          });
          const probe = fetch(`${roster.url}/healthz`).then((response) => {
            answered.push(`healthz ${response.status}`);
            return response.text();
          });
          await Promise.all([reconciling, probe]);
        }),
      );
      assert.deepEqual(answered, ['healthz 200', 'reconcile']);
    });

    test('a reconcile reads a page of users with a few queries, not several per user', async () => {
      const queries = await countQueries(roster, (trx) =>
        reconcileAll(contextOf(trx, resolvePolicy('scim', {}))),
      );
      // Per page: the page, its policy states, the prefetch (about six) and the held writes.
      assert.ok(queries < userCount / 20, `${queries} queries for ${userCount} users`);
    });

    test('a policy that takes half the users out still reads each page in a few queries', async () => {
      const queries = await countQueries(roster, (trx) =>
        reconcileAll(contextOf(trx, validatePolicy(sales, 'scim'))),
      );
      // Each user who leaves is written (status, events, credentials, policy state); the users who
      // stay are still answered by the page's prefetch. Read one by one, it was 16,500 queries.
      const leaving = userCount / 2;
      assert.ok(queries < leaving * 6, `${queries} queries for ${leaving} users leaving the scope`);
    });

    test('a preview and the reconcile after it decide every page of users alike', async () => {
      const preview = await reconcileConnection(roster.runtime, bench.connectionId, {
        dryRun: true,
        policy: validatePolicy(sales, 'scim'),
      });
      assert.equal(preview.counts.usersDeactivated, userCount / 2);
      assert.deepEqual(await statusCounts(roster, bench), { active: userCount });

      await setPolicy(roster.runtime, bench.connectionId, sales, { type: 'cli', id: null });
      const applied = await reconcileConnection(roster.runtime, bench.connectionId);
      assert.deepEqual(applied.counts, preview.counts);
      assert.deepEqual(await statusCounts(roster, bench), { active: userCount / 2, inactive: userCount / 2 });
      const inactive = await roster.runtime.store.db
        .selectFrom('users')
        .select('email')
        .where('organization_id', '=', bench.organizationId)
        .where('status', '=', 'inactive')
        .execute();
      // Users are numbered from 0: the odd ones are in Support.
      assert.ok(inactive.every((user) => Number(/u(\d+)@/.exec(user.email)?.[1]) % 2 === 1));
      const again = await reconcileConnection(roster.runtime, bench.connectionId);
      assert.equal(again.events.length, 0);
    });
  });
}

/** The queries `work` runs, in a transaction rolled back afterwards. */
async function countQueries(roster: TestRoster, work: (trx: ApplyContext['trx']) => Promise<unknown>) {
  let queries = 0;
  const counter: KyselyPlugin = {
    transformQuery: (args) => {
      queries += 1;
      return args.node;
    },
    transformResult: (args) => Promise.resolve(args.result),
  };
  class Rollback extends Error {}
  await roster.runtime.store.db
    .withPlugin(counter)
    .transaction()
    .execute(async (trx) => {
      await work(trx);
      throw new Rollback();
    })
    .catch((error: unknown) => {
      if (!(error instanceof Rollback)) throw error;
    });
  return queries;
}

async function statusCounts(roster: TestRoster, bench: PolicyBench): Promise<Record<string, number>> {
  const db = roster.runtime.store.db;
  const rows = await db
    .selectFrom('users')
    .select(['status', db.fn.countAll<number>().as('count')])
    .where('organization_id', '=', bench.organizationId)
    .groupBy('status')
    .orderBy('status')
    .execute();
  return Object.fromEntries(rows.map((row) => [row.status, Number(row.count)]));
}
