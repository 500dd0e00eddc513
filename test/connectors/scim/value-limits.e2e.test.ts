/**
 * Values that land in indexed columns have a length limit, the same on every engine: a userName
 * of 9,000 characters was a 500 on PostgreSQL (its btree index row limit) and, on SQLite, a user
 * Entra's `userName eq` filter could never find again. Each is refused with 400 invalidValue,
 * naming the attribute and its limit, through POST, PUT and PATCH, and nothing is stored.
 */
import assert from 'node:assert/strict';
import { randomBytes, randomInt } from 'node:crypto';
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

/** 9,000 random base64 characters: what the audit sent; random, so PostgreSQL cannot compress it. */
const longValue = () => randomBytes(6750).toString('base64');

/**
 * `length` random characters of 4 bytes each in UTF-8 (CJK Extension B), so a value at the limit
 * is as large as it can be in the index and does not compress.
 */
const fourByteCharacters = (length: number) =>
  Array.from({ length }, () => String.fromCodePoint(0x20000 + randomInt(0xa6df))).join('');

function assertTooLong(res: ScimResponse, attribute: string, limit: number): void {
  assert.equal(res.status, 400, JSON.stringify(res.body).slice(0, 500));
  assert.deepEqual(res.body.schemas, ['urn:ietf:params:scim:api:messages:2.0:Error']);
  assert.equal(res.body.status, '400');
  assert.equal(res.body.scimType, 'invalidValue');
  assert.match(
    String(res.body.detail),
    new RegExp(`^${attribute.replace('.', '\\.')} must be at most ${limit} characters`),
  );
}

for (const engine of engines) {
  describe(`SCIM value limits on ${engine}`, () => {
    let server: TestRoster;
    let scim: ReturnType<typeof scimClient>;
    let next = 0;
    const newUser = (overrides: Record<string, unknown> = {}) => entraUser(`limit${(next += 1)}`, overrides);

    /** Every row a SCIM write reaches: directory objects, platform users and groups, audit, events. */
    const storedRows = async () => {
      const { db } = server.runtime.store;
      return JSON.stringify([
        await db.selectFrom('directory_users').selectAll().orderBy('id').execute(),
        await db.selectFrom('directory_groups').selectAll().orderBy('id').execute(),
        await db.selectFrom('users').selectAll().orderBy('id').execute(),
        await db.selectFrom('groups').selectAll().orderBy('id').execute(),
        await db.selectFrom('audit_entries').selectAll().execute(),
        await db.selectFrom('events').selectAll().execute(),
      ]);
    };

    /** Sends a write that must be refused, and checks that it changed nothing. */
    const refused = async (write: () => Promise<ScimResponse>, attribute: string, limit: number) => {
      const rowsBefore = await storedRows();
      assertTooLong(await write(), attribute, limit);
      assert.equal(await storedRows(), rowsBefore, 'nothing is stored');
    };

    before(async () => {
      server = await startTestRoster(engine);
      scim = (await connectScimWithCli(server.env)).scim;
    });
    after(() => server.close());

    describe('Users', () => {
      test('refuses a POST with a 9,000-character userName, externalId or email', async () => {
        await refused(() => scim.post('/Users', newUser({ userName: longValue() })), 'userName', 512);
        await refused(() => scim.post('/Users', newUser({ externalId: longValue() })), 'externalId', 512);
        const emails = [{ primary: true, type: 'work', value: `${longValue()}@example.com` }];
        await refused(() => scim.post('/Users', newUser({ emails })), 'emails.value', 320);
        const other = [...newUser().emails, { type: 'home', value: `${longValue()}@example.com` }];
        await refused(() => scim.post('/Users', newUser({ emails: other })), 'emails.value', 320);
      });

      test('refuses a PUT with a long userName, externalId or email, and keeps the user as it was', async () => {
        const body = newUser();
        const id = created(await scim.post('/Users', body));
        await refused(() => scim.put(`/Users/${id}`, { ...body, userName: longValue() }), 'userName', 512);
        await refused(
          () => scim.put(`/Users/${id}`, { ...body, externalId: longValue() }),
          'externalId',
          512,
        );
        const emails = [{ type: 'work', value: `${longValue()}@example.com` }];
        await refused(() => scim.put(`/Users/${id}`, { ...body, emails }), 'emails.value', 320);
        const found = await scim.get(`/Users?${q(`userName eq "${body.userName}"`)}`);
        assert.deepEqual(
          (found.body.Resources ?? []).map((user) => user.id),
          [id],
        );
      });

      test('refuses a PATCH that replaces userName, externalId or an email with a long value', async () => {
        const id = created(await scim.post('/Users', newUser()));
        const replace = (path: string, value: unknown) =>
          scim.patch(`/Users/${id}`, patchOp({ op: 'Replace', path, value }));
        await refused(() => replace('userName', longValue()), 'userName', 512);
        await refused(() => replace('externalId', longValue()), 'externalId', 512);
        await refused(
          () => replace('emails[type eq "work"].value', `${longValue()}@example.com`),
          'emails.value',
          320,
        );
        await refused(
          () => scim.patch(`/Users/${id}`, patchOp({ op: 'Add', value: { userName: longValue() } })),
          'userName',
          512,
        );
      });

      test('stores values at the limits, of 4-byte characters, and finds them again by filter', async () => {
        const userName = fourByteCharacters(512);
        const externalId = fourByteCharacters(512);
        const email = `${fourByteCharacters(64)}@${fourByteCharacters(251)}.com`;
        assert.equal([...email].length, 320);
        const id = created(
          await scim.post(
            '/Users',
            newUser({ userName, externalId, emails: [{ primary: true, type: 'work', value: email }] }),
          ),
        );
        for (const filter of [
          `userName eq "${userName}"`,
          `externalId eq "${externalId}"`,
          `emails[type eq "work"].value eq "${email}"`,
        ]) {
          const found = await scim.get(`/Users?${q(filter)}`);
          assert.equal(found.status, 200, JSON.stringify(found.body).slice(0, 500));
          assert.deepEqual(
            (found.body.Resources ?? []).map((user) => user.id),
            [id],
          );
        }
      });
    });

    describe('Groups', () => {
      test('refuses a POST with a 9,000-character displayName or externalId', async () => {
        await refused(() => scim.post('/Groups', { displayName: longValue() }), 'displayName', 512);
        await refused(
          () => scim.post('/Groups', { displayName: 'Limits', externalId: longValue() }),
          'externalId',
          512,
        );
      });

      test('refuses a PUT or PATCH with a long displayName or externalId, and keeps the group', async () => {
        const id = created(await scim.post('/Groups', { displayName: 'Kept as it was' }));
        await refused(() => scim.put(`/Groups/${id}`, { displayName: longValue() }), 'displayName', 512);
        await refused(
          () => scim.put(`/Groups/${id}`, { displayName: 'Kept as it was', externalId: longValue() }),
          'externalId',
          512,
        );
        const replace = (path: string, value: unknown) =>
          scim.patch(`/Groups/${id}`, patchOp({ op: 'Replace', path, value }));
        await refused(() => replace('displayName', longValue()), 'displayName', 512);
        await refused(() => replace('externalId', longValue()), 'externalId', 512);
        const group = await scim.get(`/Groups/${id}`);
        assert.equal(group.body.displayName, 'Kept as it was');
      });

      test('stores a displayName and externalId at the limit, of 4-byte characters', async () => {
        const displayName = fourByteCharacters(512);
        const externalId = fourByteCharacters(512);
        const id = created(await scim.post('/Groups', { displayName, externalId }));
        const found = await scim.get(
          `/Groups?excludedAttributes=members&${q(`displayName eq "${displayName}"`)}`,
        );
        assert.deepEqual(
          (found.body.Resources ?? []).map((group) => group.id),
          [id],
        );
      });
    });
  });

  describe(`a value stored before the limits, and a later PATCH of something else, on ${engine}`, () => {
    let roster: TestRoster;
    let scim: ReturnType<typeof scimClient>;
    before(async () => {
      roster = await startTestRoster(engine);
      scim = (await connectScimWithCli(roster.env)).scim;
    });
    after(() => roster.close());

    // As an earlier release stored them: over the limit, under PostgreSQL's index limit.
    const overLimit = () => randomBytes(750).toString('base64');

    test('Entra can still deactivate a user whose stored externalId is over the limit', async () => {
      const created = await scim.post('/Users', entraUser('stored-long'));
      assert.equal(created.status, 201);
      const id = String(created.body.id);
      const { db } = roster.runtime.store;
      const row = await db
        .selectFrom('directory_users')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      const long = overLimit();
      const attributes = { ...(JSON.parse(row.attributes) as Record<string, unknown>), externalId: long };
      await db
        .updateTable('directory_users')
        .set({ attributes: JSON.stringify(attributes), external_id: long })
        .where('id', '=', id)
        .execute();
      const patched = await scim.patch(
        `/Users/${id}`,
        patchOp({ op: 'Replace', path: 'active', value: 'False' }),
      );
      assert.equal(patched.status, 200, JSON.stringify(patched.body));
      assert.equal(patched.body.active, false);
    });

    test('Entra can still change the members of a group whose stored displayName is over the limit', async () => {
      const user = await scim.post('/Users', entraUser('member-of-long'));
      const group = await scim.post('/Groups', {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
        displayName: 'Stored long',
        externalId: 'stored-long-group',
      });
      assert.equal(group.status, 201);
      const id = String(group.body.id);
      const { db } = roster.runtime.store;
      const row = await db
        .selectFrom('directory_groups')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      const long = overLimit();
      const attributes = { ...(JSON.parse(row.attributes) as Record<string, unknown>), displayName: long };
      await db
        .updateTable('directory_groups')
        .set({
          attributes: JSON.stringify(attributes),
          display_name: long,
          display_name_key: long.toLowerCase(),
        })
        .where('id', '=', id)
        .execute();
      const patched = await scim.patch(
        `/Groups/${id}`,
        patchOp({ op: 'Add', path: 'members', value: [{ value: String(user.body.id) }] }),
      );
      assert.equal(patched.status, 204, JSON.stringify(patched.body));
    });
  });
}
