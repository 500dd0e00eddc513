import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Store } from '../../src/store/database.js';
import { createOrganization, listOrganizations } from '../../src/store/organizations.js';
import { engines, openTestStore } from '../support/engines.js';

const now = '2026-11-24T10:00:00.000Z';

for (const engine of engines) {
  describe(`transactions on ${engine}`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;
    before(async () => ({ store, cleanup } = await openTestStore(engine)));
    after(() => cleanup());

    test('concurrent transactions commit independently: a failing one leaves nothing, the others stay', async () => {
      const results = await Promise.allSettled(
        ['one', 'two', 'three', 'four'].map((slug) =>
          store.transaction(async (trx) => {
            await createOrganization(trx, { slug, name: slug, now });
            if (slug === 'two') throw new Error('boom after writing');
            return slug;
          }),
        ),
      );
      assert.deepEqual(
        results.map((r) => r.status),
        ['fulfilled', 'rejected', 'fulfilled', 'fulfilled'],
      );
      const slugs = (await listOrganizations(store.db)).map((o) => o.slug).sort();
      assert.deepEqual(slugs, ['four', 'one', 'three']);
    });

    test('a unique violation inside one transaction does not undo its neighbours', async () => {
      const results = await Promise.allSettled([
        store.transaction((trx) => createOrganization(trx, { slug: 'five', name: 'x', now })),
        store.transaction((trx) => createOrganization(trx, { slug: 'one', name: 'dup', now })),
        store.transaction((trx) => createOrganization(trx, { slug: 'six', name: 'x', now })),
      ]);
      assert.deepEqual(
        results.map((r) => r.status),
        ['fulfilled', 'rejected', 'fulfilled'],
      );
      assert.equal((await listOrganizations(store.db)).length, 5);
    });
  });
}
