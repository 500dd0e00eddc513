import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestRoster, type TestRoster } from '../support/roster.js';
import { operatorKey, organizationWithKey } from './support/api-client.js';

/**
 * Roster sends credentials to a connection's hosts and reports their answers; an organization
 * admin must not aim that at the operator's own network. The engine does not matter here.
 */
describe('hosts other than Microsoft clouds', () => {
  let roster: TestRoster;
  before(async () => (roster = await startTestRoster('sqlite', { ROSTER_ALLOW_HOST_OVERRIDES: 'off' })));
  after(() => roster.close());

  const graph = (overrides: Record<string, string>) => ({
    tenantId: '11111111-2222-3333-4444-555555555555',
    clientId: '66666666-7777-8888-9999-000000000000',
    clientSecret: 'secret',
    interval: 'off',
    ...overrides,
  });

  test('an organization key may not set them; a cloud is fine', async () => {
    const acme = await organizationWithKey(roster, 'acme');
    for (const field of ['loginUrl', 'graphUrl']) {
      const refused = await acme.api.post<{ type: string; field?: string; detail: string }>(
        '/organizations/acme/connections/graph',
        graph({ [field]: 'http://127.0.0.1:1/internal' }),
      );
      assert.equal(refused.status, 400);
      assert.equal(refused.body.type, 'urn:roster:problem:invalid-input');
      assert.equal(refused.body.field, field);
      assert.match(refused.body.detail, /ROSTER_ALLOW_HOST_OVERRIDES/);
    }
    const usgov = await acme.api.post('/organizations/acme/connections/graph', graph({ cloud: 'usgov' }));
    assert.equal(usgov.status, 201);
  });

  test('the operator may', async () => {
    await organizationWithKey(roster, 'beta');
    const operator = await operatorKey(roster);
    const created = await operator.post<{ loginUrl: string }>(
      '/organizations/beta/connections/graph',
      graph({ loginUrl: 'http://127.0.0.1:9/', graphUrl: 'http://127.0.0.1:9/' }),
    );
    assert.equal(created.status, 201);
    assert.equal(created.body.loginUrl, 'http://127.0.0.1:9');
  });
});
