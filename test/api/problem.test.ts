import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { engines } from '../support/engines.js';
import { startTestRoster, type TestRoster } from '../support/roster.js';
import { organizationWithKey } from './support/api-client.js';
import { loadConformance } from './support/openapi-conformance.js';

interface Problem {
  type: string;
  errors: { pointer: string; detail: string }[];
}

for (const engine of engines) {
  describe(`REST API problem details for invalid input on ${engine}`, () => {
    let roster: TestRoster;
    let acme: Awaited<ReturnType<typeof organizationWithKey>>;

    before(async () => {
      roster = await startTestRoster(engine);
      acme = await organizationWithKey(roster, 'acme', 'admin', (await loadConformance(roster.url)).check);
    });
    after(() => roster.close());

    test('points an unknown body member at the member itself', async () => {
      const refused = await acme.api.post<Problem>('/organizations/acme/users', {
        email: 'ada@acme.test',
        givenName: 'Ada',
        familyName: 'Lovelace',
        nmae: 'x',
      });
      assert.equal(refused.status, 400);
      assert.equal(refused.body.type, 'urn:roster:problem:invalid-input');
      assert.deepEqual(refused.body.errors, [{ pointer: '/body/nmae', detail: 'is not a known member' }]);
    });

    test('points an unknown nested member at its path, escaped as a JSON pointer', async () => {
      const refused = await acme.api.patch<Problem>('/organizations/acme', {
        settings: { 'seat/limit~': 3 },
      });
      assert.equal(refused.status, 400);
      assert.deepEqual(refused.body.errors, [
        { pointer: '/body/settings/seat~1limit~0', detail: 'is not a known member' },
      ]);
    });

    test('still points a missing member at the member', async () => {
      const refused = await acme.api.post<Problem>('/organizations/acme/users', {
        email: 'ada@acme.test',
        givenName: 'Ada',
      });
      assert.equal(refused.status, 400);
      assert.equal(refused.body.errors[0]?.pointer, '/body/familyName');
    });

    test('names a bad query value once, with the values it may take', async () => {
      const refused = await acme.api.get<Problem>('/organizations/acme/users?status=bogus');
      assert.equal(refused.status, 400);
      assert.equal(refused.body.type, 'urn:roster:problem:invalid-input');
      assert.deepEqual(refused.body.errors, [
        { pointer: '/querystring/status', detail: 'must be one of: active, inactive, pending' },
      ]);
    });

    test('names a bad body value once, with the values it may take', async () => {
      const refused = await acme.api.post<Problem>('/organizations/acme/users', {
        email: 'ada@acme.test',
        givenName: 'Ada',
        familyName: 'Lovelace',
        status: 'inactive',
      });
      assert.equal(refused.status, 400);
      assert.deepEqual(refused.body.errors, [
        { pointer: '/body/status', detail: 'must be one of: active, pending' },
      ]);
    });

    test('names the types a nullable member takes once', async () => {
      const refused = await acme.api.post<Problem>('/organizations/acme/users', {
        email: 'ada@acme.test',
        givenName: 'Ada',
        familyName: 'Lovelace',
        displayName: 7,
      });
      assert.equal(refused.status, 400);
      assert.deepEqual(refused.body.errors, [
        { pointer: '/body/displayName', detail: 'must be string or null' },
      ]);
    });
  });
}
