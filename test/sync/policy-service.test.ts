import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { listAudit } from '../../src/store/audit.js';
import { createConnection } from '../../src/store/connections.js';
import { openStore, type Store } from '../../src/store/database.js';
import { createOrganization } from '../../src/store/organizations.js';
import { getPolicy, setPolicy } from '../../src/sync/policy-service.js';
import { roster } from '../support/cli.js';
import { createTestDatabase, engines, type TestDatabase } from '../support/engines.js';
import { now } from './support/policy-bench.js';
import { testRuntime } from './support/test-runtime.js';

for (const engine of engines) {
  describe(`policy service and CLI on ${engine}`, () => {
    let database: TestDatabase;
    let store: Store;
    let organizationId: string;
    let connectionId: string;
    let env: NodeJS.ProcessEnv;

    before(async () => {
      database = await createTestDatabase(engine);
      store = await openStore({ databaseUrl: database.databaseUrl, dataDir: database.dataDir });
      organizationId = (await createOrganization(store.db, { slug: 'acme', name: 'Acme', now })).id;
      connectionId = (
        await createConnection(store.db, { organizationId, kind: 'graph', name: 'Contoso', now })
      ).id;
      env = { DATABASE_URL: database.databaseUrl ?? '', ROSTER_DATA_DIR: database.dataDir ?? '' };
    });
    after(async () => {
      await store.close();
      await database.drop();
    });

    test('sets a policy, keeps the document as written, and audits before and after', async () => {
      const runtime = testRuntime(store);
      const document = { scope: { users: 'groups', groups: [{ name: 'Pilot' }] } };
      const set = await setPolicy(runtime, connectionId, document, { type: 'admin', id: 'admin-1' });
      assert.deepEqual(set.policy, document);
      assert.equal(set.effective.lifecycle.onDelete, 'deactivate');
      const read = await getPolicy(runtime, connectionId, { organizationId });
      assert.deepEqual(read.policy, document);
      assert.deepEqual(read.effective.scope.groups, [{ name: 'Pilot' }]);
      const [entry] = await listAudit(store.db, organizationId, { limit: 1 });
      assert.equal(entry?.action, 'connection.policy_set');
      assert.deepEqual(entry?.actor, { type: 'admin', id: 'admin-1' });
      assert.deepEqual(entry?.before, {});
      assert.deepEqual(entry?.after, document);
    });

    test('an invalid policy changes nothing and names the field', async () => {
      const runtime = testRuntime(store);
      await assert.rejects(
        setPolicy(runtime, connectionId, { lifecycle: { outOfScope: 'archive' } }, { type: 'cli', id: null }),
        {
          code: 'invalid_input',
          field: 'lifecycle.outOfScope',
        },
      );
      assert.deepEqual((await getPolicy(runtime, connectionId)).policy, {
        scope: { users: 'groups', groups: [{ name: 'Pilot' }] },
      });
    });

    test('a mapping to a platform group the organization does not have is refused when set', async () => {
      const runtime = testRuntime(store);
      const policy = {
        groups: { mappings: [{ directoryGroup: { name: 'A' }, platformGroup: { id: 'missing' } }] },
      };
      await assert.rejects(setPolicy(runtime, connectionId, policy, { type: 'cli', id: null }), {
        code: 'invalid_input',
        field: 'groups.mappings[0].platformGroup.id',
      });
    });

    test('another organization cannot read the policy', async () => {
      await assert.rejects(getPolicy(testRuntime(store), connectionId, { organizationId: 'other' }), {
        code: 'not_found',
      });
    });

    test('roster policy schema | get | set round-trips through the CLI', async () => {
      const schema = await roster(['policy', 'schema'], env);
      assert.equal(schema.code, 0);
      assert.equal((JSON.parse(schema.stdout) as { title: string }).title, 'Roster connection policy');

      const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'roster-policy-')), 'policy.json');
      fs.writeFileSync(file, JSON.stringify({ newUsers: { credentials: ['cloud_key'] } }));
      const set = await roster(['policy', 'set', connectionId, '--file', file, '--json'], env);
      assert.equal(set.code, 0, set.stderr);
      const get = await roster(['policy', 'get', connectionId, '--json'], env);
      assert.deepEqual(JSON.parse(get.stdout), { newUsers: { credentials: ['cloud_key'] } });
      assert.match(get.stderr, /^pending: not yet applied/m);
      assert.equal((await roster(['policy', 'reconcile', connectionId, '--json'], env)).code, 0);
      assert.doesNotMatch((await roster(['policy', 'get', connectionId], env)).stderr, /pending/);

      fs.writeFileSync(file, JSON.stringify({ newUsers: { credentials: 'cloud_key' } }));
      const bad = await roster(['policy', 'set', connectionId, '--file', file], env);
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /newUsers\.credentials: expected array/);
    });
  });
}
