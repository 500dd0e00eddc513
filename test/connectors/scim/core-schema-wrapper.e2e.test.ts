/**
 * Core attributes sent inside an object keyed by the core schema URN
 * (`{"urn:…:core:2.0:User": {"active": "False"}}`), in POST, PUT and path-less PATCH, over HTTP on
 * every engine: they are the core attributes, so Entra's string booleans are converted there as at
 * the top level, and a `password` there is dropped like the top-level one. A `password` in a
 * custom extension is the customer's own attribute and is kept.
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
} from '../../support/scim-client.js';

const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const CUSTOM = 'urn:ietf:params:scim:schemas:extension:Acme:2.0:User';

for (const engine of engines) {
  describe(`core attributes inside the core schema URN on ${engine}`, () => {
    let server: TestRoster;
    let scim: ReturnType<typeof scimClient>;
    let nextUser = 0;
    const newUser = (overrides: Record<string, unknown> = {}) =>
      entraUser(`wrap${(nextUser += 1)}`, overrides);

    /** Every row a SCIM write reaches: the directory object, its policy source, the platform user, audit, events. */
    const storedRows = async () => {
      const { db } = server.runtime.store;
      return JSON.stringify([
        await db.selectFrom('directory_users').selectAll().execute(),
        await db.selectFrom('directory_user_policy').selectAll().execute(),
        await db.selectFrom('users').selectAll().execute(),
        await db.selectFrom('audit_entries').selectAll().execute(),
        await db.selectFrom('events').selectAll().execute(),
      ]);
    };
    /** The platform user's status, as the REST API and the portal see it. */
    const platformStatus = async (scimId: string) => {
      const { db } = server.runtime.store;
      const row = await db
        .selectFrom('directory_users')
        .innerJoin('users', 'users.id', 'directory_users.user_id')
        .select('users.status')
        .where('directory_users.id', '=', scimId)
        .executeTakeFirstOrThrow();
      return row.status;
    };

    before(async () => {
      server = await startTestRoster(engine);
      scim = (await connectScimWithCli(server.env)).scim;
    });
    after(() => server.close());

    describe("Entra's string booleans", () => {
      test('POST with {core URN: {active: "False"}} creates a deactivated user', async () => {
        const { active: _active, ...user } = newUser();
        const res = await scim.post('/Users', { ...user, [CORE_USER]: { active: 'False' } });
        const id = created(res);
        assert.equal(res.body.active, false);
        assert.equal(res.body[CORE_USER], undefined);
        assert.deepEqual(res.body.schemas, [CORE_USER]);
        assert.equal((await scim.get(`/Users/${id}`)).body.active, false);
        assert.equal(await platformStatus(id), 'inactive');
      });

      test('PUT with {core URN: {active: "FALSE"}} deactivates the user', async () => {
        const id = created(await scim.post('/Users', newUser()));
        const { active: _active, ...user } = newUser();
        const res = await scim.put(`/Users/${id}`, { ...user, [CORE_USER]: { active: 'FALSE' } });
        assert.equal(res.status, 200, JSON.stringify(res.body));
        assert.equal(res.body.active, false);
        assert.equal((await scim.get(`/Users/${id}`)).body.active, false);
        assert.equal(await platformStatus(id), 'inactive');
      });

      test('a path-less PATCH replace of {core URN: {active: "False"}} deactivates the user, as the top-level form does', async () => {
        const shapes = [
          { op: 'Replace', value: { [CORE_USER]: { active: 'False' } } },
          { op: 'replace', value: { [CORE_USER.toUpperCase()]: { ACTIVE: 'false' } } },
          { op: 'Replace', path: CORE_USER, value: { active: 'False' } },
          { op: 'Replace', value: { [`${CORE_USER}:active`]: 'False' } },
          { op: 'Replace', value: { active: 'False' } },
        ];
        for (const operation of shapes) {
          const id = created(await scim.post('/Users', newUser()));
          const res = await scim.patch(`/Users/${id}`, patchOp(operation));
          assert.equal(res.status, 200, `${JSON.stringify(operation)}: ${JSON.stringify(res.body)}`);
          assert.equal(res.body.active, false, JSON.stringify(operation));
          const read = await scim.get(`/Users/${id}`);
          assert.equal(read.body.active, false, JSON.stringify(operation));
          assert.equal(read.body[CORE_USER], undefined, JSON.stringify(operation));
          assert.equal(await platformStatus(id), 'inactive', JSON.stringify(operation));
          const back = await scim.patch(
            `/Users/${id}`,
            patchOp({ op: 'Replace', value: { [CORE_USER]: { active: 'True' } } }),
          );
          assert.equal(back.body.active, true);
          assert.equal(await platformStatus(id), 'active');
        }
      });

      test('emails[].primary as a string inside the core URN, in POST and PATCH, is stored as a boolean', async () => {
        const { emails: _emails, ...user } = newUser();
        const address = `${randomUUID()}@acme.test`;
        const res = await scim.post('/Users', {
          ...user,
          [CORE_USER]: { emails: [{ value: address, type: 'work', primary: 'True' }] },
        });
        const id = created(res);
        assert.deepEqual(res.body.emails, [{ value: address, type: 'work', primary: true }]);
        const patched = await scim.patch(
          `/Users/${id}`,
          patchOp({
            op: 'replace',
            value: { [CORE_USER]: { emails: [{ value: address, type: 'work', primary: 'False' }] } },
          }),
        );
        assert.equal(patched.status, 200, JSON.stringify(patched.body));
        assert.deepEqual(patched.body.emails, [{ value: address, type: 'work', primary: false }]);
      });

      test('a string boolean that is neither true nor false inside the core URN is 400 invalidValue', async () => {
        const { active: _active, ...user } = newUser();
        const res = await scim.post('/Users', { ...user, [CORE_USER]: { active: 'maybe' } });
        assert.equal(res.status, 400);
        assert.equal(res.body.scimType, 'invalidValue');
      });

      test('attributes of the enterprise extension are kept as sent beside a wrapped active', async () => {
        const { active: _active, ...user } = newUser();
        const res = await scim.post('/Users', {
          ...user,
          [CORE_USER]: { active: 'False' },
          [ENTERPRISE]: { department: 'True', employeeNumber: '7' },
        });
        created(res);
        assert.equal(res.body.active, false);
        assert.deepEqual(res.body[ENTERPRISE], { department: 'True', employeeNumber: '7' });
      });
    });

    describe('password inside the core schema URN', () => {
      test('is dropped from POST, PUT and PATCH, and kept nowhere', async () => {
        const secret = `Pa55-${randomUUID()}`;
        const answers: ScimResponse[] = [];
        const posted = await scim.post('/Users', newUser({ [CORE_USER]: { password: secret } }));
        answers.push(posted);
        const id = created(posted);
        answers.push(
          await scim.post(
            '/Users',
            newUser({ [CORE_USER.toLowerCase()]: { PassWord: secret, [`${CORE_USER}:password`]: secret } }),
          ),
        );
        answers.push(await scim.put(`/Users/${id}`, newUser({ [CORE_USER]: { password: secret } })));
        for (const operation of [
          { op: 'replace', value: { [CORE_USER]: { password: secret, title: 'Wrapped' } } },
          { op: 'add', path: CORE_USER, value: { password: secret } },
          { op: 'replace', value: { [CORE_USER]: { [`${CORE_USER}:password`]: secret } } },
        ]) {
          answers.push(await scim.patch(`/Users/${id}`, patchOp(operation)));
        }
        answers.push(await scim.get(`/Users/${id}`));
        answers.push(await scim.get('/Users?count=1000'));
        for (const res of answers) {
          assert.ok(res.status < 300, JSON.stringify(res.body));
          assert.ok(!JSON.stringify(res.body).includes(secret), `answered: ${JSON.stringify(res.body)}`);
        }
        assert.equal(answers.at(-2)?.body.title, 'Wrapped');
        assert.ok(!(await storedRows()).includes(secret), 'no stored row holds the password');
      });

      test('a password attribute of a custom extension is the customer’s own and is kept', async () => {
        const res = await scim.post('/Users', newUser({ [CUSTOM]: { password: 'policy-7', badge: '12' } }));
        const id = created(res);
        assert.deepEqual(res.body[CUSTOM], { password: 'policy-7', badge: '12' });
        const patched = await scim.patch(
          `/Users/${id}`,
          patchOp({ op: 'replace', value: { [`${CUSTOM}:password`]: 'policy-8' } }),
        );
        assert.equal(patched.status, 200, JSON.stringify(patched.body));
        assert.deepEqual(patched.body[CUSTOM], { password: 'policy-8', badge: '12' });
        assert.deepEqual((await scim.get(`/Users/${id}`)).body[CUSTOM], {
          password: 'policy-8',
          badge: '12',
        });
      });
    });
  });
}
