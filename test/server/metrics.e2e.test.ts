import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { loadConfig } from '../../src/config.js';
import { rosterJson } from '../support/cli.js';
import { engines } from '../support/engines.js';
import { startTestRoster, type TestRoster } from '../support/roster.js';
import { entraUser, scimClient } from '../support/scim-client.js';

/** The value of one sample line (`name{labels} value`) in a Prometheus text answer, if present. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

for (const engine of engines) {
  describe(`Prometheus metrics on ${engine}`, () => {
    let roster: TestRoster;
    let connection: { connectionId: string; tenantUrl: string; token: string };

    before(async () => {
      roster = await startTestRoster(engine);
      await rosterJson(['org', 'create', 'acme', '--name', 'Acme Corp'], roster.env);
      connection = await rosterJson(['scim', 'connect', 'acme'], roster.env);
    });
    after(() => roster.close());

    test('count requests by route pattern and status, commits and outbox backlogs, without ids', async () => {
      const scim = scimClient(connection.tenantUrl, connection.token);
      assert.equal((await scim.post('/Users', entraUser(1))).status, 201);
      assert.equal((await scim.post('/Users', entraUser(2))).status, 201);
      assert.equal((await scimClient(connection.tenantUrl, 'wrong').get('/Users')).status, 401);

      const response = await fetch(`${roster.url}/metrics`);
      assert.equal(response.status, 200);
      assert.match(response.headers.get('content-type') ?? '', /^text\/plain/);
      const text = await response.text();
      const route = '/scim/v2/:connectionId/Users';
      assert.equal(
        sample(
          text,
          `roster_http_request_duration_seconds_count{method="POST",route="${route}",status_code="201"}`,
        ),
        2,
      );
      assert.equal(
        sample(
          text,
          `roster_http_request_duration_seconds_count{method="GET",route="${route}",status_code="401"}`,
        ),
        1,
      );
      assert.ok(!text.includes(connection.connectionId), 'no connection id in any label');
      const transactions = sample(text, 'roster_store_transactions_total') ?? 0;
      const commits = sample(text, 'roster_store_commits_total') ?? 0;
      assert.ok(transactions >= 2, `transactions: ${transactions}`);
      assert.ok(commits >= 1 && commits <= transactions, `commits: ${commits}`);
      assert.equal(sample(text, 'roster_webhook_deliveries{status="pending"}'), 0);
      assert.equal(sample(text, 'roster_enrollment_emails{status="failed"}'), 0);
      assert.equal(sample(text, 'roster_sync_runs{status="running"}'), 0);
      assert.ok((sample(text, 'roster_process_resident_memory_bytes') ?? 0) > 0);
    });
  });
}

describe('Prometheus metrics settings', () => {
  test('ROSTER_METRICS_TOKEN makes a scrape present it as a bearer token', async () => {
    const token = 'scrape-token-0123456789';
    const roster = await startTestRoster('sqlite', { ROSTER_METRICS_TOKEN: token });
    try {
      const anonymous = await fetch(`${roster.url}/metrics`);
      assert.equal(anonymous.status, 401);
      assert.match(anonymous.headers.get('www-authenticate') ?? '', /^Bearer/);
      const wrong = await fetch(`${roster.url}/metrics`, { headers: { authorization: 'Bearer nope' } });
      assert.equal(wrong.status, 401);
      const scraped = await fetch(`${roster.url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(scraped.status, 200);
      assert.match(await scraped.text(), /roster_http_request_duration_seconds/);
    } finally {
      await roster.close();
    }
  });

  test('ROSTER_METRICS=off removes the endpoint: a scrape gets 404, not the portal page', async () => {
    const roster = await startTestRoster('sqlite', { ROSTER_METRICS: 'off' });
    try {
      for (const accept of ['*/*', 'text/html', 'text/plain;version=0.0.4']) {
        const response = await fetch(`${roster.url}/metrics`, { headers: { accept } });
        assert.equal(response.status, 404, accept);
        assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
        assert.deepEqual(await response.json(), {
          error: 'not_found',
          message: 'GET /metrics was not found',
        });
      }
      const portal = await fetch(`${roster.url}/users`, { headers: { accept: 'text/html' } });
      assert.match(
        portal.headers.get('content-type') ?? '',
        /^text\/html/,
        'portal paths still get the page',
      );
    } finally {
      await roster.close();
    }
  });

  test('bad values stop start-up naming the setting', () => {
    assert.throws(() => loadConfig({ ROSTER_METRICS: 'yes' }), /ROSTER_METRICS must be one of on, off/);
    assert.throws(
      () => loadConfig({ ROSTER_METRICS_TOKEN: 'short' }),
      /ROSTER_METRICS_TOKEN must be at least 16/,
    );
  });
});
