import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { startTestRoster, type TestRoster } from '../support/roster.js';

describe('sign-in URLs in the logs', () => {
  let roster: TestRoster;
  let logs = '';
  before(async () => {
    const sink = new PassThrough();
    sink.on('data', (chunk: Buffer) => (logs += chunk.toString('utf8')));
    roster = await startTestRoster('sqlite', {}, { logTo: sink });
  });
  after(() => roster.close());

  test("an OAuth code in the callback's query is not logged; other queries are", async () => {
    const code = 'code-that-must-not-be-logged-0123456789';
    await fetch(`${roster.url}/auth/callback?code=${code}&state=s1`, { redirect: 'manual' });
    await fetch(`${roster.url}/api/v1/organizations?limit=7`);
    assert.match(logs, /"url":"\/auth\/callback\?\[redacted\]"/);
    assert.ok(!logs.includes(code), 'the code is not in the logs');
    assert.match(logs, /"url":"\/api\/v1\/organizations\?limit=7"/, 'other queries stay for debugging');
  });
});
