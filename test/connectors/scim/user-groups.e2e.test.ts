/**
 * A User's `groups` (RFC 7643 §4.1.2) over HTTP on every engine: readOnly, computed from the
 * memberships written through /Groups. A `groups` array a client sent before it was computed, still
 * held in a stored row, is never answered nor carried into the next write; a PATCH that names it is
 * refused; and a filter on a group's members is answered from the membership rows with exactly the
 * answer the in-memory evaluation gives, paging and sorting included.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { Kysely } from 'kysely';
import { up as scrubScimUserGroups } from '../../../src/store/migrations/0010-scrub-scim-user-groups.js';
import { rosterJson } from '../../support/cli.js';
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

const ids = (res: ScimResponse) => (res.body.Resources ?? []).map((resource) => resource.id);

for (const engine of engines) {
  describe(`a User's groups on ${engine}`, () => {
    let server: TestRoster;
    let scim: ReturnType<typeof scimClient>;
    let nextUser = 0;
    const createUser = async (overrides: Record<string, unknown> = {}) =>
      created(await scim.post('/Users', entraUser(`grp${(nextUser += 1)}`, overrides)));
    const createGroup = async (displayName: string, members: string[] = []) =>
      created(await scim.post('/Groups', { displayName, members: members.map((value) => ({ value })) }));

    before(async () => {
      server = await startTestRoster(engine);
      scim = (await connectScimWithCli(server.env)).scim;
    });
    after(() => server.close());

    describe('groups a client sent before they were computed, still in a stored row', () => {
      const forged = 'forged-group-id';
      /** Writes a stored row as Roster kept it before `groups` was readOnly, in every spelling it took. */
      const storeLegacyGroups = async (id: string) => {
        const { db } = server.runtime.store;
        const row = await db
          .selectFrom('directory_users')
          .select('attributes')
          .where('id', '=', id)
          .executeTakeFirstOrThrow();
        const legacy = [{ value: forged, display: 'Forged' }];
        const attributes = {
          ...(JSON.parse(row.attributes) as Record<string, unknown>),
          Groups: legacy,
          [`${CORE_USER}:groups`]: legacy,
          [CORE_USER]: { groups: legacy },
        };
        await db
          .updateTable('directory_users')
          .set({ attributes: JSON.stringify(attributes) })
          .where('id', '=', id)
          .execute();
      };
      const storedAttributes = async (id: string) => {
        const row = await server.runtime.store.db
          .selectFrom('directory_users')
          .select('attributes')
          .where('id', '=', id)
          .executeTakeFirstOrThrow();
        return row.attributes;
      };

      test('are answered by no GET, list, PATCH or PUT, which carry the real memberships only', async () => {
        const id = await createUser();
        const group = await createGroup(`Real ${randomUUID()}`, [id]);
        await storeLegacyGroups(id);
        const answers = [
          await scim.get(`/Users/${id}`),
          await scim.get(`/Users?${q(`id eq "${id}"`)}`),
          await scim.get(`/Users?${q(`groups.value eq "${group}"`)}`),
          await scim.get(`/Users?attributes=groups,${encodeURIComponent(`${CORE_USER}:groups`)}`),
          await scim.patch(`/Users/${id}`, patchOp({ op: 'replace', path: 'title', value: 'After' })),
        ];
        for (const res of answers) {
          assert.equal(res.status, 200, JSON.stringify(res.body));
          assert.ok(!JSON.stringify(res.body).includes(forged), `answered: ${JSON.stringify(res.body)}`);
        }
        const read = answers[0]?.body ?? {};
        assert.deepEqual(read.schemas, [CORE_USER]);
        assert.deepEqual(
          (read.groups as Record<string, unknown>[]).map((entry) => entry.value),
          [group],
        );
        assert.equal((await scim.get(`/Users?${q(`groups.value eq "${forged}"`)}`)).body.totalResults, 0);
        assert.ok(!(await storedAttributes(id)).includes(forged), 'the PATCH wrote the row without them');
      });

      test('go neither into the audit entry of the next write nor into the row it stores', async () => {
        const id = await createUser();
        await storeLegacyGroups(id);
        const put = await scim.put(`/Users/${id}`, entraUser(`grp-put${nextUser}`));
        assert.equal(put.status, 200, JSON.stringify(put.body));
        assert.ok(!JSON.stringify(put.body).includes(forged));
        assert.ok(!(await storedAttributes(id)).includes(forged));
        await storeLegacyGroups(id);
        assert.equal((await scim.delete(`/Users/${id}`)).status, 204);
        const audits = await server.runtime.store.db
          .selectFrom('audit_entries')
          .select(['action', 'before', 'after'])
          .where('target_id', '=', id)
          .execute();
        assert.deepEqual(audits.map((entry) => entry.action).sort(), [
          'scim.user.created',
          'scim.user.deleted',
          'scim.user.replaced',
        ]);
        assert.ok(!JSON.stringify(audits).includes(forged), JSON.stringify(audits));
      });
    });

    test('after migration 0010, the REST API shows them in neither the sources nor the history of the user', async () => {
      const forged = 'forged-before-0010';
      const id = await createUser();
      const { db } = server.runtime.store;
      const row = await db
        .selectFrom('directory_users')
        .select(['attributes', 'user_id'])
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      const legacy: Record<string, unknown> = {
        ...(JSON.parse(row.attributes) as Record<string, unknown>),
        groups: [{ value: forged }],
      };
      await db
        .updateTable('directory_users')
        .set({ attributes: JSON.stringify(legacy) })
        .where('id', '=', id)
        .execute();
      await db
        .updateTable('audit_entries')
        .set({ after: JSON.stringify(legacy) })
        .where('target_id', '=', id)
        .execute();
      const policy = await db
        .selectFrom('directory_user_policy')
        .select('source')
        .where('directory_user_id', '=', id)
        .executeTakeFirstOrThrow();
      const source = JSON.parse(policy.source) as { attributes: Record<string, unknown> };
      source.attributes['groups.first'] = forged;
      await db
        .updateTable('directory_user_policy')
        .set({ source: JSON.stringify(source) })
        .where('directory_user_id', '=', id)
        .execute();

      await scrubScimUserGroups(db as unknown as Kysely<unknown>);

      const { key } = await rosterJson<{ key: string }>(['apikey', 'create', 'acme'], server.env);
      const res = await fetch(`${server.url}/api/v1/organizations/acme/users/${row.user_id ?? ''}`, {
        headers: { authorization: `Bearer ${key}` },
      });
      const body = (await res.json()) as { sources: { id: string; attributes: Record<string, unknown> }[] };
      assert.equal(res.status, 200, JSON.stringify(body));
      assert.deepEqual(
        body.sources.map((entry) => entry.id),
        [id],
      );
      assert.equal(body.sources[0]?.attributes.userName, legacy.userName);
      assert.ok(!JSON.stringify(body).includes(forged), JSON.stringify(body));
      const stored = await db
        .selectFrom('directory_user_policy')
        .select('source')
        .where('directory_user_id', '=', id)
        .executeTakeFirstOrThrow();
      assert.ok(!stored.source.includes(forged), stored.source);
    });

    describe('RFC 7644 §3.5.2: a PATCH cannot write groups', () => {
      test('any operation whose path names groups is 400 mutability and changes nothing', async () => {
        const id = await createUser();
        const group = await createGroup(`Kept ${randomUUID()}`, [id]);
        const before = await scim.get(`/Users/${id}`);
        for (const operation of [
          { op: 'add', path: 'groups', value: [{ value: group }] },
          { op: 'Replace', path: 'groups', value: [] },
          { op: 'remove', path: 'groups' },
          { op: 'remove', path: `groups[value eq "${group}"]` },
          { op: 'replace', path: 'groups.display', value: 'Renamed' },
          { op: 'add', path: `${CORE_USER}:groups`, value: [{ value: group }] },
          { op: 'replace', value: { groups: [{ value: group }], title: 'not applied' } },
          { op: 'replace', value: { [CORE_USER]: { groups: [] } } },
        ]) {
          const res = await scim.patch(`/Users/${id}`, patchOp(operation));
          assert.equal(res.status, 400, `${JSON.stringify(operation)}: ${JSON.stringify(res.body)}`);
          assert.equal(res.body.scimType, 'mutability', JSON.stringify(operation));
          assert.match(String(res.body.detail), /groups.*readOnly/, JSON.stringify(operation));
        }
        const afterwards = await scim.get(`/Users/${id}`);
        assert.deepEqual(afterwards.body, before.body);
        const members = await scim.get(`/Groups/${group}`);
        assert.deepEqual(
          (members.body.members as Record<string, unknown>[]).map((member) => member.value),
          [id],
        );
      });

      test('groups in a POST or PUT body, plain or inside the core schema URN, is ignored', async () => {
        const bogus = [{ value: 'not-a-group' }];
        const posted = await scim.post(
          '/Users',
          entraUser(`grp${(nextUser += 1)}`, { [CORE_USER]: { groups: bogus } }),
        );
        const id = created(posted);
        assert.equal(posted.body.groups, undefined);
        const put = await scim.put(
          `/Users/${id}`,
          entraUser(`grp${(nextUser += 1)}`, { GROUPS: bogus, [`${CORE_USER}:groups`]: bogus }),
        );
        assert.equal(put.status, 200, JSON.stringify(put.body));
        assert.equal(put.body.groups, undefined);
        const row = await server.runtime.store.db
          .selectFrom('directory_users')
          .select('attributes')
          .where('id', '=', id)
          .executeTakeFirstOrThrow();
        assert.ok(!row.attributes.includes('not-a-group'), row.attributes);
      });
    });

    describe("filters on a group's members", () => {
      const tag = randomUUID().slice(0, 8);
      let sales: string;
      let support: string;
      let members: string[];
      let both: string[];
      before(async () => {
        // Members created between other users, so the group's member order is not the list's order.
        const users: { id: string; title: string }[] = [];
        for (let index = 0; index < 14; index += 1) {
          const title = `${['Clerk', 'Agent', 'Lead'][index % 3]} ${tag}`;
          users.push({ id: await createUser({ title, displayName: `${tag} ${13 - index}` }), title });
        }
        members = users.filter((_, index) => index % 2 === 0).map((user) => user.id);
        both = members.filter((_, index) => index % 3 === 0);
        const nested = await createGroup(`Nested ${tag}`, [users[1]?.id ?? '']);
        sales = await createGroup(`Sales ${tag}`, [...[...members].reverse(), nested]);
        support = await createGroup(`Support ${tag}`, [...both, users[3]?.id ?? '']);
      });

      test('groups[value eq], groups.value eq and groups eq find exactly the direct user members', async () => {
        for (const filter of [
          `groups[value eq "${sales}"]`,
          `groups.value eq "${sales}"`,
          `groups eq "${sales}"`,
          `${CORE_USER}:groups.value eq "${sales}"`,
          `GROUPS[VALUE eq "${sales}"]`,
        ]) {
          const res = await scim.get(`/Users?${q(filter)}`);
          assert.equal(res.status, 200, `${filter}: ${JSON.stringify(res.body)}`);
          assert.deepEqual(ids(res), members, filter);
          assert.equal(res.body.totalResults, members.length, filter);
        }
        const intersection = await scim.get(
          `/Users?${q(`groups[value eq "${sales}"] and groups.value eq "${support}"`)}`,
        );
        assert.deepEqual(ids(intersection), both);
        for (const filter of [
          `groups.value eq "${sales.toUpperCase()}"`,
          `groups.value eq "${randomUUID()}"`,
        ]) {
          const res = await scim.get(`/Users?${q(filter)}`);
          assert.equal(res.status, 200);
          assert.equal(res.body.totalResults, 0, filter);
        }
      });

      test('answer exactly as the same filter evaluated in memory, with paging and sorting', async () => {
        /** The same filter in a shape no index can answer (an `or` of itself). */
        const inMemory = (filter: string) => `(${filter}) or (${filter})`;
        const filters = [
          `groups[value eq "${sales}"]`,
          `groups.value eq "${sales}"`,
          `groups eq "${support}"`,
          `groups[value eq "${sales}"] and title eq "agent ${tag}"`,
          `groups.value eq "${support}" and groups[value eq "${sales}"]`,
          `title sw "Lead" and groups[value eq "${sales}"] and displayName pr`,
        ];
        const pages = [
          '',
          'count=3',
          'startIndex=3&count=2',
          'startIndex=7&count=3',
          'startIndex=100&count=5',
          'count=0',
          'sortBy=displayName',
          'sortBy=title&sortOrder=descending&startIndex=2&count=3',
          'sortBy=userName&sortOrder=descending&excludedAttributes=groups',
        ];
        for (const filter of filters) {
          for (const page of pages) {
            const fast = await scim.get(`/Users?${q(filter)}&${page}`);
            const slow = await scim.get(`/Users?${q(inMemory(filter))}&${page}`);
            assert.equal(fast.status, 200, `${filter} ${page}: ${JSON.stringify(fast.body)}`);
            assert.equal(slow.status, 200, `${inMemory(filter)} ${page}: ${JSON.stringify(slow.body)}`);
            assert.deepEqual(fast.body, slow.body, `${filter} ${page}`);
          }
        }
        const paged = await scim.get(`/Users?${q(filters[0] ?? '')}&startIndex=3&count=2`);
        assert.deepEqual(ids(paged), members.slice(2, 4));
        assert.equal(paged.body.totalResults, members.length);
        assert.equal(paged.body.startIndex, 3);
        assert.equal(paged.body.itemsPerPage, 2);
      });
    });
  });
}
