import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createScimConnection } from '../../src/connectors/scim/scim-connections.js';
import { organizationWithKey } from '../api/support/api-client.js';
import { engines } from '../support/engines.js';
import { startTestRoster, type TestRoster } from '../support/roster.js';
import { entraUser, scimClient } from '../support/scim-client.js';

/**
 * U+0000 is valid JSON and a valid URL escape, but PostgreSQL cannot hold it in text: a value with
 * one must get the protocol's 400 on both engines, never PostgreSQL's error as a 500.
 */
for (const engine of engines) {
  describe(`NUL characters in requests on ${engine}`, () => {
    let roster: TestRoster;
    before(async () => {
      roster = await startTestRoster(engine);
    });
    after(() => roster.close());

    test('SCIM filters and bodies, and the REST API, answer 400 in their own format', async () => {
      const { api } = await organizationWithKey(roster, 'nul');
      const { tenantUrl, token } = await createScimConnection(roster.runtime, 'nul', {
        type: 'cli',
        id: null,
      });
      const scim = scimClient(tenantUrl, token);

      const filtered = await scim.get(`/Users?filter=${encodeURIComponent('userName eq "\\u0000"')}`);
      assert.equal(filtered.status, 400, JSON.stringify(filtered.body));
      assert.equal((filtered.body as { scimType?: string }).scimType, 'invalidFilter');

      const posted = await scim.post('/Users', entraUser(1, { userName: 'nul\u0000@example.test' }));
      assert.equal(posted.status, 400, JSON.stringify(posted.body));
      assert.deepEqual((posted.body as { schemas: string[] }).schemas, [
        'urn:ietf:params:scim:api:messages:2.0:Error',
      ]);
      for (const url of [`${tenantUrl}/Users/%00`, `${roster.url}/scim/v2/%00/Users`]) {
        const answer = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
        assert.ok([400, 401, 404].includes(answer.status), `${url}: ${answer.status}`);
        assert.match(answer.headers.get('content-type') ?? '', /application\/scim\+json/);
      }
      const signIn = await fetch(`${roster.url}/auth/sign-in?org=%00`, { redirect: 'manual' });
      assert.ok(signIn.status < 500, `sign-in: ${signIn.status}`);
      // An escaped backslash followed by "u0000" is text, not a NUL.
      const literal = await scim.post('/Users', entraUser(2, { displayName: 'back\\u0000slash' }));
      assert.equal(literal.status, 201, JSON.stringify(literal.body));

      const created = await api.post('/organizations/nul/users', {
        email: 'n\u0000l@example.test',
        givenName: 'N',
        familyName: 'L',
      });
      assert.equal(created.status, 400, JSON.stringify(created.body));
      assert.match(created.contentType, /application\/problem\+json/);

      for (const path of [
        `/organizations/nul/users?search=${encodeURIComponent('a\u0000b')}`,
        '/organizations/nu%00l/users',
        '/organizations/nul/users/%00',
      ]) {
        const answer = await api.get(path);
        assert.equal(answer.status, 400, `${path}: ${JSON.stringify(answer.body)}`);
        assert.match(answer.contentType, /application\/problem\+json/);
      }
    });
  });
}
