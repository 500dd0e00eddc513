import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createScimConnection } from '../../../src/connectors/scim/scim-connections.js';
import { createOrganization } from '../../../src/store/organizations.js';
import { engines } from '../../support/engines.js';
import { startTestRoster, type TestRoster } from '../../support/roster.js';
import { entraUser, scimClient } from '../../support/scim-client.js';

/**
 * Entra adds a user to a group and deletes the user in requests that run at the same time. On
 * PostgreSQL both transactions run concurrently: whichever commits first, the group must end with
 * no member that no longer exists, its count must match its rows, and neither request may fail.
 */
for (const engine of engines) {
  describe(`member adds racing user deletes on ${engine}`, () => {
    let roster: TestRoster;
    before(async () => {
      roster = await startTestRoster(engine);
    });
    after(() => roster.close());

    test('leave no member behind and answer no 5xx', async () => {
      const now = new Date().toISOString();
      const organization = await createOrganization(roster.runtime.store.db, {
        slug: 'racing',
        name: 'R',
        now,
      });
      const { tenantUrl, token } = await createScimConnection(roster.runtime, 'racing', {
        type: 'cli',
        id: null,
      });
      const scim = scimClient(tenantUrl, token);
      const group = await scim.post('/Groups', {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
        displayName: 'Racing group',
      });
      const groupId = String((group.body as { id: string }).id);
      const userIds: string[] = [];
      for (let n = 0; n < 80; n += 1) {
        const created = await scim.post('/Users', entraUser(n));
        assert.equal(created.status, 201);
        userIds.push(String((created.body as { id: string }).id));
      }
      const statuses: number[] = [];
      let next = 0;
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          while (next < userIds.length) {
            const id = userIds[next++] as string;
            const [added, deleted] = await Promise.all([
              scim.patch(`/Groups/${groupId}`, {
                schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
                Operations: [{ op: 'add', path: 'members', value: [{ value: id }] }],
              }),
              scim.delete(`/Users/${id}`),
            ]);
            statuses.push(added.status, deleted.status);
          }
        }),
      );
      assert.deepEqual(
        statuses.filter((status) => status >= 500),
        [],
      );
      const read = await scim.get(`/Groups/${groupId}`);
      assert.deepEqual((read.body as { members?: unknown[] }).members ?? [], []);
      const platform = await roster.runtime.store.db
        .selectFrom('groups')
        .select(['id', 'member_count'])
        .where('organization_id', '=', organization.id)
        .where('display_name', '=', 'Racing group')
        .executeTakeFirstOrThrow();
      const rows = await roster.runtime.store.db
        .selectFrom('group_members')
        .select('user_id')
        .where('group_id', '=', platform.id)
        .execute();
      assert.equal(rows.length, 0);
      assert.equal(Number(platform.member_count), 0);
    });
  });
}
