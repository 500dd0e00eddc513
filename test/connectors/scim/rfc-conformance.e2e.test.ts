/**
 * RFC 7643 and RFC 7644 rules a SCIM client other than Entra relies on, over HTTP against the real
 * server on every engine: attribute characteristics (`password` writeOnly and never returned,
 * `groups` readOnly and computed), fully qualified names, projections, sorting and conditional
 * reads. Each was a defect found by QA over HTTP.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { engines } from '../../support/engines.js';
import { startTestRoster, type TestRoster } from '../../support/roster.js';
import {
  connectScimWithCli,
  entraUser,
  patchOp,
  scimClient,
  type ScimResponse,
  createdId as created,
  filterQuery as q,
} from '../../support/scim-client.js';

const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const CORE_GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

const ids = (res: ScimResponse) => (res.body.Resources ?? []).map((resource) => resource.id);

for (const engine of engines) {
  describe(`RFC 7643/7644 conformance on ${engine}`, () => {
    let server: TestRoster;
    let scim: ReturnType<typeof scimClient>;
    let nextUser = 0;
    const createUser = async (overrides: Record<string, unknown> = {}) =>
      created(await scim.post('/Users', entraUser(`rfc${(nextUser += 1)}`, overrides)));
    const createGroup = async (displayName: string, members: string[] = []) =>
      created(await scim.post('/Groups', { displayName, members: members.map((value) => ({ value })) }));

    /** Every row a SCIM write reaches: the directory object, the platform user, audit and events. */
    const storedRows = async () => {
      const { db } = server.runtime.store;
      return JSON.stringify([
        await db.selectFrom('directory_users').selectAll().execute(),
        await db.selectFrom('users').selectAll().execute(),
        await db.selectFrom('audit_entries').selectAll().execute(),
        await db.selectFrom('events').selectAll().execute(),
      ]);
    };

    before(async () => {
      server = await startTestRoster(engine);
      scim = (await connectScimWithCli(server.env)).scim;
    });
    after(() => server.close());

    describe('RFC 7643 §4.1.1: password is writeOnly and never returned', () => {
      const secret = `Pa55-${randomUUID()}`;

      test('a password sent in POST, PUT and PATCH, in any spelling, is accepted and kept nowhere', async () => {
        const answers: ScimResponse[] = [];
        const posted = await scim.post('/Users', entraUser(`rfc${(nextUser += 1)}`, { password: secret }));
        answers.push(posted);
        const id = created(posted);
        for (const key of ['PASSWORD', `${CORE_USER}:password`]) {
          const res = await scim.post('/Users', entraUser(`rfc${(nextUser += 1)}`, { [key]: secret }));
          created(res);
          answers.push(res);
        }
        const user = entraUser(`rfc-put${nextUser}`, { password: secret });
        answers.push(await scim.put(`/Users/${id}`, user));
        for (const operation of [
          { op: 'replace', path: 'password', value: secret },
          { op: 'Add', path: `${CORE_USER}:password`, value: secret },
          { op: 'replace', value: { password: secret, title: 'Engineer' } },
          { op: 'replace', value: { [CORE_USER]: { password: secret } } },
        ]) {
          const res = await scim.patch(`/Users/${id}`, patchOp(operation));
          assert.equal(res.status, 200, `${JSON.stringify(operation)}: ${JSON.stringify(res.body)}`);
          answers.push(res);
        }
        answers.push(await scim.get(`/Users/${id}`));
        answers.push(await scim.get(`/Users?${q(`userName eq "${user.userName}"`)}`));
        answers.push(await scim.get('/Users?count=1000'));
        for (const res of answers) {
          assert.ok(res.status < 300, JSON.stringify(res.body));
          assert.ok(!JSON.stringify(res.body).includes(secret), `answered: ${JSON.stringify(res.body)}`);
        }
        assert.equal((answers.at(-3)?.body as Record<string, unknown>).title, 'Engineer');
        assert.ok(!(await storedRows()).includes(secret), 'no stored row holds the password');
      });

      test('a PATCH that only sets the password answers 200 and changes no attribute', async () => {
        const id = await createUser();
        const { meta: _before, ...before } = (await scim.get(`/Users/${id}`)).body;
        const res = await scim.patch(
          `/Users/${id}`,
          patchOp({ op: 'replace', path: 'password', value: secret }),
        );
        assert.equal(res.status, 200, JSON.stringify(res.body));
        const { meta: _after, ...after } = res.body;
        assert.deepEqual(after, before);
      });
    });

    describe('RFC 7643 §4.1.2: groups is readOnly and reflects memberships', () => {
      test('groups sent by the client are ignored on POST and PUT, and refused by PATCH', async () => {
        const bogus = [{ value: 'not-a-group', display: 'Forged' }];
        const posted = await scim.post('/Users', entraUser(`rfc${(nextUser += 1)}`, { groups: bogus }));
        const id = created(posted);
        assert.equal(posted.body.groups, undefined);
        const put = await scim.put(`/Users/${id}`, entraUser(`rfc-groups${nextUser}`, { groups: bogus }));
        assert.equal(put.status, 200, JSON.stringify(put.body));
        assert.equal(put.body.groups, undefined);
        assert.equal((await scim.get(`/Users/${id}`)).body.groups, undefined);
        const found = await scim.get(`/Users?${q('groups.value eq "not-a-group"')}`);
        assert.equal(found.status, 200);
        assert.equal(found.body.totalResults, 0);
        // RFC 7644 §3.5.2: a PATCH must not modify a readOnly attribute.
        const patched = await scim.patch(
          `/Users/${id}`,
          patchOp({ op: 'add', path: 'groups', value: bogus }),
        );
        assert.equal(patched.status, 400);
        assert.equal(patched.body.scimType, 'mutability');
        assert.ok(!(await storedRows()).includes('not-a-group'), 'no stored row holds the forged group');
      });

      test("a user's GET, list and PATCH answers carry the groups it is a direct member of", async () => {
        const [member, other] = [await createUser(), await createUser()];
        const tag = randomUUID().slice(0, 8);
        const beta = await createGroup(`Beta ${tag}`, [member]);
        const alpha = await createGroup(`Alpha ${tag}`, [member, other]);
        const expected = [
          { value: alpha, $ref: `${scim.base}/Groups/${alpha}`, display: `Alpha ${tag}`, type: 'direct' },
          { value: beta, $ref: `${scim.base}/Groups/${beta}`, display: `Beta ${tag}`, type: 'direct' },
        ];
        assert.deepEqual((await scim.get(`/Users/${member}`)).body.groups, expected);
        const listed = await scim.get(`/Users?${q(`id eq "${member}" or id eq "${other}"`)}&sortBy=id`);
        const byId = new Map((listed.body.Resources ?? []).map((user) => [user.id, user.groups]));
        assert.deepEqual(byId.get(member), expected);
        assert.deepEqual(byId.get(other), [expected[0]]);
        const patched = await scim.patch(
          `/Users/${member}`,
          patchOp({ op: 'replace', path: 'title', value: 'x' }),
        );
        assert.deepEqual(patched.body.groups, expected);

        await scim.patch(`/Groups/${beta}`, patchOp({ op: 'remove', path: `members[value eq "${member}"]` }));
        await scim.patch(
          `/Groups/${alpha}`,
          patchOp({ op: 'replace', path: 'displayName', value: `Gamma ${tag}` }),
        );
        assert.deepEqual((await scim.get(`/Users/${member}`)).body.groups, [
          { ...expected[0], display: `Gamma ${tag}` },
        ]);
      });

      test('filters on groups find the members of a group', async () => {
        const [a, b, outsider] = [await createUser(), await createUser(), await createUser()];
        const tag = randomUUID().slice(0, 8);
        const group = await createGroup(`Filtered ${tag}`, [a, b]);
        for (const filter of [
          `groups.value eq "${group}"`,
          `groups[value eq "${group}"]`,
          `groups.display eq "filtered ${tag}"`,
          `${CORE_USER}:groups.value eq "${group}"`,
        ]) {
          const res = await scim.get(`/Users?${q(filter)}&excludedAttributes=groups`);
          assert.equal(res.status, 200, `${filter}: ${JSON.stringify(res.body)}`);
          assert.deepEqual(new Set(ids(res)), new Set([a, b]), filter);
          assert.ok(
            (res.body.Resources ?? []).every((user) => user.groups === undefined),
            'excludedAttributes=groups still applies',
          );
        }
        const notIn = await scim.get(`/Users?${q(`id eq "${outsider}" and not (groups pr)`)}`);
        assert.deepEqual(ids(notIn), [outsider]);
      });

      test('/Schemas describes groups as readOnly, returned by default, typed direct or indirect', async () => {
        const schema = await scim.get(`/Schemas/${CORE_USER}`);
        const attributes = schema.body.attributes as Record<string, unknown>[];
        const groups = attributes.find((attribute) => attribute.name === 'groups');
        assert.equal(groups?.mutability, 'readOnly');
        assert.equal(groups?.returned, 'default');
        const subAttributes = groups?.subAttributes as Record<string, unknown>[];
        assert.ok(subAttributes.every((sub) => sub.mutability === 'readOnly'));
        assert.deepEqual(subAttributes.find((sub) => sub.name === 'type')?.canonicalValues, [
          'direct',
          'indirect',
        ]);
      });
    });

    describe('RFC 7644 §3.10: fully qualified core attribute names', () => {
      test('POST and PUT with urn:…:core:2.0:User:displayName set displayName, with no fake schema', async () => {
        const res = await scim.post(
          '/Users',
          entraUser(`rfc${(nextUser += 1)}`, { [`${CORE_USER}:displayName`]: 'Qualified Name' }),
        );
        const id = created(res);
        assert.equal(res.body.displayName, 'Qualified Name');
        assert.deepEqual(res.body.schemas, [CORE_USER]);
        assert.equal(res.body[CORE_USER], undefined);
        const found = await scim.get(`/Users?${q(`${CORE_USER}:displayName eq "qualified name"`)}`);
        assert.deepEqual(ids(found), [id]);
        const put = await scim.put(
          `/Users/${id}`,
          entraUser(`rfc-qualified${nextUser}`, { [`${CORE_USER}:DISPLAYNAME`]: 'Replaced' }),
        );
        assert.equal(put.status, 200, JSON.stringify(put.body));
        assert.equal(put.body.displayName, 'Replaced');
        assert.deepEqual(put.body.schemas, [CORE_USER]);
      });

      test('POST /Groups with urn:…:core:2.0:Group:displayName names the group', async () => {
        const name = `Qualified ${randomUUID()}`;
        const res = await scim.post('/Groups', { [`${CORE_GROUP}:displayName`]: name });
        created(res);
        assert.equal(res.body.displayName, name);
        assert.deepEqual(res.body.schemas, [CORE_GROUP]);
      });

      test('a name qualified by the Group schema is refused on a User, as PATCH refuses it', async () => {
        const res = await scim.post(
          '/Users',
          entraUser(`rfc${(nextUser += 1)}`, { [`${CORE_GROUP}:displayName`]: 'Wrong schema' }),
        );
        assert.equal(res.status, 400);
        assert.equal(res.body.scimType, 'invalidValue');
      });
    });

    describe('RFC 7644 §3.4.2.5: attributes and excludedAttributes', () => {
      let id: string;
      before(async () => {
        id = await createUser({
          displayName: 'Projected',
          name: { givenName: 'Ada', familyName: 'Lovelace', formatted: 'Ada Lovelace' },
          [ENTERPRISE]: { department: 'Engines', employeeNumber: '1815' },
        });
      });
      const read = async (query: string) => {
        const res = await scim.get(`/Users/${id}?${query}`);
        assert.equal(res.status, 200, JSON.stringify(res.body));
        return res.body;
      };

      test('excludedAttributes leaves out sub-attributes such as name.givenName and emails.value', async () => {
        const body = await read('excludedAttributes=name.givenName,emails.value');
        assert.deepEqual(body.name, { familyName: 'Lovelace', formatted: 'Ada Lovelace' });
        assert.deepEqual(body.emails, [{ primary: true, type: 'work' }]);
        assert.equal(body.displayName, 'Projected');
      });

      test('excludedAttributes leaves out an extension attribute by its qualified name, or the whole extension', async () => {
        const one = await read(`excludedAttributes=${ENTERPRISE}:department`);
        assert.deepEqual(one[ENTERPRISE], { employeeNumber: '1815' });
        const whole = await read(`excludedAttributes=${ENTERPRISE}`);
        assert.equal(whole[ENTERPRISE], undefined);
        assert.equal(whole.displayName, 'Projected');
        const qualifiedCore = await read(`excludedAttributes=${CORE_USER}:displayName`);
        assert.equal(qualifiedCore.displayName, undefined);
        assert.equal(qualifiedCore.id, id, 'id is returned always');
      });

      test('attributes with an extension URN returns the whole extension, with id and schemas', async () => {
        const body = await read(`attributes=${ENTERPRISE}`);
        assert.deepEqual(Object.keys(body).sort(), [ENTERPRISE, 'id', 'schemas'].sort());
        assert.deepEqual(body[ENTERPRISE], { department: 'Engines', employeeNumber: '1815' });
        const one = await read(`attributes=${ENTERPRISE}:employeeNumber,name.familyName`);
        assert.deepEqual(one[ENTERPRISE], { employeeNumber: '1815' });
        assert.deepEqual(one.name, { familyName: 'Lovelace' });
      });

      test('a list applies the same projection to every resource', async () => {
        const res = await scim.get(
          `/Users?${q(`id eq "${id}"`)}&excludedAttributes=${encodeURIComponent(`name.givenName,${ENTERPRISE}`)}`,
        );
        const [user] = res.body.Resources ?? [];
        assert.deepEqual(user?.name, { familyName: 'Lovelace', formatted: 'Ada Lovelace' });
        assert.equal(user?.[ENTERPRISE], undefined);
      });
    });

    describe('RFC 7644 §3.4.2.3: sortBy', () => {
      const tag = randomUUID().slice(0, 8);
      before(async () => {
        for (const number of ['300', '100', '200']) {
          await createUser({ title: `sorted ${tag}`, [ENTERPRISE]: { employeeNumber: number } });
        }
      });
      const employeeNumbers = async (query: string) => {
        const res = await scim.get(`/Users?${q(`title eq "sorted ${tag}"`)}&${query}`);
        assert.equal(res.status, 200, JSON.stringify(res.body));
        return (res.body.Resources ?? []).map(
          (user) => (user[ENTERPRISE] as Record<string, unknown>).employeeNumber,
        );
      };

      test('sorts by a fully qualified extension attribute, ascending and descending', async () => {
        const sortBy = `sortBy=${encodeURIComponent(`${ENTERPRISE}:employeeNumber`)}`;
        assert.deepEqual(await employeeNumbers(sortBy), ['100', '200', '300']);
        assert.deepEqual(await employeeNumbers(`${sortBy}&sortOrder=descending`), ['300', '200', '100']);
        assert.deepEqual(await employeeNumbers('sortBy=employeeNumber'), ['100', '200', '300']);
      });

      test('a sortBy that is not an attribute path is 400 invalidValue', async () => {
        const res = await scim.get(`/Users?sortBy=${encodeURIComponent('name..givenName')}`);
        assert.equal(res.status, 400);
        assert.equal(res.body.scimType, 'invalidValue');
        assert.match(String(res.body.detail), /sortBy/);
      });
    });

    describe('RFC 7644 §3.14: If-None-Match', () => {
      test('a GET naming the current version is 304 without a body; an older one gets the resource', async () => {
        const id = await createUser();
        const first = await scim.get(`/Users/${id}`);
        const etag = first.headers.get('etag') ?? '';
        assert.match(etag, /^W\/"\d+"$/);
        const withoutGroups = `/Users/${id}?excludedAttributes=groups`;
        for (const header of [etag, etag.slice(2), `W/"0", ${etag}`, '*']) {
          const res = await scim.get(withoutGroups, { 'if-none-match': header });
          assert.equal(res.status, 304, header);
          assert.deepEqual(res.body, {});
          assert.equal(res.headers.get('etag'), etag);
        }
        // Membership changes leave the user's version alone: an answer with groups is always sent.
        assert.equal((await scim.get(`/Users/${id}`, { 'if-none-match': etag })).status, 200);
        await scim.patch(`/Users/${id}`, patchOp({ op: 'replace', path: 'title', value: 'changed' }));
        const changed = await scim.get(withoutGroups, { 'if-none-match': etag });
        assert.equal(changed.status, 200);
        assert.equal(changed.body.title, 'changed');
        assert.notEqual(changed.headers.get('etag'), etag);
      });

      test('a group GET naming the current version is 304 too', async () => {
        const groupId = await createGroup(`Conditional ${randomUUID()}`);
        const etag = (await scim.get(`/Groups/${groupId}`)).headers.get('etag') ?? '';
        const res = await scim.get(`/Groups/${groupId}?excludedAttributes=members`, {
          'if-none-match': etag,
        });
        assert.equal(res.status, 304);
        assert.deepEqual(res.body, {});
        // Deleting a member user does not move the group's version: an answer with members is sent.
        assert.equal((await scim.get(`/Groups/${groupId}`, { 'if-none-match': etag })).status, 200);
      });

      test('sorting groups by their members is refused rather than reading every member', async () => {
        const res = await scim.get('/Groups?excludedAttributes=members&sortBy=members');
        assert.equal(res.status, 400);
        assert.equal(res.body.scimType, 'invalidValue');
      });

      test('a write whose If-None-Match names the current version is 412 and changes nothing', async () => {
        const id = await createUser({ title: 'kept' });
        const etag = (await scim.get(`/Users/${id}`)).headers.get('etag') ?? '';
        const res = await scim.call(
          'PATCH',
          `/Users/${id}`,
          patchOp({ op: 'replace', path: 'title', value: 'lost' }),
          { 'if-none-match': etag },
        );
        assert.equal(res.status, 412);
        assert.equal(res.body.status, '412');
        assert.equal((await scim.get(`/Users/${id}`)).body.title, 'kept');
      });
    });
  });
}
