import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Store } from '../../src/store/database.js';
import { createOrganization } from '../../src/store/organizations.js';
import { insertUser, usersByIds } from '../../src/store/users.js';
import { engines, openTestStore } from '../support/engines.js';

const now = '2026-11-24T10:00:00.000Z';

for (const engine of engines) {
  describe(`users by id on ${engine}`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;
    before(async () => ({ store, cleanup } = await openTestStore(engine)));
    after(() => cleanup());

    test("answers only the organization's own users, whichever ids are asked for", async () => {
      const acme = (await createOrganization(store.db, { slug: 'acme', name: 'Acme', now })).id;
      const other = (await createOrganization(store.db, { slug: 'other', name: 'Other', now })).id;
      const user = (id: string, organizationId: string) =>
        insertUser(store.db, {
          id,
          organization_id: organizationId,
          email: `${id}@example.test`,
          email_key: `${id}@example.test`,
          user_name: id,
          given_name: 'G',
          family_name: 'F',
          display_name: null,
          status: 'active',
          source: 'local',
          source_connection_id: null,
          external_id: null,
          created_at: now,
          updated_at: now,
        });
      await user('a1', acme);
      await user('a2', acme);
      await user('o1', other);
      const found = await usersByIds(store.db, acme, ['a1', 'o1', 'a2', 'missing']);
      assert.deepEqual(found.map((row) => row.id).sort(), ['a1', 'a2']);
      assert.deepEqual(await usersByIds(store.db, other, ['a1', 'a2']), []);
      assert.deepEqual(await usersByIds(store.db, acme, []), []);
    });
  });
}
