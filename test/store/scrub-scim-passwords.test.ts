import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql, type Kysely } from 'kysely';
import { createConnection } from '../../src/store/connections.js';
import type { Store } from '../../src/store/database.js';
import { up as scrub } from '../../src/store/migrations/0009-scrub-scim-passwords.js';
import { createOrganization } from '../../src/store/organizations.js';
import { engines, openTestStore } from '../support/engines.js';

/** Passwords stored before SCIM dropped them on the way in are removed by migration 0009. */
for (const engine of engines) {
  describe(`scrubbing stored SCIM passwords on ${engine}`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;
    before(async () => ({ store, cleanup } = await openTestStore(engine)));
    after(() => cleanup());

    test('removes password keys at any depth and in any spelling, and keeps everything else', async () => {
      const now = '2026-11-25T10:00:00.000Z';
      const db = store.db as unknown as Kysely<unknown>;
      const org = await createOrganization(store.db, { slug: 'scrub', name: 'Scrub', now });
      const connection = await createConnection(store.db, {
        organizationId: org.id,
        kind: 'scim',
        name: 'Entra',
        now,
      });
      const attributes = {
        userName: 'ada@acme.test',
        password: 'S3cret',
        'urn:ietf:params:scim:schemas:core:2.0:User:Password': 'S3cret',
        name: { givenName: 'Ada', password: 'nested' },
        passwordHint: 'kept: not a password',
      };
      await sql`insert into directory_users
        (connection_id, id, organization_id, external_id, user_name, user_name_key, email_key, active, attributes, version, user_id, created_at, updated_at)
        values (${connection.id}, 'u1', ${org.id}, null, 'ada@acme.test', 'ada@acme.test', 'ada@acme.test', 1, ${JSON.stringify(attributes)}, 1, null, ${now}, ${now})`.execute(
        db,
      );
      await sql`insert into audit_entries (id, organization_id, occurred_at, actor_type, actor_id, action, target_type, target_id, connection_id, before, after)
        values ('a1', ${org.id}, ${now}, 'scim', null, 'scim.user.created', 'user', 'u1', ${connection.id}, null, ${JSON.stringify({ attributes })})`.execute(
        db,
      );

      await scrub(db);

      const user = await sql<{
        attributes: string;
      }>`select attributes from directory_users where id = 'u1'`.execute(db);
      assert.deepEqual(JSON.parse(user.rows[0]?.attributes ?? '{}'), {
        userName: 'ada@acme.test',
        name: { givenName: 'Ada' },
        passwordHint: 'kept: not a password',
      });
      const audit = await sql<{
        after: string;
        before: string | null;
      }>`select before, after from audit_entries where id = 'a1'`.execute(db);
      assert.doesNotMatch(audit.rows[0]?.after ?? '', /S3cret|nested/);
      assert.equal(audit.rows[0]?.before, null);
    });
  });
}
