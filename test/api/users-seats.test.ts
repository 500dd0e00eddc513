import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { UserView } from '../../src/domain/views.js';
import { engines } from '../support/engines.js';
import { startTestRoster, type TestRoster } from '../support/roster.js';
import { organizationWithKey, type ApiClient } from './support/api-client.js';
import { loadConformance, type Conformance } from './support/openapi-conformance.js';

interface Problem {
  type: string;
  status: number;
  detail: string;
}

/**
 * docs/policy.md, "Seat guard": only active and pending users hold a seat, and a change that
 * creates or reactivates users and would end above the limit applies nothing — through the REST
 * API as through a sync.
 */
for (const engine of engines) {
  describe(`the seat limit on local users over the REST API on ${engine}`, () => {
    let roster: TestRoster;
    let conformance: Conformance;

    before(async () => {
      roster = await startTestRoster(engine);
      conformance = await loadConformance(roster.url);
    });
    after(() => roster.close());

    /** An organization with `active` active and `inactive` inactive local users, then a seat limit. */
    const organization = async (
      slug: string,
      users: { active: number; inactive: number; seatLimit: number },
    ): Promise<{ api: ApiClient; base: string; inactive: UserView[] }> => {
      const { api } = await organizationWithKey(roster, slug, 'admin', conformance.check);
      const base = `/organizations/${slug}`;
      const inactive: UserView[] = [];
      for (let i = 0; i < users.active + users.inactive; i += 1) {
        const created = await api.post<UserView>(`${base}/users`, {
          email: `user${i}@${slug}.test`,
          givenName: 'User',
          familyName: `${i}`,
        });
        assert.equal(created.status, 201);
        if (i < users.active) continue;
        const off = await api.post<UserView>(`${base}/users/${created.body.id}/deactivate`);
        assert.equal(off.body.status, 'inactive');
        inactive.push(off.body);
      }
      const limited = await api.patch(base, { settings: { seatLimit: users.seatLimit } });
      assert.equal(limited.status, 200);
      return { api, base, inactive };
    };

    const activeCount = async (api: ApiClient, base: string) =>
      (await api.get<{ data: UserView[] }>(`${base}/users?status=active&limit=500`)).body.data.length;

    test('creates a local user while inactive users fill the rest of the limit: they hold no seat', async () => {
      const { api, base } = await organization('inactive-free', { active: 2, inactive: 1, seatLimit: 3 });
      const created = await api.post<UserView>(`${base}/users`, {
        email: 'third@inactive-free.test',
        givenName: 'Third',
        familyName: 'Seat',
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const refused = await api.post<Problem>(`${base}/users`, {
        email: 'fourth@inactive-free.test',
        givenName: 'Fourth',
        familyName: 'Seat',
      });
      assert.equal(refused.status, 409);
      assert.match(refused.contentType, /^application\/problem\+json/);
      assert.equal(refused.body.type, 'urn:roster:problem:seat-limit-exceeded');
      assert.match(refused.body.detail, /seat limit of 3 users/);
      assert.equal((await api.get<{ data: UserView[] }>(`${base}/users?search=fourth`)).body.data.length, 0);
    });

    test('a pending user holds a seat', async () => {
      const { api, base } = await organization('pending-seat', { active: 0, inactive: 0, seatLimit: 1 });
      const pending = await api.post<UserView>(`${base}/users`, {
        email: 'pending@pending-seat.test',
        givenName: 'Pending',
        familyName: 'User',
        status: 'pending',
      });
      assert.equal(pending.status, 201);
      const refused = await api.post<Problem>(`${base}/users`, {
        email: 'active@pending-seat.test',
        givenName: 'Active',
        familyName: 'User',
      });
      assert.equal(refused.status, 409);
      assert.equal(refused.body.type, 'urn:roster:problem:seat-limit-exceeded');
    });

    test('refuses to reactivate a local user above the seat limit, and changes nothing', async () => {
      const { api, base, inactive } = await organization('reactivate', {
        active: 2,
        inactive: 1,
        seatLimit: 2,
      });
      const user = inactive[0];
      assert.ok(user);
      const refused = await api.post<Problem>(`${base}/users/${user.id}/reactivate`);
      assert.equal(refused.status, 409);
      assert.match(refused.contentType, /^application\/problem\+json/);
      assert.equal(refused.body.type, 'urn:roster:problem:seat-limit-exceeded');
      assert.match(
        refused.body.detail,
        /Reactivating user2@reactivate\.test would pass the organization's seat limit of 2 users \(3 seats needed\)/,
      );
      assert.equal((await api.get<UserView>(`${base}/users/${user.id}`)).body.status, 'inactive');
      assert.equal(await activeCount(api, base), 2);
      const events = await api.get<{ data: { type: string }[] }>(`${base}/events?types=user.reactivated`);
      assert.deepEqual(events.body.data, []);
      const audit = await api.get<{ data: unknown[] }>(`${base}/audit?action=user.reactivated`);
      assert.deepEqual(audit.body.data, []);

      assert.equal((await api.patch(base, { settings: { seatLimit: 3 } })).status, 200);
      const reactivated = await api.post<UserView>(`${base}/users/${user.id}/reactivate`);
      assert.equal(reactivated.status, 200);
      assert.equal(reactivated.body.status, 'active');
    });

    test('creates made at the same time do not squeeze past the limit together', async () => {
      const { api, base } = await organization('concurrent', { active: 1, inactive: 0, seatLimit: 3 });
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          api.post(`${base}/users`, {
            email: `rush${i}@concurrent.test`,
            givenName: 'Rush',
            familyName: `${i}`,
          }),
        ),
      );
      const statuses = answers.map((answer) => answer.status);
      assert.equal(statuses.filter((status) => status === 201).length, 2, statuses.join(' '));
      assert.ok(
        statuses.every((status) => status === 201 || status === 409),
        statuses.join(' '),
      );
      assert.equal(await activeCount(api, base), 3);
    });
  });
}
