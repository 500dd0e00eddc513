import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { GroupView, UserView } from '../../src/domain/views.js';
import { engines } from '../support/engines.js';
import { startTestRoster, type TestRoster } from '../support/roster.js';
import { entraUser, scimClient } from '../support/scim-client.js';
import { organizationWithKey } from './support/api-client.js';
import { loadConformance } from './support/openapi-conformance.js';

interface Page<T> {
  data: T[];
  nextCursor: string | null;
}
interface UserDetail extends UserView {
  sources: { connectionId: string; kind: string; userName: string; attributes: Record<string, unknown> }[];
  history: { action: string; actor: { type: string; id: string | null } }[];
  events: { type: string }[];
}

for (const engine of engines) {
  describe(`REST API users and groups on ${engine}`, () => {
    let roster: TestRoster;
    let acme: Awaited<ReturnType<typeof organizationWithKey>>;
    let synced: UserView;
    let scimConnectionId: string;

    before(async () => {
      roster = await startTestRoster(engine);
      const conformance = await loadConformance(roster.url);
      acme = await organizationWithKey(roster, 'acme', 'admin', conformance.check);
      const connected = await acme.api.post<{ connection: { id: string }; tenantUrl: string; token: string }>(
        '/organizations/acme/connections/scim',
        { name: 'Entra (Contoso)' },
      );
      assert.equal(connected.status, 201);
      scimConnectionId = connected.body.connection.id;
      const scim = scimClient(connected.body.tenantUrl, connected.body.token);
      assert.equal((await scim.post('/Users', entraUser(1))).status, 201);
      const listed = await acme.api.get<Page<UserView>>('/organizations/acme/users?source=scim');
      synced = listed.body.data[0] as UserView;
    });
    after(() => roster.close());

    describe('local users', () => {
      test('creates a local user and edits it, with events and audit entries', async () => {
        const created = await acme.api.post<UserView>('/organizations/acme/users', {
          email: 'ada@acme.test',
          givenName: 'Ada',
          familyName: 'Lovelace',
          roles: ['User'],
          attributes: { department: 'Engines' },
        });
        assert.equal(created.status, 201);
        assert.equal(created.body.source, 'local');
        assert.equal(created.body.userName, 'ada@acme.test');
        const edited = await acme.api.patch<UserView>(`/organizations/acme/users/${created.body.id}`, {
          givenName: 'Augusta Ada',
          displayName: 'Ada L.',
        });
        assert.equal(edited.status, 200);
        assert.equal(edited.body.givenName, 'Augusta Ada');
        const detail = await acme.api.get<UserDetail>(`/organizations/acme/users/${created.body.id}`);
        assert.deepEqual(
          detail.body.history.map((entry) => entry.action),
          ['user.updated', 'user.created'],
        );
        assert.equal(detail.body.history[0]?.actor.type, 'api_key');
        assert.deepEqual(
          detail.body.events.map((event) => event.type),
          ['user.updated', 'user.created'],
        );
      });

      test('refuses an email another user of the organization has (409), whatever its case', async () => {
        const response = await acme.api.post('/organizations/acme/users', {
          email: 'ADA@acme.test',
          givenName: 'A',
          familyName: 'B',
        });
        assert.equal(response.status, 409);
        assert.equal((response.body as { type: string }).type, 'urn:roster:problem:conflict');
      });

      test('deactivates and reactivates a local user', async () => {
        const created = await acme.api.post<UserView>('/organizations/acme/users', {
          email: 'grace@acme.test',
          givenName: 'Grace',
          familyName: 'Hopper',
        });
        const off = await acme.api.post<UserView>(`/organizations/acme/users/${created.body.id}/deactivate`);
        assert.equal(off.body.status, 'inactive');
        const on = await acme.api.post<UserView>(`/organizations/acme/users/${created.body.id}/reactivate`);
        assert.equal(on.body.status, 'active');
        // Clients label bodiless requests as JSON too; an empty body is no body, not bad JSON.
        const labelled = await acme.api.call<UserView>(
          'POST',
          `/organizations/acme/users/${created.body.id}/deactivate`,
          undefined,
          { 'content-type': 'application/json' },
        );
        assert.equal(labelled.status, 200);
        assert.equal(labelled.body.status, 'inactive');
      });

      test('refuses unknown members and wrong types in a body instead of dropping or converting them', async () => {
        const unknown = await acme.api.post<{ type: string; errors: { pointer: string }[] }>(
          '/organizations/acme/users',
          { email: 'mary@acme.test', givenName: 'Mary', familyName: 'Somerville', bogus: 1 },
        );
        assert.equal(unknown.status, 400);
        assert.equal(unknown.body.type, 'urn:roster:problem:invalid-input');
        const typed = await acme.api.post('/organizations/acme/users', {
          email: 'mary@acme.test',
          givenName: 123,
          familyName: true,
        });
        assert.equal(typed.status, 400);
        const roles = await acme.api.post('/organizations/acme/users', {
          email: 'mary@acme.test',
          givenName: 'Mary',
          familyName: 'Somerville',
          roles: 'Admin',
        });
        assert.equal(roles.status, 400);
        const list = await acme.api.get<Page<UserView>>('/organizations/acme/users?search=mary');
        assert.equal(list.body.data.length, 0);
      });

      test('pages through users with a cursor, each user once, in a stable order', async () => {
        for (let i = 0; i < 7; i += 1) {
          await acme.api.post('/organizations/acme/users', {
            email: `page${i}@acme.test`,
            givenName: 'P',
            familyName: `${i}`,
          });
        }
        const seen: string[] = [];
        let cursor: string | null = '';
        let pages = 0;
        while (cursor !== null) {
          const query: string = cursor === '' ? '' : `&cursor=${cursor}`;
          const page = await acme.api.get<Page<UserView>>(`/organizations/acme/users?limit=3${query}`);
          assert.equal(page.status, 200);
          assert.ok(page.body.data.length <= 3);
          seen.push(...page.body.data.map((user) => user.id));
          cursor = page.body.nextCursor;
          pages += 1;
        }
        const total = (await acme.api.get<Page<UserView>>('/organizations/acme/users?limit=500')).body.data
          .length;
        assert.equal(seen.length, total);
        assert.equal(new Set(seen).size, total);
        assert.deepEqual(seen, [...seen].sort());
        assert.equal(pages, Math.ceil(total / 3));
      });

      test('searches and filters', async () => {
        const found = await acme.api.get<Page<UserView>>('/organizations/acme/users?search=lovelace');
        assert.deepEqual(
          found.body.data.map((user) => user.email),
          ['ada@acme.test'],
        );
        const local = await acme.api.get<Page<UserView>>('/organizations/acme/users?source=local&limit=500');
        assert.ok(local.body.data.every((user) => user.source === 'local'));
        assert.equal((await acme.api.get('/organizations/acme/users?cursor=not-a-cursor')).status, 400);
      });
    });

    describe('users a directory owns', () => {
      test('shows the directory object it comes from', async () => {
        const detail = await acme.api.get<UserDetail>(`/organizations/acme/users/${synced.id}`);
        assert.equal(detail.body.sources.length, 1);
        assert.equal(detail.body.sources[0]?.kind, 'scim');
        assert.equal(detail.body.sources[0]?.userName, 'Test_User_1@testuser.com');
      });

      test('refuses to edit a directory-owned field with 409 naming the directory', async () => {
        const response = await acme.api.patch(`/organizations/acme/users/${synced.id}`, {
          givenName: 'Changed',
        });
        assert.equal(response.status, 409);
        const problem = response.body as {
          type: string;
          detail: string;
          connectionId: string;
          directory: string;
        };
        assert.equal(problem.type, 'urn:roster:problem:locked-by-directory');
        assert.equal(problem.connectionId, scimConnectionId);
        assert.equal(problem.directory, 'scim');
        assert.match(problem.detail, /Entra \(Contoso\)/);
      });

      test('refuses to deactivate a directory-owned user with 409', async () => {
        const response = await acme.api.post(`/organizations/acme/users/${synced.id}/deactivate`);
        assert.equal(response.status, 409);
        assert.equal((response.body as { type: string }).type, 'urn:roster:problem:locked-by-directory');
      });
    });

    describe('groups', () => {
      test('creates a local group, adds and removes members, and counts them', async () => {
        const group = await acme.api.post<GroupView>('/organizations/acme/groups', {
          displayName: 'Engineers',
        });
        assert.equal(group.status, 201);
        const users = (await acme.api.get<Page<UserView>>('/organizations/acme/users?source=local&limit=5'))
          .body.data;
        const ids = users.map((user) => user.id);
        const added = await acme.api.post<{ added: string[] }>(
          `/organizations/acme/groups/${group.body.id}/members`,
          {
            userIds: ids,
          },
        );
        assert.deepEqual(added.body.added.sort(), [...ids].sort());
        const again = await acme.api.post<{ added: string[] }>(
          `/organizations/acme/groups/${group.body.id}/members`,
          {
            userIds: ids.slice(0, 1),
          },
        );
        assert.deepEqual(again.body.added, []);
        const first = await acme.api.get<Page<UserView>>(
          `/organizations/acme/groups/${group.body.id}/members?limit=2`,
        );
        assert.equal(first.body.data.length, 2);
        assert.ok(first.body.nextCursor);
        const rest = await acme.api.get<Page<UserView>>(
          `/organizations/acme/groups/${group.body.id}/members?limit=10&cursor=${first.body.nextCursor}`,
        );
        assert.equal(rest.body.data.length, ids.length - 2);
        const removed = await acme.api.delete(
          `/organizations/acme/groups/${group.body.id}/members/${ids[0] ?? ''}`,
        );
        assert.equal(removed.status, 204);
        const listed = await acme.api.get<Page<GroupView>>('/organizations/acme/groups');
        assert.equal(listed.body.data.find((g) => g.id === group.body.id)?.memberCount, ids.length - 1);
      });

      test('refuses an unknown member with 404', async () => {
        const group = await acme.api.post<GroupView>('/organizations/acme/groups', { displayName: 'Empty' });
        const response = await acme.api.post(`/organizations/acme/groups/${group.body.id}/members`, {
          userIds: ['00000000-0000-0000-0000-000000000000'],
        });
        assert.equal(response.status, 404);
      });
    });

    describe('organization settings and audit', () => {
      test('changes the seat limit and retention, audited with before and after', async () => {
        const changed = await acme.api.patch<{ settings: { seatLimit: number; eventRetentionDays: number } }>(
          '/organizations/acme',
          { settings: { seatLimit: 1000, eventRetentionDays: 7 } },
        );
        assert.deepEqual(changed.body.settings, { seatLimit: 1000, eventRetentionDays: 7 });
        const audit = await acme.api.get<Page<{ action: string; before: unknown; after: unknown }>>(
          '/organizations/acme/audit?action=organization.updated',
        );
        const entry = audit.body.data[0];
        assert.equal((entry?.before as { settings: { seatLimit: unknown } }).settings.seatLimit, null);
        assert.equal((entry?.after as { settings: { seatLimit: unknown } }).settings.seatLimit, 1000);
      });

      test('pages through the audit log newest first', async () => {
        const first = await acme.api.get<Page<{ id: string; occurredAt: string }>>(
          '/organizations/acme/audit?limit=4',
        );
        assert.equal(first.body.data.length, 4);
        const second = await acme.api.get<Page<{ id: string; occurredAt: string }>>(
          `/organizations/acme/audit?limit=4&cursor=${first.body.nextCursor ?? ''}`,
        );
        const all = [...first.body.data, ...second.body.data];
        assert.equal(new Set(all.map((entry) => entry.id)).size, all.length);
        const times = all.map((entry) => entry.occurredAt);
        assert.deepEqual(times, [...times].sort().reverse());
      });
    });
  });
}
