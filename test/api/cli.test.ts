import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { roster as runRoster, rosterJson } from '../support/cli.js';
import { engines } from '../support/engines.js';
import { startTestRoster, type TestRoster } from '../support/roster.js';
import { apiClient } from './support/api-client.js';

for (const engine of engines) {
  describe(`roster apikey and roster events on ${engine}`, () => {
    let roster: TestRoster;

    before(async () => {
      roster = await startTestRoster(engine);
    });
    after(() => roster.close());

    test('an operator key from the CLI creates an organization through the API', async () => {
      const created = await rosterJson<{ key: string; organizationId: string | null }>(
        ['apikey', 'create', '--operator', '--name', 'bootstrap'],
        roster.env,
      );
      assert.equal(created.organizationId, null);
      const operator = apiClient(roster.url, created.key);
      const org = await operator.post<{ slug: string }>('/organizations', { slug: 'acme', name: 'Acme' });
      assert.equal(org.status, 201);
    });

    test('an organization key is shown once and listed without the secret', async () => {
      const created = await rosterJson<{ id: string; key: string }>(['apikey', 'create', 'acme'], roster.env);
      assert.match(created.key, /^rk_/);
      const listed = await rosterJson<Record<string, unknown>[]>(['apikey', 'list', 'acme'], roster.env);
      assert.deepEqual(
        listed.map((key) => key.id),
        [created.id],
      );
      assert.ok(listed.every((key) => key.key === undefined));
      const api = apiClient(roster.url, created.key);
      await api.post('/organizations/acme/users', {
        email: 'ada@acme.test',
        givenName: 'Ada',
        familyName: 'L',
      });
      const page = await rosterJson<{ data: { seq: number; type: string }[]; nextCursor: string }>(
        ['events', 'acme', '--after', '0'],
        roster.env,
      );
      assert.deepEqual(
        page.data.map((event) => event.type),
        ['user.created'],
      );
      assert.equal(page.nextCursor, '1');
    });

    test('refuses an organization slug shaped like a UUID, as the API does', async () => {
      const result = await runRoster(
        ['org', 'create', '3f2504e0-4f89-41d3-9a0c-0305e82c3301', '--name', 'Shadow'],
        roster.env,
      );
      assert.notEqual(result.code, 0);
      assert.match(result.stderr, /slug must not have the shape of a UUID/);
    });

    test('refuses an events cursor past the last event', async () => {
      const result = await runRoster(['events', 'acme', '--after', '500'], roster.env);
      assert.notEqual(result.code, 0);
      assert.match(result.stderr, /after=500 is past the last event/);
    });

    test('refuses both an organization and --operator', async () => {
      const result = await runRoster(['apikey', 'create', 'acme', '--operator'], roster.env);
      assert.notEqual(result.code, 0);
      assert.match(result.stderr, /either an organization or --operator/);
    });
  });
}
