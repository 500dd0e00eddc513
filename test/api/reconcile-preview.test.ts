import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { rosterJson } from '../support/cli.js';
import { engines } from '../support/engines.js';
import { startTestRoster, type TestRoster } from '../support/roster.js';
import { entraUser, scimClient } from '../support/scim-client.js';
import { organizationWithKey } from './support/api-client.js';
import { loadConformance } from './support/openapi-conformance.js';

interface SeatCheck {
  seatLimit: number;
  seatsUsed: number;
  wouldImport: number;
  exceeded: boolean;
}
interface ReconcileOutcome {
  connectionId: string;
  dryRun: boolean;
  counts: Record<string, number>;
  errors: { objectId: string; field?: string; message: string }[];
  seatCheck?: SeatCheck;
  notes: string[];
}

const enterprise = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const intern = (n: string, extra: Record<string, unknown> = {}) =>
  entraUser(n, { [enterprise]: { department: 'Interns' }, ...extra });

/**
 * docs/policy.md, "Dry run": a preview reports the per-user errors and the seat check, reported
 * not thrown — over the REST API as `roster policy reconcile --dry-run` does, so the admin sees
 * before applying that the real reconcile would be refused.
 */
for (const engine of engines) {
  describe(`POST …/reconcile with dryRun over the REST API on ${engine}`, () => {
    let roster: TestRoster;
    let acme: Awaited<ReturnType<typeof organizationWithKey>>;
    let base = '';
    let connectionId = '';

    before(async () => {
      roster = await startTestRoster(engine);
      const conformance = await loadConformance(roster.url);
      acme = await organizationWithKey(roster, 'acme', 'admin', conformance.check);
      const created = await acme.api.post<{ connection: { id: string }; tenantUrl: string; token: string }>(
        '/organizations/acme/connections/scim',
        {},
      );
      assert.equal(created.status, 201);
      connectionId = created.body.connection.id;
      base = `/organizations/acme/connections/${connectionId}`;
      const entra = scimClient(created.body.tenantUrl, created.body.token);
      for (const user of [entraUser('staff-1'), intern('intern-1'), intern('intern-2')])
        assert.equal((await entra.post('/Users', user)).status, 201);
      // Interns leave the scope: two users become inactive.
      const notInterns = { scope: { filter: { not: { attribute: 'department', equals: 'Interns' } } } };
      assert.equal((await acme.api.put(`${base}/policy`, notInterns)).status, 200);
      const deactivated = await acme.api.post<ReconcileOutcome>(`${base}/reconcile`, {});
      assert.equal(deactivated.body.counts.usersDeactivated, 2);
      // Out of scope, a user without a name is kept for Entra and never becomes a platform user.
      assert.equal((await entra.post('/Users', intern('nameless', { name: undefined }))).status, 201);
      assert.equal((await acme.api.patch('/organizations/acme', { settings: { seatLimit: 1 } })).status, 200);
      // Back to the whole tenant, pending: it would bring both interns back, and fail the nameless one.
      assert.equal((await acme.api.put(`${base}/policy`, {})).status, 200);
    });
    after(() => roster.close());

    test('reports the seat check and the per-user errors, as the CLI does, and changes nothing', async () => {
      const preview = await acme.api.post<ReconcileOutcome>(`${base}/reconcile`, { dryRun: true });
      assert.equal(preview.status, 200);
      assert.equal(preview.body.dryRun, true);
      assert.equal(preview.body.counts.usersReactivated, 2);
      assert.deepEqual(preview.body.seatCheck, {
        seatLimit: 1,
        seatsUsed: 3,
        wouldImport: 2,
        exceeded: true,
      });
      assert.equal(preview.body.errors.length, 1);
      assert.match(preview.body.errors[0]?.message ?? '', /givenName/);

      const cli = await rosterJson<{ seatCheck: SeatCheck; errors: ReconcileOutcome['errors'] }>(
        ['policy', 'reconcile', connectionId, '--dry-run'],
        roster.env,
      );
      assert.deepEqual(preview.body.seatCheck, cli.seatCheck);
      assert.deepEqual(preview.body.errors, cli.errors);

      const policy = await acme.api.get<{ pending: boolean }>(`${base}/policy`);
      assert.equal(policy.body.pending, true, 'a preview applies nothing');
    });

    test('the real reconcile it foretold is refused with 409 seat-limit-exceeded', async () => {
      const applied = await acme.api.post<{ type: string; detail: string }>(`${base}/reconcile`, {});
      assert.equal(applied.status, 409);
      assert.equal(applied.body.type, 'urn:roster:problem:seat-limit-exceeded');
      assert.match(applied.body.detail, /would import 2 user\(s\), above the organization's seat limit of 1/);
    });

    test('with room for everyone the preview passes the seat check and still names the errors', async () => {
      assert.equal(
        (await acme.api.patch('/organizations/acme', { settings: { seatLimit: 10 } })).status,
        200,
      );
      const preview = await acme.api.post<ReconcileOutcome>(`${base}/reconcile`, { dryRun: true });
      assert.deepEqual(preview.body.seatCheck, {
        seatLimit: 10,
        seatsUsed: 3,
        wouldImport: 2,
        exceeded: false,
      });
      assert.equal(preview.body.errors.length, 1);
      const applied = await acme.api.post<ReconcileOutcome>(`${base}/reconcile`, {});
      assert.equal(applied.status, 200);
      assert.equal(applied.body.counts.usersReactivated, 2);
      assert.equal(applied.body.errors.length, 1, 'the user it cannot map is skipped, the others applied');
    });
  });
}
