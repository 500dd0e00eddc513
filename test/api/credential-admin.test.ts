import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { UserView } from '../../src/domain/views.js';
import type { Credential } from '../../src/store/credentials.js';
import { createSession } from '../../src/sso/sessions.js';
import { engines } from '../support/engines.js';
import { startTestRoster, type TestRoster } from '../support/roster.js';
import { entraUser, scimClient } from '../support/scim-client.js';
import { apiClient, organizationWithKey } from './support/api-client.js';
import { loadConformance, type Conformance } from './support/openapi-conformance.js';

interface Event {
  seq: number;
  type: string;
  data: { credential?: Credential };
}
interface Problem {
  type: string;
  status: number;
  detail: string;
  field?: string;
  errors?: { pointer: string }[];
}
interface AuditEntry {
  action: string;
  targetId: string;
  actor: { type: string; id: string | null };
  before: unknown;
  after: unknown;
}

/** Credentials an admin issues and revokes over the REST API (issue 4: credentials of the organization's types). */
for (const engine of engines) {
  describe(`REST API: an admin issues and revokes credentials on ${engine}`, () => {
    let roster: TestRoster;
    let conformance: Conformance;
    let acme: Awaited<ReturnType<typeof organizationWithKey>>;
    let connectionId: string;
    let scim: ReturnType<typeof scimClient>;
    let ada: UserView;

    const base = '/organizations/acme';
    const eventsAfter = async (from: number) =>
      (await acme.api.get<{ data: Event[] }>(`${base}/events?after=${from}&limit=1000`)).body.data;
    const lastSeq = async () => (await eventsAfter(0)).at(-1)?.seq ?? 0;
    const localUser = async (name: string) => {
      const created = await acme.api.post<UserView>(`${base}/users`, {
        email: `${name}@acme.test`,
        givenName: name,
        familyName: 'Test',
      });
      assert.equal(created.status, 201);
      return created.body;
    };
    const credentialsOf = async (userId: string) =>
      (await acme.api.get<{ data: Credential[] }>(`${base}/users/${userId}/credentials`)).body.data;

    before(async () => {
      roster = await startTestRoster(engine);
      conformance = await loadConformance(roster.url);
      acme = await organizationWithKey(roster, 'acme', 'admin', conformance.check);
      const connected = await acme.api.post<{ connection: { id: string }; tenantUrl: string; token: string }>(
        `${base}/connections/scim`,
        { name: 'Entra' },
      );
      assert.equal(connected.status, 201);
      connectionId = connected.body.connection.id;
      scim = scimClient(connected.body.tenantUrl, connected.body.token);
      // The organization's choice: what its connection's policy issues to each new user.
      const policy = await acme.api.put(`${base}/connections/${connectionId}/policy`, {
        newUsers: { credentials: ['mobile_credential', 'cloud_key'] },
      });
      assert.equal(policy.status, 200);
      ada = await localUser('ada');
    });
    after(() => roster.close());

    describe('POST …/users/{userId}/credentials', () => {
      test('issues a credential of a type the organization chose: 201, listed, an event and an audit entry', async () => {
        const from = await lastSeq();
        const issued = await acme.api.post<Credential>(`${base}/users/${ada.id}/credentials`, {
          type: 'cloud_key',
        });
        assert.equal(issued.status, 201);
        assert.equal(issued.body.userId, ada.id);
        assert.equal(issued.body.type, 'cloud_key');
        assert.equal(issued.body.status, 'active');
        assert.equal(issued.body.connectionId, null, 'an admin issued it, no policy');
        assert.equal(issued.body.revokedAt, null);
        assert.equal(issued.body.revokedReason, null);
        assert.deepEqual(await credentialsOf(ada.id), [issued.body]);

        const events = await eventsAfter(from);
        assert.deepEqual(
          events.map((event) => event.type),
          ['credential.issued'],
        );
        assert.deepEqual(events[0]?.data.credential, issued.body);
        const audit = await acme.api.get<{ data: AuditEntry[] }>(`${base}/audit?targetId=${issued.body.id}`);
        assert.equal(audit.body.data[0]?.action, 'credential.issued');
        assert.equal(audit.body.data[0]?.actor.type, 'api_key');
        assert.deepEqual(audit.body.data[0]?.after, issued.body);
      });

      test('refuses a type the organization did not choose with 400 naming type, and issues nothing', async () => {
        const grace = await localUser('grace');
        const from = await lastSeq();
        const refused = await acme.api.post<Problem>(`${base}/users/${grace.id}/credentials`, {
          type: 'hardware_token',
        });
        assert.equal(refused.status, 400);
        assert.match(refused.contentType, /^application\/problem\+json/);
        assert.equal(refused.body.type, 'urn:roster:problem:invalid-input');
        assert.equal(refused.body.field, 'type');
        assert.match(refused.body.detail, /hardware_token/);
        assert.match(refused.body.detail, /cloud_key, mobile_credential/);

        const malformed = await acme.api.post<Problem>(`${base}/users/${grace.id}/credentials`, {
          type: 'Cloud Key',
        });
        assert.equal(malformed.status, 400);
        assert.equal(malformed.body.errors?.[0]?.pointer, '/body/type');
        const missing = await acme.api.post<Problem>(`${base}/users/${grace.id}/credentials`, {});
        assert.equal(missing.status, 400);

        assert.deepEqual(await credentialsOf(grace.id), []);
        assert.deepEqual(await eventsAfter(from), []);
      });

      test('an organization whose policies choose no type issues none', async () => {
        const globex = await organizationWithKey(roster, 'globex', 'admin', conformance.check);
        const user = await globex.api.post<UserView>('/organizations/globex/users', {
          email: 'hal@globex.test',
          givenName: 'Hal',
          familyName: 'Test',
        });
        const refused = await globex.api.post<Problem>(
          `/organizations/globex/users/${user.body.id}/credentials`,
          {
            type: 'cloud_key',
          },
        );
        assert.equal(refused.status, 400);
        assert.equal(refused.body.field, 'type');
        assert.match(refused.body.detail, /none is set/);
      });

      test('refuses an inactive user with 409 and an unknown user with 404', async () => {
        const linus = await localUser('linus');
        assert.equal((await acme.api.post(`${base}/users/${linus.id}/deactivate`)).status, 200);
        const refused = await acme.api.post<Problem>(`${base}/users/${linus.id}/credentials`, {
          type: 'cloud_key',
        });
        assert.equal(refused.status, 409);
        assert.equal(refused.body.type, 'urn:roster:problem:conflict');
        assert.match(refused.body.detail, /inactive/);
        assert.deepEqual(await credentialsOf(linus.id), []);

        const unknown = await acme.api.post<Problem>(`${base}/users/no-such-user/credentials`, {
          type: 'cloud_key',
        });
        assert.equal(unknown.status, 404);
        assert.equal(unknown.body.type, 'urn:roster:problem:not-found');
      });
    });

    describe('DELETE …/users/{userId}/credentials/{credentialId}', () => {
      test('revokes with reason revoked_by_admin: 204, kept as history, credential.revoked with connectionId null', async () => {
        const issued = (
          await acme.api.post<Credential>(`${base}/users/${ada.id}/credentials`, {
            type: 'mobile_credential',
          })
        ).body;
        const from = await lastSeq();
        const revoked = await acme.api.delete(`${base}/users/${ada.id}/credentials/${issued.id}`);
        assert.equal(revoked.status, 204);

        const listed = (await credentialsOf(ada.id)).find((credential) => credential.id === issued.id);
        assert.ok(listed);
        assert.equal(listed.status, 'revoked');
        assert.equal(listed.revokedReason, 'revoked_by_admin');
        assert.ok(listed.revokedAt);
        const events = await eventsAfter(from);
        assert.deepEqual(
          events.map((event) => event.type),
          ['credential.revoked'],
        );
        assert.deepEqual(events[0]?.data.credential, listed);
        assert.equal(events[0]?.data.credential?.connectionId, null);
        const audit = await acme.api.get<{ data: AuditEntry[] }>(`${base}/audit?targetId=${issued.id}`);
        assert.equal(audit.body.data[0]?.action, 'credential.revoked');
        assert.deepEqual(audit.body.data[0]?.before, issued);
        assert.deepEqual(audit.body.data[0]?.after, listed);

        // As API keys and SCIM tokens: a revoked one is no longer an active credential to revoke.
        const again = await acme.api.delete<Problem>(`${base}/users/${ada.id}/credentials/${issued.id}`);
        assert.equal(again.status, 404);
        assert.equal(again.body.type, 'urn:roster:problem:not-found');
        assert.deepEqual(await eventsAfter(from), events, 'revoking twice appends nothing');
      });

      test('deactivating a local user revokes its credentials, as deactivating a synced one does', async () => {
        const lin = await localUser('lin');
        const issued = (
          await acme.api.post<Credential>(`${base}/users/${lin.id}/credentials`, { type: 'cloud_key' })
        ).body;
        const from = await lastSeq();
        const deactivated = await acme.api.post(`${base}/users/${lin.id}/deactivate`, {});
        assert.equal(deactivated.status, 200);
        const [held] = await credentialsOf(lin.id);
        assert.equal(held?.id, issued.id);
        assert.equal(held?.status, 'revoked');
        assert.equal(held?.revokedReason, 'deactivated');
        assert.deepEqual(
          (await eventsAfter(from)).map((event) => event.type),
          ['user.deactivated', 'credential.revoked'],
        );
      });

      test('revokes a credential the policy issued; the event still names its connection', async () => {
        assert.equal((await scim.post('/Users', entraUser(1))).status, 201);
        const synced = (await acme.api.get<{ data: UserView[] }>(`${base}/users?source=scim`)).body.data[0];
        assert.ok(synced);
        const cloudKey = (await credentialsOf(synced.id)).find(
          (credential) => credential.type === 'cloud_key',
        );
        assert.equal(cloudKey?.connectionId, connectionId);
        const from = await lastSeq();
        assert.equal(
          (await acme.api.delete(`${base}/users/${synced.id}/credentials/${cloudKey.id}`)).status,
          204,
        );
        const [event] = await eventsAfter(from);
        assert.equal(event?.type, 'credential.revoked');
        assert.equal(event?.data.credential?.revokedReason, 'revoked_by_admin');
        assert.equal(event?.data.credential?.connectionId, connectionId);
      });

      test("answers 404 for another user's, another organization's or an unknown credential", async () => {
        const issued = (
          await acme.api.post<Credential>(`${base}/users/${ada.id}/credentials`, { type: 'cloud_key' })
        ).body;
        const grace = await localUser('grace-2');
        const wrongUser = await acme.api.delete<Problem>(
          `${base}/users/${grace.id}/credentials/${issued.id}`,
        );
        assert.equal(wrongUser.status, 404);
        assert.equal(
          (await acme.api.delete(`${base}/users/${ada.id}/credentials/no-such-credential`)).status,
          404,
        );

        const initech = await organizationWithKey(roster, 'initech', 'admin', conformance.check);
        assert.equal(
          (await initech.api.delete(`/organizations/acme/users/${ada.id}/credentials/${issued.id}`)).status,
          404,
        );
        const own = await initech.api.delete<Problem>(
          `/organizations/initech/users/${ada.id}/credentials/${issued.id}`,
        );
        assert.equal(own.status, 404);
        assert.equal(
          (await initech.api.post(`/organizations/acme/users/${ada.id}/credentials`, { type: 'cloud_key' }))
            .status,
          404,
        );
        const still = (await credentialsOf(ada.id)).find((credential) => credential.id === issued.id);
        assert.equal(still?.status, 'active');
      });
    });

    describe('at the same moment as another change', () => {
      test('a credential issued while the user is deactivated never outlives the deactivation', async () => {
        for (let trial = 0; trial < 12; trial += 1) {
          const person = await localUser(`race${trial}`);
          const [issued, deactivated] = await Promise.all([
            acme.api.post(`${base}/users/${person.id}/credentials`, { type: 'cloud_key' }),
            acme.api.post(`${base}/users/${person.id}/deactivate`, {}),
          ]);
          assert.equal(deactivated.status, 200);
          assert.ok([201, 409].includes(issued.status), `issue answered ${issued.status}`);
          const active = (await credentialsOf(person.id)).filter(
            (credential) => credential.status === 'active',
          );
          assert.deepEqual(active, [], `trial ${trial}: an inactive user holds no active credential`);
        }
      });

      test('two revocations of one credential: one 204, one 404, one event', async () => {
        for (let trial = 0; trial < 8; trial += 1) {
          const person = await localUser(`twice${trial}`);
          const issued = (
            await acme.api.post<Credential>(`${base}/users/${person.id}/credentials`, { type: 'cloud_key' })
          ).body;
          const from = await lastSeq();
          const answers = await Promise.all([
            acme.api.delete(`${base}/users/${person.id}/credentials/${issued.id}`),
            acme.api.delete(`${base}/users/${person.id}/credentials/${issued.id}`),
          ]);
          assert.deepEqual(answers.map((answer) => answer.status).sort(), [204, 404], `trial ${trial}`);
          assert.deepEqual(
            (await eventsAfter(from)).map((event) => event.type),
            ['credential.revoked'],
          );
        }
      });
    });

    describe('who may issue and revoke', () => {
      test('a read-only key is refused with 403 and changes nothing', async () => {
        const reader = await acme.api.post<{ key: string }>(`${base}/api-keys`, {
          name: 'reader',
          role: 'read_only',
        });
        assert.equal(reader.status, 201);
        const readOnly = apiClient(roster.url, reader.body.key, conformance.check);
        const issued = (
          await acme.api.post<Credential>(`${base}/users/${ada.id}/credentials`, { type: 'cloud_key' })
        ).body;
        const before = await credentialsOf(ada.id);

        const post = await readOnly.post<Problem>(`${base}/users/${ada.id}/credentials`, {
          type: 'cloud_key',
        });
        assert.equal(post.status, 403);
        assert.equal(post.body.type, 'urn:roster:problem:forbidden');
        const del = await readOnly.delete<Problem>(`${base}/users/${ada.id}/credentials/${issued.id}`);
        assert.equal(del.status, 403);
        assert.equal((await readOnly.get(`${base}/users/${ada.id}/credentials`)).status, 200);
        assert.deepEqual(await credentialsOf(ada.id), before);
      });

      test('a portal admin session may, with the CSRF header; without it the change is refused', async () => {
        const { sessionId, session } = await createSession(
          roster.runtime.store.db,
          {
            kind: 'operator',
            organizationId: acme.id,
            userId: null,
            displayName: 'Op',
            role: 'EnterpriseAdmin',
          },
          new Date(),
        );
        const portal = apiClient(roster.url, undefined, conformance.check);
        const cookie = { cookie: `roster_session=${sessionId}; roster_csrf=${session.csrfToken}` };
        const path = `${base}/users/${ada.id}/credentials`;

        const withoutCsrf = await portal.call<Problem>('POST', path, { type: 'cloud_key' }, cookie);
        assert.equal(withoutCsrf.status, 403);
        assert.match(withoutCsrf.body.detail, /x-csrf-token/);

        const headers = { ...cookie, 'x-csrf-token': session.csrfToken };
        const issued = await portal.call<Credential>('POST', path, { type: 'cloud_key' }, headers);
        assert.equal(issued.status, 201);
        const revoked = await portal.call('DELETE', `${path}/${issued.body.id}`, undefined, headers);
        assert.equal(revoked.status, 204);
        const audit = await acme.api.get<{ data: AuditEntry[] }>(`${base}/audit?targetId=${issued.body.id}`);
        assert.deepEqual(audit.body.data.map((entry) => [entry.action, entry.actor.type]).sort(), [
          ['credential.issued', 'admin'],
          ['credential.revoked', 'admin'],
        ]);
      });
    });
  });
}
