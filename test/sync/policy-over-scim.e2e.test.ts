import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createScimConnection } from '../../src/connectors/scim/scim-connections.js';
import { createOrganization } from '../../src/store/organizations.js';
import { setOrganizationSeatLimit, setPolicy } from '../../src/sync/policy-service.js';
import { engines } from '../support/engines.js';
import { startTestRoster, type TestRoster } from '../support/roster.js';
import { entraUser, patchOp, scimClient } from '../support/scim-client.js';

const admin = { type: 'admin' as const, id: 'admin-1' };
const enterprise = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

/** Policy as Entra meets it over SCIM: answers, not only the platform's state. */
for (const engine of engines) {
  describe(`policy over SCIM, end to end on ${engine}`, () => {
    let roster: TestRoster;
    let scim: ReturnType<typeof scimClient>;
    let organizationId: string;

    before(async () => {
      roster = await startTestRoster(engine);
      const now = new Date().toISOString();
      organizationId = (
        await createOrganization(roster.runtime.store.db, { slug: 'acme', name: 'Acme', now })
      ).id;
      const connected = await createScimConnection(roster.runtime, 'acme', admin, 'Contoso Entra');
      scim = scimClient(connected.tenantUrl, connected.token);
      await setPolicy(
        roster.runtime,
        connected.connectionId,
        {
          scope: { filter: { attribute: 'department', equals: 'Sales' } },
          groups: {
            mappings: [{ directoryGroup: { name: 'SG-Sales' }, platformGroup: { create: 'Sales' } }],
          },
        },
        admin,
      );
    });
    after(() => roster.close());

    const platformEmails = async () =>
      (
        await roster.runtime.store.db
          .selectFrom('users')
          .select('email')
          .where('organization_id', '=', organizationId)
          .orderBy('email')
          .execute()
      ).map((row) => row.email);

    const salesUser = (n: number, extra: Record<string, unknown> = {}) =>
      entraUser(n, { [enterprise]: { department: 'Sales' }, ...extra });

    test('a user the scope leaves out is created for Entra (201) but never reaches the platform', async () => {
      const res = await scim.post('/Users', entraUser(1, { [enterprise]: { department: 'HR' } }));
      assert.equal(res.status, 201);
      assert.equal((await scim.get(`/Users/${String(res.body.id)}`)).status, 200);
      assert.deepEqual(await platformEmails(), []);
    });

    test('a user in scope arrives, and a mapped group takes it into its platform group', async () => {
      const user = await scim.post('/Users', salesUser(2));
      assert.equal(user.status, 201);
      const group = await scim.post('/Groups', {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
        displayName: 'SG-Sales',
        externalId: 'oid-sales',
      });
      assert.equal(group.status, 201);
      const patched = await scim.patch(
        `/Groups/${String(group.body.id)}`,
        patchOp({ op: 'Add', path: 'members', value: [{ value: user.body.id }] }),
      );
      assert.ok(patched.status === 200 || patched.status === 204, String(patched.status));
      assert.deepEqual(await platformEmails(), ['Test_User_2@testuser.com']);
      const members = await roster.runtime.store.db
        .selectFrom('groups')
        .select(['display_name', 'member_count'])
        .where('organization_id', '=', organizationId)
        .execute();
      assert.deepEqual(members, [{ display_name: 'Sales', member_count: 1 }]);
    });

    test('an email another user has is a 400 invalidValue naming it, and nothing is kept', async () => {
      const res = await scim.post(
        '/Users',
        salesUser(3, { emails: [{ primary: true, type: 'work', value: 'Test_User_2@testuser.com' }] }),
      );
      assert.equal(res.status, 400);
      assert.equal(res.body.scimType, 'invalidValue');
      assert.match(String(res.body.detail), /already used by another user/);
      const found = await scim.get('/Users?filter=userName%20eq%20%22Test_User_3@testuser.com%22');
      assert.equal(found.body.totalResults, 0);
    });

    test('above the seat limit the request is refused whole with the count, and Entra may retry later', async () => {
      await setOrganizationSeatLimit(roster.runtime, organizationId, 1, admin);
      const refused = await scim.post('/Users', salesUser(4));
      assert.equal(refused.status, 403);
      assert.match(
        String(refused.body.detail),
        /would import 1 user\(s\), above the organization's seat limit of 1/,
      );
      const found = await scim.get('/Users?filter=userName%20eq%20%22Test_User_4@testuser.com%22');
      assert.equal(found.body.totalResults, 0);
      await setOrganizationSeatLimit(roster.runtime, organizationId, 2, admin);
      assert.equal((await scim.post('/Users', salesUser(4))).status, 201);
    });
  });
}
