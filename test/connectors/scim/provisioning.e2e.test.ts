import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { rosterJson, roster } from '../../support/cli.js';
import { engines } from '../../support/engines.js';
import { startTestRoster, type TestRoster } from '../../support/roster.js';
import { entraUser, patchOp, scimClient } from '../../support/scim-client.js';

interface Connected {
  connectionId: string;
  tenantUrl: string;
  token: string;
}
interface ListedUser {
  id: string;
  email: string;
  userName: string;
  givenName: string;
  familyName: string;
  status: string;
  source: string;
  externalId: string | null;
  groups: { id: string; displayName: string }[];
}

for (const engine of engines) {
  describe(`SCIM provisioning from Entra, end to end on ${engine}`, () => {
    let roster_: TestRoster;
    let connected: Connected;
    let scim: ReturnType<typeof scimClient>;

    before(async () => {
      roster_ = await startTestRoster(engine);
      const org = await rosterJson<{ id: string; slug: string; name: string }>(
        ['org', 'create', 'acme', '--name', 'Acme Corp'],
        roster_.env,
      );
      assert.deepEqual(Object.keys(org).sort(), ['id', 'name', 'slug']);
      connected = await rosterJson<Connected>(['scim', 'connect', 'acme'], roster_.env);
      scim = scimClient(connected.tenantUrl, connected.token);
    });
    after(() => roster_.close());

    const users = () => rosterJson<ListedUser[]>(['users', 'list', 'acme'], roster_.env);
    const groups = () =>
      rosterJson<
        { id: string; displayName: string; memberCount: number; externalId: string | null; source: string }[]
      >(['groups', 'list', 'acme'], roster_.env);

    test('prints a Tenant URL with the compliance flag and a long random token', () => {
      assert.equal(connected.tenantUrl, `${roster_.url}/scim/v2/${connected.connectionId}?aadOptscim062020`);
      assert.ok(connected.token.length >= 43, 'token carries at least 256 bits');
    });

    describe('Test Connection', () => {
      test('a filter with no hits answers an empty ListResponse', async () => {
        const res = await scim.get(
          '/Users?filter=userName%20eq%20%22ad2f1f8b-2b65-4d5e-a9f8-c25eaa2ad8b4%22',
        );
        assert.equal(res.status, 200);
        assert.match(res.headers.get('content-type') ?? '', /application\/scim\+json/);
        assert.deepEqual(res.body, {
          schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
          totalResults: 0,
          startIndex: 1,
          itemsPerPage: 0,
          Resources: [],
        });
        const groupsRes = await scim.get(
          '/Groups?excludedAttributes=members&filter=displayName%20eq%20%22nope%22',
        );
        assert.equal(groupsRes.status, 200);
        assert.equal(groupsRes.body.totalResults, 0);
      });

      test('an unknown id is a 404 SCIM error', async () => {
        const res = await scim.get('/Users/does-not-exist');
        assert.equal(res.status, 404);
        assert.deepEqual(res.body.schemas, ['urn:ietf:params:scim:api:messages:2.0:Error']);
        assert.equal(res.body.status, '404');
      });
    });

    describe('tokens and trust', () => {
      test('refuses a request without a token or with a wrong one', async () => {
        const none = await scim.call('GET', '/Users', undefined, { authorization: '' });
        assert.equal(none.status, 401);
        assert.equal(none.body.status, '401');
        const wrong = await scimClient(connected.tenantUrl, 'scim_wrong').get('/Users');
        assert.equal(wrong.status, 401);
      });

      test("a token of one connection gets nothing from another connection's URL", async () => {
        const other = await rosterJson<Connected>(['scim', 'connect', 'acme'], roster_.env);
        const crossed = await scimClient(other.tenantUrl, connected.token).get('/Users');
        assert.equal(crossed.status, 401);
      });

      test('an unknown connection is a 404', async () => {
        const res = await scimClient(
          `${roster_.url}/scim/v2/00000000-0000-0000-0000-000000000000`,
          connected.token,
        ).get('/Users');
        assert.equal(res.status, 404);
      });

      test('rotated tokens work side by side until one is revoked', async () => {
        const created = await rosterJson<{ tokenId: string; token: string }>(
          ['scim', 'token', 'create', connected.connectionId],
          roster_.env,
        );
        const second = scimClient(connected.tenantUrl, created.token);
        assert.equal((await second.get('/Users')).status, 200);
        const listed = await rosterJson<{ id: string; status: string; lastUsedAt: string | null }[]>(
          ['scim', 'token', 'list', connected.connectionId],
          roster_.env,
        );
        assert.equal(listed.length, 2);
        assert.ok(
          listed.every((t) => t.lastUsedAt !== null),
          'both tokens show their last use',
        );
        await rosterJson(['scim', 'token', 'revoke', connected.connectionId, created.tokenId], roster_.env);
        assert.equal((await second.get('/Users')).status, 401);
        assert.equal((await scim.get('/Users')).status, 200);
      });
    });

    describe('users', () => {
      let userId: string;

      test('creates a user as Entra sends it and answers 201 with Location and meta', async () => {
        const res = await scim.post('/Users', entraUser(1));
        assert.equal(res.status, 201, JSON.stringify(res.body));
        userId = String(res.body.id);
        assert.equal(res.headers.get('location'), `${scim.base}/Users/${userId}`);
        const meta = res.body.meta as Record<string, string>;
        assert.equal(meta.resourceType, 'User');
        assert.equal(meta.location, `${scim.base}/Users/${userId}`);
        assert.match(meta.version ?? '', /^W\/"\d+"$/);
        assert.equal(res.headers.get('etag'), meta.version);
        assert.equal(res.body.userName, 'Test_User_1@testuser.com');
      });

      test('finds the user by userName in any case, and by externalId', async () => {
        const byName = await scim.get(
          `/Users?filter=${encodeURIComponent('userName eq "test_user_1@TESTUSER.com"')}`,
        );
        assert.equal(byName.body.totalResults, 1);
        assert.equal(byName.body.Resources?.[0]?.id, userId);
        const externalId = entraUser(1).externalId;
        const byExternal = await scim.get(
          `/Users?filter=${encodeURIComponent(`externalId eq "${externalId}"`)}`,
        );
        assert.equal(byExternal.body.totalResults, 1);
        const wrongCase = await scim.get(
          `/Users?filter=${encodeURIComponent(`externalId eq "${externalId.toUpperCase()}"`)}`,
        );
        assert.equal(wrongCase.body.totalResults, 0, 'externalId is caseExact');
      });

      test('shows the user on the platform with its Entra object id', async () => {
        const [user] = await users();
        assert.equal(user?.email, 'Test_User_1@testuser.com');
        assert.equal(user?.status, 'active');
        assert.equal(user?.source, 'scim');
        assert.equal(user?.externalId, entraUser(1).externalId);
      });

      test('refuses a second user with the same userName with 409 uniqueness', async () => {
        const res = await scim.post(
          '/Users',
          entraUser(1, { externalId: 'another', userName: 'TEST_USER_1@testuser.com' }),
        );
        assert.equal(res.status, 409);
        assert.equal(res.body.scimType, 'uniqueness');
      });

      test('refuses a user without a family name with 400 invalidValue naming it', async () => {
        const res = await scim.post('/Users', entraUser(2, { name: { givenName: 'Only' } }));
        assert.equal(res.status, 400);
        assert.equal(res.body.scimType, 'invalidValue');
        assert.match(String(res.body.detail), /name\.familyName/);
        assert.equal((await users()).length, 1, 'nothing was half-created');
      });

      test('disables with the string "False" Entra sends without the flag, and the user stays readable', async () => {
        const res = await scim.patch(
          `/Users/${userId}`,
          patchOp({ op: 'Replace', path: 'active', value: 'False' }),
        );
        assert.equal(res.status, 200, JSON.stringify(res.body));
        assert.equal(res.body.active, false);
        assert.equal((await scim.get(`/Users/${userId}`)).body.active, false);
        assert.equal((await users())[0]?.status, 'inactive');
      });

      test('re-enables with a real boolean as Entra sends with aadOptscim062020', async () => {
        const res = await scim.patch(
          `/Users/${userId}`,
          patchOp({ op: 'replace', path: 'active', value: true }),
        );
        assert.equal(res.status, 200);
        assert.equal((await users())[0]?.status, 'active');
      });

      test('applies a path-less replace with dotted and URN keys', async () => {
        const res = await scim.patch(
          `/Users/${userId}`,
          patchOp(
            { op: 'replace', path: 'emails[type eq "work"].value', value: 'ada@acme.test' },
            {
              op: 'replace',
              value: {
                'name.givenName': 'Ada',
                'name.familyName': 'Lovelace',
                'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber': '1815',
              },
            },
          ),
        );
        assert.equal(res.status, 200, JSON.stringify(res.body));
        const [user] = await users();
        assert.equal(user?.email, 'ada@acme.test');
        assert.equal(user?.givenName, 'Ada');
        assert.equal(user?.familyName, 'Lovelace');
        const enterprise = res.body['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'] as Record<
          string,
          unknown
        >;
        assert.equal(enterprise.employeeNumber, '1815');
      });

      test('keeps custom extension attributes and returns them', async () => {
        const key = 'urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User:costCenter';
        const res = await scim.patch(`/Users/${userId}`, patchOp({ op: 'Add', path: key, value: 'CC-42' }));
        assert.equal(res.status, 200, JSON.stringify(res.body));
        const read = await scim.get(`/Users/${userId}`);
        const ext = read.body[
          'urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User'
        ] as Record<string, unknown>;
        assert.equal(ext.costCenter, 'CC-42');
      });

      test('rejects an invalid filter with 400 invalidFilter', async () => {
        const res = await scim.get(`/Users?filter=${encodeURIComponent('userName eq')}`);
        assert.equal(res.status, 400);
        assert.equal(res.body.scimType, 'invalidFilter');
      });

      test('rejects a PATCH without Operations with 400 invalidSyntax', async () => {
        const res = await scim.patch(`/Users/${userId}`, {
          schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        });
        assert.equal(res.status, 400);
        assert.equal(res.body.scimType, 'invalidSyntax');
      });

      test('rejects malformed JSON with 400 and an oversized body with 413', async () => {
        const bad = await scim.call('POST', '/Users', '{"userName": ');
        assert.equal(bad.status, 400);
        assert.equal(bad.body.status, '400');
        const huge = await scim.post('/Users', entraUser(9, { displayName: 'x'.repeat(2 * 1024 * 1024) }));
        assert.equal(huge.status, 413);
        assert.equal(huge.body.status, '413');
        // RFC 7644 §3.12 has no scimType for a body too large: none is sent.
        assert.equal(huge.body.scimType, undefined);
      });

      test('refuses a body nested thousands of levels deep with 400, not a crash', async () => {
        const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
        const body = JSON.stringify(entraUser('deep')).replace(/}$/, `,"x":${deep}}`);
        const res = await scim.call('POST', '/Users', body);
        assert.equal(res.status, 400);
        assert.equal(res.body.scimType, 'invalidSyntax');
        assert.match(String(res.body.detail), /deeper than/);
        const found = await scim.get(
          `/Users?filter=${encodeURIComponent('userName eq "Test_User_deep@testuser.com"')}`,
        );
        assert.equal(found.body.totalResults, 0);
      });

      test('takes a DELETE labelled application/scim+json with an empty body', async () => {
        const created = await scim.call('POST', '/Users', JSON.stringify(entraUser('labelled-delete')), {
          'content-type': 'application/scim+json; charset=utf-8',
        });
        assert.equal(created.status, 201);
        const res = await scim.call('DELETE', `/Users/${String(created.body.id)}`, '', {
          'content-type': 'application/scim+json',
        });
        assert.equal(res.status, 204);
        assert.equal((await scim.get(`/Users/${String(created.body.id)}`)).status, 404);
        const empty = await scim.call('POST', '/Users', '');
        assert.equal(empty.status, 400);
        assert.equal(empty.body.scimType, 'invalidSyntax');
      });

      test('pages a list with itemsPerPage equal to what was returned', async () => {
        for (let n = 3; n <= 7; n += 1) assert.equal((await scim.post('/Users', entraUser(n))).status, 201);
        const page = await scim.get('/Users?startIndex=2&count=2');
        assert.equal(page.body.totalResults, 6);
        assert.equal(page.body.startIndex, 2);
        assert.equal(page.body.itemsPerPage, 2);
        assert.equal(page.body.Resources?.length, 2);
        const last = await scim.get('/Users?startIndex=6&count=10');
        assert.equal(last.body.itemsPerPage, 1);
      });
    });

    describe('groups and memberships', () => {
      let groupId: string;
      let memberIds: string[];

      before(async () => {
        const list = await scim.get('/Users?count=100');
        memberIds = (list.body.Resources ?? []).map((r) => String(r.id));
      });

      test('creates a group with the extra schema Entra sends', async () => {
        const res = await scim.post('/Groups', {
          externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159',
          id: 'ignored',
          displayName: 'Finance',
          meta: { resourceType: 'Group' },
          schemas: [
            'urn:ietf:params:scim:schemas:core:2.0:Group',
            'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group',
          ],
        });
        assert.equal(res.status, 201, JSON.stringify(res.body));
        groupId = String(res.body.id);
        assert.notEqual(groupId, 'ignored');
      });

      test('refuses a second group with the same displayName with 409 uniqueness', async () => {
        const res = await scim.post('/Groups', {
          schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
          displayName: 'FINANCE',
        });
        assert.equal(res.status, 409);
        assert.equal(res.body.scimType, 'uniqueness');
      });

      test('adds members as Entra does and counts them', async () => {
        const res = await scim.patch(
          `/Groups/${groupId}`,
          patchOp({ op: 'Add', path: 'members', value: memberIds.map((value) => ({ $ref: null, value })) }),
        );
        assert.equal(res.status, 204);
        const [group] = await groups();
        assert.equal(group?.memberCount, memberIds.length);
        const read = await scim.get(`/Groups/${groupId}`);
        assert.equal((read.body.members as unknown[]).length, memberIds.length);
        const lean = await scim.get(`/Groups/${groupId}?excludedAttributes=members`);
        assert.equal(lean.body.members, undefined);
      });

      test('removes a member both with a value array and with a filtered path', async () => {
        const [first, second] = memberIds;
        assert.equal(
          (
            await scim.patch(
              `/Groups/${groupId}`,
              patchOp({ op: 'Remove', path: 'members', value: [{ $ref: null, value: first }] }),
            )
          ).status,
          204,
        );
        assert.equal(
          (
            await scim.patch(
              `/Groups/${groupId}`,
              patchOp({ op: 'remove', path: `members[value eq "${second}"]` }),
            )
          ).status,
          204,
        );
        const [group] = await groups();
        assert.equal(group?.memberCount, memberIds.length - 2);
        const member = (await users()).find((u) => u.id !== undefined && u.groups.length > 0);
        assert.deepEqual(
          member?.groups.map((g) => g.displayName),
          ['Finance'],
        );
      });

      test("renames the group with Microsoft's Replace displayName", async () => {
        const res = await scim.patch(
          `/Groups/${groupId}`,
          patchOp({ op: 'Replace', path: 'displayName', value: 'Finance EMEA' }),
        );
        assert.equal(res.status, 204);
        const found = await scim.get(
          `/Groups?excludedAttributes=members&filter=${encodeURIComponent('displayName eq "finance emea"')}`,
        );
        assert.equal(found.body.totalResults, 1);
        assert.equal((await groups())[0]?.displayName, 'Finance EMEA');
      });

      test('deletes the group and its memberships', async () => {
        assert.equal((await scim.delete(`/Groups/${groupId}`)).status, 204);
        assert.equal((await scim.get(`/Groups/${groupId}`)).status, 404);
        assert.deepEqual(await groups(), []);
      });
    });

    describe('deletion', () => {
      test('DELETE removes the user for good', async () => {
        const list = await scim.get('/Users?count=1');
        const id = String(list.body.Resources?.[0]?.id);
        const before_ = (await users()).length;
        assert.equal((await scim.delete(`/Users/${id}`)).status, 204);
        assert.equal((await scim.get(`/Users/${id}`)).status, 404);
        assert.equal((await users()).length, before_ - 1);
        assert.equal((await scim.delete(`/Users/${id}`)).status, 404);
      });
    });

    test('the CLI reports an unknown organization clearly', async () => {
      const result = await roster(['users', 'list', 'nope', '--json'], roster_.env);
      assert.notEqual(result.code, 0);
      assert.match(result.stderr, /Organization "nope" was not found/);
    });
  });
}
