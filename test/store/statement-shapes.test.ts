import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Store } from '../../src/store/database.js';
import { createOrganization } from '../../src/store/organizations.js';
import { statementBatches } from '../../src/store/statement-shapes.js';
import { engines, openTestStore } from '../support/engines.js';

describe('statement batches', () => {
  test('cover every row once, in order, in full batches and then power-of-two sizes', () => {
    for (const count of [0, 1, 2, 3, 7, 100, 512, 513, 1000, 1537]) {
      const rows = Array.from({ length: count }, (_, i) => i);
      const batches = statementBatches(rows, 512);
      assert.deepEqual(batches.flat(), rows, `rows for ${count}`);
      for (const batch of batches) {
        assert.ok(batch.length === 512 || Number.isInteger(Math.log2(batch.length)), `${batch.length}`);
      }
    }
    // 1,000 rows: one full batch and 488 = 256 + 128 + 64 + 32 + 8.
    assert.deepEqual(
      statementBatches(Array.from({ length: 1000 }), 512).map((batch) => batch.length),
      [512, 256, 128, 64, 32, 8],
    );
  });
});

for (const engine of engines) {
  describe(`in lists padded to a stable length on ${engine}`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;
    before(async () => ({ store, cleanup } = await openTestStore(engine)));
    after(() => cleanup());

    test('in and not in match exactly the values given, whatever the list length', async () => {
      const now = '2026-11-24T10:00:00.000Z';
      const slugs = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
      for (const slug of slugs) await createOrganization(store.db, { slug, name: slug, now });
      for (let n = 1; n <= slugs.length; n += 1) {
        const wanted = slugs.slice(0, n);
        const found = await store.db
          .selectFrom('organizations')
          .select('slug')
          .where('slug', 'in', wanted)
          .orderBy('slug')
          .execute();
        assert.deepEqual(
          found.map((row) => row.slug),
          wanted,
        );
        const others = await store.db
          .selectFrom('organizations')
          .select('slug')
          .where('slug', 'not in', wanted)
          .orderBy('slug')
          .execute();
        assert.deepEqual(
          others.map((row) => row.slug),
          slugs.slice(n),
        );
      }
    });
  });
}
