import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { GroupView, UserView } from '../../src/domain/views.js';
import { engines } from '../support/engines.js';
import { startTestRoster, type TestRoster } from '../support/roster.js';
import { scimClient } from '../support/scim-client.js';
import { organizationWithKey } from './support/api-client.js';
import { loadConformance } from './support/openapi-conformance.js';

interface Page<T> {
  data: T[];
  nextCursor: string | null;
}
interface DirectoryGroupHit {
  id: string;
  displayName: string;
  description: string | null;
}

/** The same searches answer the same on SQLite and PostgreSQL, whatever the case of the letters. */
for (const engine of engines) {
  describe(`REST API searches on ${engine}`, () => {
    let roster: TestRoster;
    let acme: Awaited<ReturnType<typeof organizationWithKey>>;

    before(async () => {
      roster = await startTestRoster(engine);
      acme = await organizationWithKey(roster, 'acme', 'admin', (await loadConformance(roster.url)).check);
    });
    after(() => roster.close());

    describe('users?search=', () => {
      before(async () => {
        const people = [
          { email: 'anders@acme.test', givenName: 'Anders', familyName: 'Ångström' },
          { email: 'elodie@acme.test', givenName: 'Elodie', familyName: 'D', displayName: 'ÉLODIE DURAND' },
          { email: 'snake_case@acme.test', givenName: 'Sam', familyName: 'Snake' },
          { email: 'snakescase@acme.test', givenName: 'Sid', familyName: 'Snake' },
          { email: 'odysseas@acme.test', givenName: 'ΟΔΥΣΣΕΑΣ', familyName: 'Παππάς' },
          { email: 'ilker@acme.test', givenName: 'İlker', familyName: 'Yılmaz' },
        ];
        for (const person of people)
          assert.equal((await acme.api.post('/organizations/acme/users', person)).status, 201);
      });

      const emailsFound = async (search: string) => {
        const listed = await acme.api.get<Page<UserView>>(
          `/organizations/acme/users?search=${encodeURIComponent(search)}`,
        );
        assert.equal(listed.status, 200);
        return listed.body.data.map((user) => user.email).sort();
      };

      test('finds a name with non-ASCII letters in any case', async () => {
        for (const search of ['Ångström', 'ångström', 'ÅNGSTRÖM', 'anders ång'])
          assert.deepEqual(await emailsFound(search), ['anders@acme.test'], search);
        for (const search of ['élodie', 'Élodie Durand', 'éLoDiE'])
          assert.deepEqual(await emailsFound(search), ['elodie@acme.test'], search);
      });

      test('finds a name searched exactly as displayed, also where JavaScript and the database lower-case apart', async () => {
        // A final Σ lowers to ς at the end of a word only; İ lowers to i plus a dot in JavaScript.
        for (const search of ['ΟΔΥΣΣΕΑΣ', 'ΟΔΥΣ', 'οδυσσεας', 'ΟΔΥΣΣΕΑΣ Παππάς'])
          assert.deepEqual(await emailsFound(search), ['odysseas@acme.test'], search);
        for (const search of ['İlker', 'İlker Yılmaz'])
          assert.deepEqual(await emailsFound(search), ['ilker@acme.test'], search);
      });

      test('still finds an email in any case', async () => {
        assert.deepEqual(await emailsFound('ANDERS@ACME'), ['anders@acme.test']);
      });

      test('takes _ and % in the search as themselves', async () => {
        assert.deepEqual(await emailsFound('snake_case'), ['snake_case@acme.test']);
        assert.deepEqual(await emailsFound('E_C'), ['snake_case@acme.test']);
        assert.deepEqual(await emailsFound('%'), []);
      });
    });

    describe('groups?search=', () => {
      before(async () => {
        for (const displayName of [
          'Works Committee',
          'Committee_2026',
          'Committee 2025',
          'Comité d’Éthique',
          '100% Club',
          '1000 Club',
          'ΟΔΟΣΤΡΩΤΗΡΕΣ',
          'İstanbul Office',
        ])
          assert.equal((await acme.api.post('/organizations/acme/groups', { displayName })).status, 201);
      });

      const namesFound = async (search: string) => {
        const listed = await acme.api.get<Page<GroupView>>(
          `/organizations/acme/groups?search=${encodeURIComponent(search)}`,
        );
        assert.equal(listed.status, 200);
        return listed.body.data.map((group) => group.displayName).sort();
      };

      test('finds a group whatever the case of the search', async () => {
        const committees = ['Committee 2025', 'Committee_2026', 'Works Committee'];
        for (const search of ['committee', 'Committee', 'COMMITTEE'])
          assert.deepEqual(await namesFound(search), committees, search);
        for (const search of ['comité', 'COMITÉ', 'd’éthique'])
          assert.deepEqual(await namesFound(search), ['Comité d’Éthique'], search);
      });

      test('finds a name searched exactly as displayed, or a word of it', async () => {
        for (const search of ['ΟΔΟΣ', 'ΟΔΟΣΤΡΩΤΗΡΕΣ', 'οδοστρωτηρες'])
          assert.deepEqual(await namesFound(search), ['ΟΔΟΣΤΡΩΤΗΡΕΣ'], search);
        for (const search of ['İstanbul', 'İstanbul Office'])
          assert.deepEqual(await namesFound(search), ['İstanbul Office'], search);
      });

      test('takes _ and % in the search as themselves', async () => {
        assert.deepEqual(await namesFound('e_2'), ['Committee_2026']);
        assert.deepEqual(await namesFound('100%'), ['100% Club']);
      });
    });

    describe('connections/{id}/directory-groups?ids=', () => {
      const entraObjectId = '5e0c2a6e-7b0e-4c41-9d39-1f7c2b0f5a11';
      let groups: string;
      let scimId: string;
      let otherScimId: string;

      before(async () => {
        const connected = await acme.api.post<{
          connection: { id: string };
          tenantUrl: string;
          token: string;
        }>('/organizations/acme/connections/scim', {});
        assert.equal(connected.status, 201);
        groups = `/organizations/acme/connections/${connected.body.connection.id}/directory-groups`;
        const scim = scimClient(connected.body.tenantUrl, connected.body.token);
        const pushed = await scim.post('/Groups', {
          schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
          externalId: entraObjectId,
          displayName: 'Roster Admins',
        });
        assert.equal(pushed.status, 201);
        scimId = String(pushed.body.id);
        const other = await scim.post('/Groups', {
          schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
          displayName: 'Roster Readers',
        });
        assert.equal(other.status, 201);
        otherScimId = String(other.body.id);
      });

      const found = async (ids: string[]) => {
        const answer = await acme.api.get<{ data: DirectoryGroupHit[] }>(`${groups}?ids=${ids.join(',')}`);
        assert.equal(answer.status, 200);
        return answer.body.data.map((hit) => [hit.id, hit.displayName]).sort();
      };

      test('names a SCIM group a policy names by its Entra object id, under that id', async () => {
        assert.deepEqual(await found([entraObjectId]), [[entraObjectId, 'Roster Admins']]);
      });

      test('names groups by SCIM id and Entra object id alike, leaving out ids not stored', async () => {
        const unknown = '00000000-0000-4000-8000-000000000000';
        assert.deepEqual(
          await found([scimId, entraObjectId, otherScimId, unknown]),
          [
            [entraObjectId, 'Roster Admins'],
            [otherScimId, 'Roster Readers'],
            [scimId, 'Roster Admins'],
          ].sort(),
        );
      });
    });
  });
}
