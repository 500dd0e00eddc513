import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { listAudit } from '../../src/store/audit.js';
import type { Store } from '../../src/store/database.js';
import { readEvents } from '../../src/store/events.js';
import { assertUserLocallyEditable } from '../../src/sync/assert-user-editable.js';
import {
  issueUserCredential,
  listCredentials,
  revokeUserCredential,
} from '../../src/sync/credential-service.js';
import { setOrganizationSeatLimit } from '../../src/sync/policy-service.js';
import { engines, openTestStore } from '../support/engines.js';
import { platformUsers, policyBench, scimUser } from './support/policy-bench.js';
import { testRuntime } from './support/test-runtime.js';

const admin = { type: 'admin' as const, id: 'admin-1' };

for (const engine of engines) {
  describe(`admin services of policy on ${engine}`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;
    before(async () => ({ store, cleanup } = await openTestStore(engine)));
    after(() => cleanup());

    test('an admin issues and revokes a credential, each with its event and audit entry', async () => {
      const bench = await policyBench(store);
      await bench.apply([scimUser('u1')]);
      const [user] = await platformUsers(bench);
      const runtime = testRuntime(store);
      let woken = 0;
      runtime.eventBus.subscribe(() => (woken += 1));
      const issued = await issueUserCredential(
        runtime,
        bench.organizationId,
        user?.id ?? '',
        'cloud_key',
        admin,
      );
      const revoked = await revokeUserCredential(runtime, bench.organizationId, issued.id, admin);
      assert.equal(revoked.status, 'revoked');
      // Revoked already: there is no active credential to revoke, and nothing more is written.
      await assert.rejects(revokeUserCredential(runtime, bench.organizationId, issued.id, admin), {
        code: 'not_found',
      });
      assert.equal(woken, 2);
      const types = (await readEvents(store.db, bench.organizationId, { limit: 10 })).map((e) => e.type);
      assert.deepEqual(types, ['user.created', 'credential.issued', 'credential.revoked']);
      const actions = (await listAudit(store.db, bench.organizationId, { limit: 10 }))
        .map((a) => a.action)
        .sort();
      assert.deepEqual(actions, ['credential.issued', 'credential.revoked']);
      assert.deepEqual(
        (await listCredentials(store.db, bench.organizationId)).map((c) => c.revokedReason),
        ['revoked_by_admin'],
      );
    });

    test('refuses a credential for a user of another organization and a malformed type', async () => {
      const bench = await policyBench(store);
      const runtime = testRuntime(store);
      await assert.rejects(issueUserCredential(runtime, bench.organizationId, 'nobody', 'cloud_key', admin), {
        code: 'not_found',
      });
      await assert.rejects(issueUserCredential(runtime, bench.organizationId, 'nobody', 'Cloud Key', admin), {
        code: 'invalid_input',
        field: 'type',
      });
    });

    test('a synced user is locked against local deactivation, naming its connection', async () => {
      const bench = await policyBench(store);
      await bench.apply([scimUser('u1')]);
      const [user] = await platformUsers(bench);
      await assert.rejects(
        assertUserLocallyEditable(store.db, bench.organizationId, user?.id ?? '', { status: 'inactive' }),
        {
          code: 'locked_by_directory',
          message: 'u1@acme.test is managed by Entra; deactivate them in Microsoft Entra ID',
        },
      );
      await assertUserLocallyEditable(store.db, bench.organizationId, user?.id ?? '', { fields: ['notes'] });
    });

    test('the seat limit is set and removed with an audit entry', async () => {
      const bench = await policyBench(store);
      const runtime = testRuntime(store);
      assert.deepEqual(await setOrganizationSeatLimit(runtime, bench.organizationId, 10, admin), {
        seatLimit: 10,
      });
      assert.deepEqual(await setOrganizationSeatLimit(runtime, bench.organizationId, null, admin), {
        seatLimit: null,
      });
      await assert.rejects(setOrganizationSeatLimit(runtime, bench.organizationId, -1, admin), {
        field: 'seatLimit',
      });
      const entries = await listAudit(store.db, bench.organizationId, { limit: 10 });
      const changes = entries.map((e) => `${String(e.before)} → ${String(e.after)}`).sort();
      assert.deepEqual(changes, ['10 → null', 'null → 10']);
    });
  });
}
