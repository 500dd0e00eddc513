import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { engines } from '../support/engines.js';
import { startTestRoster, type TestRoster } from '../support/roster.js';
import { organizationWithKey } from './support/api-client.js';
import { loadConformance } from './support/openapi-conformance.js';

for (const engine of engines) {
  describe(`REST API sync runs on ${engine}`, () => {
    let roster: TestRoster;
    let acme: Awaited<ReturnType<typeof organizationWithKey>>;
    let runs: string;

    before(async () => {
      roster = await startTestRoster(engine);
      acme = await organizationWithKey(roster, 'acme', 'admin', (await loadConformance(roster.url)).check);
      const connected = await acme.api.post<{ connection: { id: string } }>(
        '/organizations/acme/connections/scim',
        {},
      );
      runs = `/organizations/acme/connections/${connected.body.connection.id}/runs`;
    });
    after(() => roster.close());

    test('refuses a before that is not a createdAt timestamp', async () => {
      for (const before of ['garbage', '2024-13-01T00:00:00Z', '2024-01-01', '2024-01-01T23:59:60Z']) {
        const refused = await acme.api.get<{ type: string }>(`${runs}?before=${encodeURIComponent(before)}`);
        assert.equal(refused.status, 400, before);
        assert.equal(refused.body.type, 'urn:roster:problem:invalid-input');
      }
    });

    test('takes the createdAt of a run, in any offset', async () => {
      for (const before of [new Date().toISOString(), '2030-01-01T02:00:00+02:00']) {
        const listed = await acme.api.get<{ data: unknown[] }>(
          `${runs}?before=${encodeURIComponent(before)}`,
        );
        assert.equal(listed.status, 200, before);
      }
    });
  });
}
