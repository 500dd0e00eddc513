/**
 * Discovery (RFC 7644 §4) over HTTP on every engine: what /Schemas says about a Group's members is
 * what the server does with them, and a filter on a discovery endpoint is refused, not ignored.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { engines } from '../../support/engines.js';
import { startTestRoster, type TestRoster } from '../../support/roster.js';
import {
  connectScimWithCli,
  entraUser,
  patchOp,
  scimClient,
  createdId as created,
  filterQuery as q,
} from '../../support/scim-client.js';

const CORE_GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';

for (const engine of engines) {
  describe(`SCIM discovery on ${engine}`, () => {
    let server: TestRoster;
    let scim: ReturnType<typeof scimClient>;

    before(async () => {
      server = await startTestRoster(engine);
      scim = (await connectScimWithCli(server.env)).scim;
    });
    after(() => server.close());

    describe('RFC 7643 §8.7.1: the Group schema describes members as the server keeps them', () => {
      const memberSubAttributes = async () => {
        const schema = await scim.get(`/Schemas/${CORE_GROUP}`);
        assert.equal(schema.status, 200);
        const attributes = schema.body.attributes as Record<string, unknown>[];
        const members = attributes.find((attribute) => attribute.name === 'members');
        return members?.subAttributes as Record<string, unknown>[];
      };

      test('members have value, $ref and type, and no display', async () => {
        const subAttributes = await memberSubAttributes();
        assert.deepEqual(subAttributes.map((sub) => sub.name).sort(), ['$ref', 'type', 'value']);
      });

      test('$ref and type are readOnly: computed by the server, whatever a client sends', async () => {
        const subAttributes = await memberSubAttributes();
        const mutability = Object.fromEntries(
          subAttributes.map((sub): [string, unknown] => [String(sub.name), sub.mutability]),
        );
        assert.deepEqual(mutability, { value: 'immutable', $ref: 'readOnly', type: 'readOnly' });
        assert.deepEqual(subAttributes.find((sub) => sub.name === 'type')?.canonicalValues, [
          'User',
          'Group',
        ]);

        const userId = created(await scim.post('/Users', entraUser('discovery1')));
        const groupId = created(
          await scim.post('/Groups', {
            displayName: 'Members as sent',
            members: [{ value: userId, display: 'Not kept', type: 'Group', $ref: 'https://elsewhere/x' }],
          }),
        );
        const group = await scim.get(`/Groups/${groupId}`);
        assert.deepEqual(group.body.members, [
          { value: userId, $ref: `${scim.base}/Users/${userId}`, type: 'User' },
        ]);
        const patched = await scim.patch(
          `/Groups/${groupId}`,
          patchOp({ op: 'replace', path: `members[value eq "${userId}"].type`, value: 'Group' }),
        );
        assert.equal(patched.status, 400);
        assert.equal(patched.body.scimType, 'invalidPath');
      });
    });

    describe('RFC 7644 §4: a filter on a discovery endpoint is refused with 403', () => {
      for (const path of [
        '/Schemas',
        `/Schemas/${CORE_GROUP}`,
        '/ResourceTypes',
        '/ResourceTypes/User',
        '/ServiceProviderConfig',
      ]) {
        test(`GET ${path}?filter=… answers 403 in SCIM error format`, async () => {
          const res = await scim.get(`${path}?${q('id eq "x"')}`);
          assert.equal(res.status, 403);
          assert.match(res.headers.get('content-type') ?? '', /application\/scim\+json/);
          assert.deepEqual(res.body, {
            schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
            status: '403',
            detail: 'Discovery endpoints do not support filter (RFC 7644 §4)',
          });
          const unfiltered = await scim.get(path);
          assert.equal(unfiltered.status, 200);
        });
      }
    });
  });
}
