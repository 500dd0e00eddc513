import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Store } from '../../src/store/database.js';
import { readEvents } from '../../src/store/events.js';
import { engines, openTestStore } from '../support/engines.js';
import {
  addMembers,
  group,
  platformUsers,
  policyBench,
  removeMembers,
  scimUser,
} from './support/policy-bench.js';

for (const engine of engines) {
  describe(`policy scope on ${engine}`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;
    before(async () => ({ store, cleanup } = await openTestStore(engine)));
    after(() => cleanup());

    test('a user outside the selected groups stays off the platform until added to one', async () => {
      const bench = await policyBench(store);
      const policy = { scope: { users: 'groups', groups: [{ name: 'Pilot' }] } };
      const first = await bench.apply([scimUser('u1'), group('g1', 'Pilot')], { policy });
      assert.equal(first.outcome.counts.usersCreated, 0);
      assert.equal(first.outcome.counts.usersOutOfScope, 1);
      assert.deepEqual(await platformUsers(bench), []);

      const joined = await bench.apply([addMembers('g1', 'u1')], { policy });
      assert.equal(joined.outcome.counts.usersCreated, 1);
      assert.deepEqual(
        joined.events.map((e) => e.type),
        ['user.created', 'group.member_added'],
      );
      assert.deepEqual(
        (await platformUsers(bench)).map((u) => [u.email, u.status]),
        [['u1@acme.test', 'active']],
      );
    });

    test('leaving the selected group deactivates, and coming back reactivates', async () => {
      const bench = await policyBench(store);
      const policy = { scope: { users: 'groups', groups: [{ id: 'oid-g1' }] } };
      await bench.apply([scimUser('u1'), group('g1', 'Pilot'), addMembers('g1', 'u1')], { policy });
      const left = await bench.apply([removeMembers('g1', 'u1')], { policy });
      assert.deepEqual(
        left.events.map((e) => e.type),
        ['group.member_removed', 'user.deactivated'],
      );
      const back = await bench.apply([addMembers('g1', 'u1')], { policy });
      assert.deepEqual(
        back.events.map((e) => e.type),
        ['user.reactivated', 'group.member_added'],
      );
      assert.equal((await platformUsers(bench))[0]?.status, 'active');
    });

    test('members of nested groups count when the scope says nested', async () => {
      const bench = await policyBench(store);
      const nested = { scope: { users: 'groups', groups: [{ name: 'All staff' }], nested: true } };
      await bench.apply(
        [scimUser('u1'), group('top', 'All staff'), group('team', 'Team'), addMembers('team', 'u1')],
        { policy: nested },
      );
      assert.equal((await platformUsers(bench)).length, 0);
      const { outcome } = await bench.apply([addMembers('top', 'group:team')], { policy: nested });
      assert.equal(outcome.counts.usersCreated, 1);
    });

    test('a user counts as nested member only when the policy asks', async () => {
      const bench = await policyBench(store);
      const flat = { scope: { users: 'groups', groups: [{ name: 'All staff' }] } };
      await bench.apply(
        [
          scimUser('u1'),
          group('top', 'All staff'),
          group('team', 'Team'),
          addMembers('team', 'u1'),
          addMembers('top', 'group:team'),
        ],
        { policy: flat },
      );
      assert.equal((await platformUsers(bench)).length, 0);
    });

    test('"only groups that have a mapping" imports members of mapped groups only', async () => {
      const bench = await policyBench(store);
      const policy = {
        scope: { users: 'mappedGroups' },
        groups: {
          mappings: [{ directoryGroup: { name: 'Sales' }, platformGroup: { create: 'Sales team' } }],
        },
      };
      await bench.apply(
        [
          scimUser('u1'),
          scimUser('u2'),
          group('g1', 'Sales'),
          group('g2', 'Other'),
          addMembers('g1', 'u1'),
          addMembers('g2', 'u2'),
        ],
        { policy },
      );
      assert.deepEqual(
        (await platformUsers(bench)).map((u) => u.email),
        ['u1@acme.test'],
      );
    });

    test('filters over attributes: department equals and userType is Member (ARRAYCONTAINS by memberOf)', async () => {
      const bench = await policyBench(store);
      const policy = {
        scope: {
          filter: {
            and: [
              { attribute: 'userType', equals: 'Member' },
              { or: [{ attribute: 'department', in: ['Sales', 'Support'] }, { memberOf: { name: 'VIP' } }] },
            ],
          },
        },
      };
      await bench.apply(
        [
          scimUser('sales', { userType: 'Member', department: 'sales' }),
          scimUser('guest', { userType: 'Guest', department: 'Sales' }),
          scimUser('eng', { userType: 'Member', department: 'Engineering' }),
        ],
        { policy },
      );
      assert.deepEqual(
        (await platformUsers(bench)).map((u) => u.email),
        ['sales@acme.test'],
      );
      await bench.apply([group('vip', 'VIP'), addMembers('vip', 'eng')], { policy });
      assert.deepEqual(
        (await platformUsers(bench)).map((u) => u.email),
        ['eng@acme.test', 'sales@acme.test'],
      );
    });

    test('an out-of-scope user missing a family name is no error: it is simply not imported', async () => {
      const bench = await policyBench(store);
      const policy = { scope: { filter: { attribute: 'department', equals: 'Sales' } } };
      const { outcome } = await bench.apply([scimUser('u1', { 'name.familyName': '' })], { policy });
      assert.deepEqual(outcome.errors, []);
      assert.equal(outcome.counts.usersOutOfScope, 1);
    });

    test('a user brought into scope by a membership but failing the mapping is recorded, not thrown', async () => {
      const bench = await policyBench(store);
      const policy = { scope: { users: 'groups', groups: [{ name: 'Pilot' }] } };
      await bench.apply([scimUser('u1', { 'name.familyName': '' }), scimUser('u2'), group('g1', 'Pilot')], {
        policy,
      });
      const { outcome } = await bench.apply([addMembers('g1', 'u1', 'u2')], { policy });
      assert.equal(outcome.counts.usersCreated, 1);
      assert.deepEqual(outcome.errors, [
        {
          objectId: 'u1',
          field: 'name.familyName',
          message: 'name.familyName is required: a user needs a given name, a family name and an email',
        },
      ]);
    });

    test('renaming a group named in the scope takes its members out, and renaming it back brings them in', async () => {
      const bench = await policyBench(store);
      const policy = { scope: { filter: { memberOf: { name: 'Pilot' } } } };
      await bench.apply([scimUser('u1'), group('g', 'Pilot'), addMembers('g', 'u1')], { policy });
      const renamed = await bench.apply([group('g', 'Pilot (old)')], { policy });
      assert.equal(renamed.outcome.counts.usersDeactivated, 1);
      const back = await bench.apply([group('g', 'Pilot')], { policy });
      assert.equal(back.outcome.counts.usersReactivated, 1);
    });

    test('roles come from Entra app roles and from group rules; canonical names', async () => {
      const bench = await policyBench(store);
      const policy = { roles: { rules: [{ group: { name: 'Admins' }, role: 'admin' }] } };
      await bench.apply([scimUser('u1', {}, { roles: ['readonly', 'Scanner'] }), group('a', 'Admins')], {
        policy,
      });
      assert.deepEqual((await platformUsers(bench))[0]?.roles, ['ReadOnly', 'Scanner']);
      const { events } = await bench.apply([addMembers('a', 'u1')], { policy });
      assert.deepEqual((await platformUsers(bench))[0]?.roles, ['Admin', 'ReadOnly', 'Scanner']);
      assert.deepEqual(
        events.map((e) => [e.type, e.data.changed]),
        [
          ['user.updated', ['roles']],
          ['group.member_added', undefined],
        ],
      );
    });

    test('a user whose email another user already has is skipped with a per-user error; the others go on', async () => {
      const bench = await policyBench(store, 'graph');
      await bench.apply([scimUser('u1')], { onReject: 'record' });
      const { outcome } = await bench.apply(
        [scimUser('u2', { 'emails.work': 'U1@acme.test' }), scimUser('u3')],
        { onReject: 'record' },
      );
      assert.equal(outcome.counts.usersCreated, 1);
      assert.equal(outcome.errors[0]?.objectId, 'u2');
      assert.match(outcome.errors[0]?.message ?? '', /already used by another user/);
      const events = await readEvents(store.db, bench.organizationId, { limit: 10 });
      assert.equal(events.filter((e) => e.type === 'user.created').length, 2);
    });

    test('over SCIM the same email is a 400 naming the attribute', async () => {
      const bench = await policyBench(store);
      await bench.apply([scimUser('u1')]);
      await assert.rejects(bench.apply([scimUser('u2', { 'emails.work': 'u1@acme.test' })]), {
        code: 'invalid_input',
        status: 400,
        field: 'emails',
      });
    });
  });
}
