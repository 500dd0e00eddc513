import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql, type Kysely } from 'kysely';
import type { Store } from '../../src/store/database.js';
import { down, up } from '../../src/store/migrations/0011-user-activated-at.js';
import { createOrganization } from '../../src/store/organizations.js';
import { engines, openTestStore } from '../support/engines.js';

/**
 * Migration 0011 records when users kept from before were first active, so that reactivating one
 * of them does not send an enrollment email out of the blue; a user created disabled and never
 * enabled is still enrolled when enabled.
 */
for (const engine of engines) {
  describe(`users' first activation, recorded for users kept from before, on ${engine}`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;
    before(async () => ({ store, cleanup } = await openTestStore(engine)));
    after(() => cleanup());

    test('counts as activated who holds a seat, a credential or an email; not a user never enabled', async () => {
      const db = store.db as unknown as Kysely<unknown>;
      const created = '2026-01-02T03:04:05.000Z';
      const org = await createOrganization(store.db, { slug: 'activated', name: 'Activated', now: created });
      await down(db);
      const user = async (id: string, status: string) =>
        sql`insert into users (id, organization_id, email, email_key, user_name, given_name, family_name, status, source, created_at, updated_at)
          values (${id}, ${org.id}, ${`${id}@a.test`}, ${`${id}@a.test`}, ${id}, 'G', 'F', ${status}, 'scim', ${created}, ${created})`.execute(
          db,
        );
      await user('active', 'active');
      await user('pending', 'pending');
      await user('left', 'inactive');
      await user('mailed', 'inactive');
      await user('prehire', 'inactive');
      await sql`insert into credentials (id, organization_id, user_id, type, status, issued_at)
        values ('c1', ${org.id}, 'left', 'cloud_key', 'revoked', ${created})`.execute(db);
      await sql`insert into enrollment_emails (id, organization_id, user_id, recipient, status, attempts, data, created_at, next_attempt_at)
        values ('e1', ${org.id}, 'mailed', 'mailed@a.test', 'sent', 1, '{}', ${created}, ${created})`.execute(
        db,
      );
      await up(db);
      const rows = await sql<{ id: string; activated_at: string | null }>`
        select id, activated_at from users where organization_id = ${org.id} order by id`.execute(db);
      assert.deepEqual(
        rows.rows.map((row) => [row.id, row.activated_at]),
        [
          ['active', created],
          ['left', created],
          ['mailed', created],
          ['pending', created],
          ['prehire', null],
        ],
      );
    });
  });
}
