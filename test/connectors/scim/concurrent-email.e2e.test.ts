import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createScimConnection } from '../../../src/connectors/scim/scim-connections.js';
import { createOrganization } from '../../../src/store/organizations.js';
import { insertUser } from '../../../src/store/users.js';
import { engines } from '../../support/engines.js';
import { startTestRoster, type TestRoster } from '../../support/roster.js';
import { entraUser, scimClient } from '../../support/scim-client.js';

/**
 * On PostgreSQL a request cannot see a user another transaction is creating until it commits;
 * the unique index then refuses the email. That must read as the taken email it is.
 */
for (const engine of engines.filter((e) => e === 'postgres')) {
  describe(`an email taken by a writer that has not committed yet, on ${engine}`, () => {
    let roster: TestRoster;
    before(async () => {
      roster = await startTestRoster(engine);
    });
    after(() => roster.close());

    test('gets 400 invalidValue, as an email taken before does', async () => {
      const db = roster.runtime.store.db;
      const now = new Date().toISOString();
      const organization = await createOrganization(db, { slug: 'racing', name: 'Racing', now });
      const { tenantUrl, token } = await createScimConnection(roster.runtime, 'racing', {
        type: 'cli',
        id: null,
      });
      const scim = scimClient(tenantUrl, token);
      const email = 'shared.mailbox@racing.test';
      const body = entraUser(7, { emails: [{ primary: true, type: 'work', value: email }] });
      let answer: Awaited<ReturnType<typeof scim.post>> | undefined;
      await db.transaction().execute(async (trx) => {
        await insertUser(trx, {
          id: randomUUID(),
          organization_id: organization.id,
          email,
          email_key: email,
          user_name: email,
          given_name: 'Shared',
          family_name: 'Mailbox',
          display_name: null,
          status: 'active',
          source: 'local',
          source_connection_id: null,
          external_id: null,
          roles: '[]',
          created_at: now,
          updated_at: now,
        });
        // The request's own check cannot see this row; its insert waits on the index until we commit.
        const pending = scim.post('/Users', body).then((response) => (answer = response));
        await sleep(500);
        assert.equal(answer, undefined, 'the request waits for the open transaction');
        void pending;
      });
      while (answer === undefined) await sleep(20);
      assert.equal(answer.status, 400, JSON.stringify(answer.body));
      assert.equal((answer.body as { scimType?: string }).scimType, 'invalidValue');
      // Sent again, with the other user committed, the answer is the same.
      const again = await scim.post('/Users', body);
      assert.equal(again.status, 400);
      assert.equal((again.body as { scimType?: string }).scimType, 'invalidValue');
    });
  });
}
