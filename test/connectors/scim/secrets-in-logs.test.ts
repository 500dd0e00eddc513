import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { rosterJson } from '../../support/cli.js';
import { startTestRoster, type TestRoster } from '../../support/roster.js';
import { entraUser, scimClient } from '../../support/scim-client.js';

describe('secrets and logs', () => {
  let roster: TestRoster;
  let logs = '';
  before(async () => {
    const sink = new PassThrough();
    sink.on('data', (chunk: Buffer) => (logs += chunk.toString('utf8')));
    roster = await startTestRoster('sqlite', {}, { logTo: sink });
  });
  after(() => roster.close());

  test('no SCIM token appears in the logs, even at trace level and on failures', async () => {
    await rosterJson(['org', 'create', 'acme', '--name', 'Acme'], roster.env);
    const { tenantUrl, token } = await rosterJson<{ tenantUrl: string; token: string }>(
      ['scim', 'connect', 'acme'],
      roster.env,
    );
    const scim = scimClient(tenantUrl, token);
    assert.equal((await scim.post('/Users', entraUser(1))).status, 201);
    assert.equal((await scim.get('/Users?filter=userName%20eq%20%22x%22')).status, 200);
    assert.equal((await scimClient(tenantUrl, `${token}x`).get('/Users')).status, 401);
    assert.equal((await scim.call('POST', '/Users', '{bad json')).status, 400);
    assert.ok(logs.length > 0, 'the server did log');
    assert.ok(!logs.includes(token), 'the token is not in the logs');
    assert.ok(!logs.includes(token.slice(5, 30)), 'no part of the token is in the logs');
  });
});
