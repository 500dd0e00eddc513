import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Store } from '../../src/store/database.js';
import { insertGroup } from '../../src/store/groups.js';
import { engines, openTestStore } from '../support/engines.js';
import {
  addMembers,
  group,
  now,
  platformMembers,
  policyBench,
  removeMembers,
  scimUser,
} from './support/policy-bench.js';

for (const engine of engines) {
  describe(`group mappings on ${engine}`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;
    before(async () => ({ store, cleanup } = await openTestStore(engine)));
    after(() => cleanup());

    /** A platform group an admin made, for mappings to find by id or name. */
    const localGroup = (organizationId: string, id: string, displayName: string) =>
      insertGroup(store.db, {
        id,
        organization_id: organizationId,
        display_name: displayName,
        source: 'local',
        source_connection_id: null,
        external_id: null,
        created_at: now,
        updated_at: now,
      });

    const groupNames = async (organizationId: string) =>
      (
        await store.db
          .selectFrom('groups')
          .select('display_name')
          .where('organization_id', '=', organizationId)
          .orderBy('display_name')
          .execute()
      ).map((row) => row.display_name);

    test('maps a directory group onto an existing platform group by id, keeping its name', async () => {
      const bench = await policyBench(store);
      await localGroup(bench.organizationId, 'pg-ops', 'Operations');
      const policy = {
        groups: { mappings: [{ directoryGroup: { name: 'SG-Ops' }, platformGroup: { id: 'pg-ops' } }] },
      };
      await bench.apply([scimUser('u1'), group('g1', 'SG-Ops'), addMembers('g1', 'u1')], { policy });
      await bench.apply([group('g1', 'SG-Ops renamed')], {
        policy: { groups: { mappings: [{ directoryGroup: { id: 'g1' }, platformGroup: { id: 'pg-ops' } }] } },
      });
      assert.deepEqual(await groupNames(bench.organizationId), ['Operations']);
      assert.deepEqual(await platformMembers(bench, 'Operations'), ['u1@acme.test']);
    });

    test('a mapping to a platform group that does not exist names the setting', async () => {
      const bench = await policyBench(store);
      const policy = {
        groups: { mappings: [{ directoryGroup: { name: 'A' }, platformGroup: { id: 'nope' } }] },
      };
      await assert.rejects(bench.apply([group('g1', 'A')], { policy }), {
        code: 'invalid_input',
        field: 'groups.mappings[0].platformGroup.id',
      });
    });

    test('creates the platform group by name once, and two directory groups may share it', async () => {
      const bench = await policyBench(store);
      const policy = {
        groups: {
          mappings: [
            { directoryGroup: { name: 'Berlin' }, platformGroup: { create: 'Europe' } },
            { directoryGroup: { name: 'Paris' }, platformGroup: { create: 'Europe' } },
          ],
        },
      };
      const { outcome } = await bench.apply(
        [
          scimUser('u1'),
          group('b', 'Berlin'),
          group('p', 'Paris'),
          addMembers('b', 'u1'),
          addMembers('p', 'u1'),
        ],
        { policy },
      );
      assert.equal(outcome.counts.groupsCreated, 1);
      assert.deepEqual(await groupNames(bench.organizationId), ['Europe']);
      assert.deepEqual(await platformMembers(bench, 'Europe'), ['u1@acme.test']);
    });

    test('a mapping that creates a group by name finds an existing one whatever the case of its letters, accented too', async () => {
      const bench = await policyBench(store);
      await localGroup(bench.organizationId, 'pg-comite', 'Comité Éthique');
      const policy = {
        groups: {
          mappings: [{ directoryGroup: { name: 'SG-Ethics' }, platformGroup: { create: 'COMITÉ ÉTHIQUE' } }],
        },
      };
      const { outcome } = await bench.apply(
        [scimUser('u1'), group('e', 'SG-Ethics'), addMembers('e', 'u1')],
        {
          policy,
        },
      );
      assert.equal(outcome.counts.groupsCreated, 0);
      assert.deepEqual(await groupNames(bench.organizationId), ['Comité Éthique']);
      assert.deepEqual(await platformMembers(bench, 'Comité Éthique'), ['u1@acme.test']);
    });

    test('a group a mapping created belongs to the platform: it keeps its name once the mapping is gone', async () => {
      const bench = await policyBench(store);
      const policy = {
        groups: {
          mappings: [{ directoryGroup: { name: 'SG-Berlin' }, platformGroup: { create: 'Europe' } }],
        },
      };
      await bench.apply([group('b', 'SG-Berlin')], { policy });
      await bench.apply([group('b', 'SG-Berlin')]);
      const rows = await store.db
        .selectFrom('groups')
        .select(['display_name', 'source'])
        .where('organization_id', '=', bench.organizationId)
        .orderBy('display_name')
        .execute();
      assert.deepEqual(rows, [
        { display_name: 'Europe', source: 'local' },
        { display_name: 'SG-Berlin', source: 'scim' },
      ]);
    });

    test('auto-remove keeps a user who still reaches the platform group through another mapped group', async () => {
      const bench = await policyBench(store);
      const policy = {
        groups: {
          mappings: [
            { directoryGroup: { name: 'Berlin' }, platformGroup: { create: 'Europe' } },
            { directoryGroup: { name: 'Paris' }, platformGroup: { create: 'Europe' } },
          ],
        },
      };
      await bench.apply(
        [
          scimUser('u1'),
          scimUser('u2'),
          group('b', 'Berlin'),
          group('p', 'Paris'),
          addMembers('b', 'u1', 'u2'),
          addMembers('p', 'u1'),
        ],
        { policy },
      );
      const { events } = await bench.apply([removeMembers('b', 'u1', 'u2')], { policy });
      assert.deepEqual(await platformMembers(bench, 'Europe'), ['u1@acme.test']);
      assert.deepEqual(
        events.map((e) => e.type),
        ['group.member_removed'],
      );
    });

    test('a mapping with autoRemove false leaves users in the platform group', async () => {
      const bench = await policyBench(store);
      const policy = {
        groups: {
          mappings: [
            { directoryGroup: { name: 'A' }, platformGroup: { create: 'Alpha' }, autoRemove: false },
          ],
        },
      };
      await bench.apply([scimUser('u1'), group('a', 'A'), addMembers('a', 'u1')], { policy });
      await bench.apply([removeMembers('a', 'u1')], { policy });
      assert.deepEqual(await platformMembers(bench, 'Alpha'), ['u1@acme.test']);
    });

    test('unmapped groups are mirrored by default and ignored when the policy says so', async () => {
      const mirrored = await policyBench(store);
      await mirrored.apply([group('x', 'Mirror me')]);
      assert.deepEqual(await groupNames(mirrored.organizationId), ['Mirror me']);
      const ignored = await policyBench(store);
      await ignored.apply([scimUser('u1'), group('x', 'Ignore me'), addMembers('x', 'u1')], {
        policy: { groups: { unmapped: 'ignore' } },
      });
      assert.deepEqual(await groupNames(ignored.organizationId), []);
    });

    test('switching to ignore removes the groups mirrored before', async () => {
      const bench = await policyBench(store);
      await bench.apply([scimUser('u1'), group('x', 'Mirror me'), addMembers('x', 'u1')]);
      const { outcome } = await bench.apply([group('x', 'Mirror me')], {
        policy: { groups: { unmapped: 'ignore' } },
      });
      assert.deepEqual(await groupNames(bench.organizationId), []);
      assert.deepEqual(
        outcome.events.map((event) => event.type),
        ['group.deleted'],
      );
      // Mirroring again makes a fresh group with the members the directory still has.
      await bench.apply([group('x', 'Mirror me')]);
      assert.deepEqual(await platformMembers(bench, 'Mirror me'), ['u1@acme.test']);
    });

    test('a mirrored group that gets a mapping leaves no orphan mirror behind', async () => {
      const bench = await policyBench(store);
      await bench.apply([scimUser('u1'), group('a', 'A'), addMembers('a', 'u1')]);
      const policy = {
        groups: { mappings: [{ directoryGroup: { name: 'A' }, platformGroup: { create: 'Alpha' } }] },
      };
      await bench.apply([group('a', 'A')], { policy });
      assert.deepEqual(await groupNames(bench.organizationId), ['Alpha']);
      assert.deepEqual(await platformMembers(bench, 'Alpha'), ['u1@acme.test']);
    });

    test('deleting a mapped directory group takes its members out but keeps the platform group', async () => {
      const bench = await policyBench(store);
      const policy = {
        groups: { mappings: [{ directoryGroup: { name: 'A' }, platformGroup: { create: 'Alpha' } }] },
      };
      await bench.apply([scimUser('u1'), group('a', 'A'), addMembers('a', 'u1')], { policy });
      await bench.apply([{ kind: 'group.delete', id: 'a' }], { policy });
      assert.deepEqual(await groupNames(bench.organizationId), ['Alpha']);
      assert.deepEqual(await platformMembers(bench, 'Alpha'), []);
    });

    test('a mapping taken away takes its members out of the platform group it pointed at', async () => {
      const bench = await policyBench(store);
      const mapped = {
        groups: { mappings: [{ directoryGroup: { name: 'A' }, platformGroup: { create: 'Alpha' } }] },
      };
      await bench.apply([scimUser('u1'), group('a', 'A'), addMembers('a', 'u1')], { policy: mapped });
      await bench.apply([group('a', 'A')], { policy: { groups: { unmapped: 'ignore' } } });
      assert.deepEqual(await platformMembers(bench, 'Alpha'), []);
    });

    test('a mapping moved to another platform group moves its members, unless autoRemove is off', async () => {
      const bench = await policyBench(store);
      const to = (name: string, autoRemove?: boolean) => ({
        groups: {
          mappings: [
            {
              directoryGroup: { name: 'A' },
              platformGroup: { create: name },
              ...(autoRemove === undefined ? {} : { autoRemove }),
            },
          ],
        },
      });
      await bench.apply([scimUser('u1'), group('a', 'A'), addMembers('a', 'u1')], { policy: to('Alpha') });
      await bench.apply([group('a', 'A')], { policy: to('Beta') });
      assert.deepEqual(await platformMembers(bench, 'Alpha'), []);
      assert.deepEqual(await platformMembers(bench, 'Beta'), ['u1@acme.test']);
      await bench.apply([group('a', 'A')], { policy: to('Gamma', false) });
      assert.deepEqual(await platformMembers(bench, 'Beta'), []);
      assert.deepEqual(await platformMembers(bench, 'Gamma'), ['u1@acme.test']);
    });

    test('a mapping added later moves the directory group and its members to the mapped group', async () => {
      const bench = await policyBench(store);
      await bench.apply([scimUser('u1'), group('a', 'A'), addMembers('a', 'u1')], {
        policy: { groups: { unmapped: 'ignore' } },
      });
      const policy = {
        groups: { mappings: [{ directoryGroup: { name: 'A' }, platformGroup: { create: 'Alpha' } }] },
      };
      await bench.apply([group('a', 'A')], { policy });
      assert.deepEqual(await platformMembers(bench, 'Alpha'), ['u1@acme.test']);
    });
  });
}
