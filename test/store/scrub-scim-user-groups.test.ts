import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql, type Kysely } from 'kysely';
import { createConnection } from '../../src/store/connections.js';
import type { Store } from '../../src/store/database.js';
import { up as scrub } from '../../src/store/migrations/0010-scrub-scim-user-groups.js';
import { createOrganization } from '../../src/store/organizations.js';
import { engines, openTestStore } from '../support/engines.js';

const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const CUSTOM = 'urn:ietf:params:scim:schemas:extension:Acme:2.0:User';

/** Client-sent `groups` kept before a SCIM User's groups were computed are removed by migration 0010. */
for (const engine of engines) {
  describe(`scrubbing stored SCIM user groups on ${engine}`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;
    before(async () => ({ store, cleanup } = await openTestStore(engine)));
    after(() => cleanup());

    const now = '2026-11-25T10:00:00.000Z';
    const forged = [{ value: 'forged-group', display: 'Forged' }];

    const insertUser = async (
      db: Kysely<unknown>,
      connectionId: string,
      organizationId: string,
      id: string,
      attributes: unknown,
    ) => {
      await sql`insert into directory_users
        (connection_id, id, organization_id, external_id, user_name, user_name_key, email_key, active, attributes, version, user_id, created_at, updated_at)
        values (${connectionId}, ${id}, ${organizationId}, null, ${id}, ${id}, ${id}, 1, ${JSON.stringify(attributes)}, 1, null, ${now}, ${now})`.execute(
        db,
      );
    };
    const insertPolicy = async (
      db: Kysely<unknown>,
      connectionId: string,
      organizationId: string,
      id: string,
      source: unknown,
    ) => {
      await sql`insert into directory_user_policy (connection_id, directory_user_id, organization_id, source, in_scope, delete_after, updated_at)
        values (${connectionId}, ${id}, ${organizationId}, ${JSON.stringify(source)}, 1, null, ${now})`.execute(
        db,
      );
    };
    const read = async (db: Kysely<unknown>, query: ReturnType<typeof sql<{ value: string | null }>>) =>
      (await query.execute(db)).rows.map((row) =>
        row.value === null ? null : (JSON.parse(row.value) as unknown),
      );

    test('removes groups from SCIM users, their policy sources and SCIM user audit entries, in every spelling', async () => {
      const db = store.db as unknown as Kysely<unknown>;
      const org = await createOrganization(store.db, { slug: 'scrub-groups', name: 'Scrub', now });
      const scim = await createConnection(store.db, {
        organizationId: org.id,
        kind: 'scim',
        name: 'Entra',
        now,
      });
      const attributes = {
        userName: 'ada@acme.test',
        Groups: forged,
        [`${CORE_USER}:GROUPS`]: forged,
        [CORE_USER]: { groups: forged, nickName: 'Ada' },
        [CUSTOM]: { groups: 'customer-defined' },
        name: { givenName: 'Ada' },
        groupsNote: 'kept: not groups',
      };
      const scrubbed = {
        userName: 'ada@acme.test',
        [CORE_USER]: { nickName: 'Ada' },
        [CUSTOM]: { groups: 'customer-defined' },
        name: { givenName: 'Ada' },
        groupsNote: 'kept: not groups',
      };
      await insertUser(db, scim.id, org.id, 'u1', attributes);
      await insertUser(db, scim.id, org.id, 'u2', {
        userName: 'bob@acme.test',
        [CORE_USER]: { groups: forged },
      });
      const source = {
        connectorKind: 'scim',
        objectId: null,
        userName: 'ada@acme.test',
        active: true,
        attributes: {
          userName: 'ada@acme.test',
          'groups.first': 'forged-group',
          'Groups.first.display': 'Forged',
          [`${CORE_USER}:groups.first`]: 'forged-group',
          [`${CUSTOM}:groups`]: 'customer-defined',
          groupsNote: 'kept: not groups',
        },
        roles: [],
      };
      await insertPolicy(db, scim.id, org.id, 'u1', source);
      for (const [id, action] of [
        ['a1', 'scim.user.created'],
        ['a2', 'scim.user.patched'],
        ['a3', 'scim.group.patched'],
      ] as const) {
        await sql`insert into audit_entries (id, organization_id, occurred_at, actor_type, actor_id, action, target_type, target_id, connection_id, before, after)
          values (${id}, ${org.id}, ${now}, 'scim', null, ${action}, 'directory_user', 'u1', ${scim.id}, ${id === 'a1' ? null : JSON.stringify(attributes)}, ${JSON.stringify(attributes)})`.execute(
          db,
        );
      }

      await scrub(db);

      assert.deepEqual(await read(db, sql`select attributes as value from directory_users where id = 'u1'`), [
        scrubbed,
      ]);
      assert.deepEqual(await read(db, sql`select attributes as value from directory_users where id = 'u2'`), [
        { userName: 'bob@acme.test' },
      ]);
      const [policy] = await read(
        db,
        sql`select source as value from directory_user_policy where directory_user_id = 'u1'`,
      );
      assert.deepEqual(policy, {
        ...source,
        attributes: {
          userName: 'ada@acme.test',
          [`${CUSTOM}:groups`]: 'customer-defined',
          groupsNote: 'kept: not groups',
        },
      });
      const audit = await sql<{ id: string; before: string | null; after: string }>`
        select id, before, after from audit_entries order by id`.execute(db);
      const entries = audit.rows.map((row) => ({
        id: row.id,
        before: row.before === null ? null : (JSON.parse(row.before) as unknown),
        after: JSON.parse(row.after) as unknown,
      }));
      assert.deepEqual(entries, [
        { id: 'a1', before: null, after: scrubbed },
        { id: 'a2', before: scrubbed, after: scrubbed },
        // Not a SCIM user's entry: what it holds is not a User resource.
        { id: 'a3', before: attributes, after: attributes },
      ]);
    });

    test('leaves the users of Graph connections alone', async () => {
      const db = store.db as unknown as Kysely<unknown>;
      const org = await createOrganization(store.db, { slug: 'scrub-graph', name: 'Graph', now });
      const graph = await createConnection(store.db, {
        organizationId: org.id,
        kind: 'graph',
        name: 'Pull',
        now,
      });
      const attributes = { userPrincipalName: 'ada@acme.test', groups: ['kept'] };
      const source = { connectorKind: 'graph', attributes: { 'groups.first': 'kept' } };
      await insertUser(db, graph.id, org.id, 'g1', attributes);
      await insertPolicy(db, graph.id, org.id, 'g1', source);

      await scrub(db);

      assert.deepEqual(await read(db, sql`select attributes as value from directory_users where id = 'g1'`), [
        attributes,
      ]);
      assert.deepEqual(
        await read(db, sql`select source as value from directory_user_policy where directory_user_id = 'g1'`),
        [source],
      );
    });
  });
}
