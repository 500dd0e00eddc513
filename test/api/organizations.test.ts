import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { engines } from '../support/engines.js';
import { startTestRoster, type TestRoster } from '../support/roster.js';
import { operatorKey, type ApiClient } from './support/api-client.js';
import { loadConformance } from './support/openapi-conformance.js';

interface Problem {
  type: string;
  detail: string;
  field?: string;
}

for (const engine of engines) {
  describe(`REST API organizations on ${engine}`, () => {
    let roster: TestRoster;
    let operator: ApiClient;

    before(async () => {
      roster = await startTestRoster(engine);
      operator = await operatorKey(roster, (await loadConformance(roster.url)).check);
    });
    after(() => roster.close());

    test('refuses a slug shaped like a UUID, which {org} would read as an id', async () => {
      const first = await operator.post<{ id: string }>('/organizations', { slug: 'acme', name: 'Acme' });
      assert.equal(first.status, 201);
      for (const slug of [first.body.id, randomUUID(), '00000000-0000-0000-0000-000000000000']) {
        const refused = await operator.post<Problem>('/organizations', { slug, name: 'Shadow' });
        assert.equal(refused.status, 400, slug);
        assert.equal(refused.body.type, 'urn:roster:problem:invalid-input');
        assert.equal(refused.body.field, 'slug');
        assert.match(refused.body.detail, /slug must not have the shape of a UUID/);
      }
      const byId = await operator.get<{ slug: string }>(`/organizations/${first.body.id}`);
      assert.equal(byId.body.slug, 'acme');
    });

    test('still takes slugs that merely contain hex and dashes', async () => {
      for (const slug of ['deadbeef-0000', 'a1b2c3d4-e5f6-a7b8-c9d0-e1f2a3b4c5d6x']) {
        const created = await operator.post<{ slug: string }>('/organizations', { slug, name: slug });
        assert.equal(created.status, 201, slug);
      }
    });
  });
}
