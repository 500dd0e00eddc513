import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { rosterJson } from '../support/cli.js';
import { engines } from '../support/engines.js';
import { startTestRoster, type TestRoster } from '../support/roster.js';
import { connectScimWithCli, entraUser, patchOp, scimClient } from '../support/scim-client.js';

/**
 * The platform's externalId is the Entra object id. Entra may match an existing SCIM user on
 * userName and then set externalId, or change it: the platform follows.
 */
for (const engine of engines) {
  describe(`the Entra object id on the platform follows SCIM on ${engine}`, () => {
    let roster: TestRoster;
    let scim: ReturnType<typeof scimClient>;

    before(async () => {
      roster = await startTestRoster(engine);
      scim = (await connectScimWithCli(roster.env, 'acme', 'Acme')).scim;
    });
    after(() => roster.close());

    test('a user externalId set or changed after create reaches the platform', async () => {
      const { externalId: _none, ...withoutExternalId } = entraUser(71);
      const created = await scim.post('/Users', withoutExternalId);
      assert.equal(created.status, 201);
      const id = String((created.body as { id: string }).id);
      const platform = async () =>
        (
          await rosterJson<{ userName: string; externalId: string | null }[]>(
            ['users', 'list', 'acme'],
            roster.env,
          )
        ).find((user) => user.userName === withoutExternalId.userName)?.externalId;
      assert.equal(await platform(), null);
      const objectId = '6d1e5b7c-0000-4000-8000-000000000071';
      assert.equal(
        (await scim.patch(`/Users/${id}`, patchOp({ op: 'Add', path: 'externalId', value: objectId })))
          .status,
        200,
      );
      assert.equal(await platform(), objectId);
      const changed = '6d1e5b7c-0000-4000-8000-000000000072';
      await scim.patch(`/Users/${id}`, patchOp({ op: 'Replace', path: 'externalId', value: changed }));
      assert.equal(await platform(), changed);
    });

    test('a mirrored group externalId changed after create reaches the platform', async () => {
      const created = await scim.post('/Groups', {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
        displayName: 'Object Id Group',
        externalId: 'aa1a0c0d-0000-4000-8000-000000000001',
      });
      assert.equal(created.status, 201);
      const id = String((created.body as { id: string }).id);
      const changed = 'aa1a0c0d-0000-4000-8000-000000000002';
      assert.equal(
        (await scim.patch(`/Groups/${id}`, patchOp({ op: 'Replace', path: 'externalId', value: changed })))
          .status,
        204,
      );
      const groups = await rosterJson<{ displayName: string; externalId: string | null }[]>(
        ['groups', 'list', 'acme'],
        roster.env,
      );
      assert.equal(groups.find((group) => group.displayName === 'Object Id Group')?.externalId, changed);
    });
  });
}
