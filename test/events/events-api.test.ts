import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sweepExpiredEvents } from '../../src/events/event-retention.js';
import { appendEvents } from '../../src/store/events.js';
import { organizationWithKey } from '../api/support/api-client.js';
import { loadConformance } from '../api/support/openapi-conformance.js';
import { engines } from '../support/engines.js';
import { startTestRoster, type TestRoster } from '../support/roster.js';
import { entraUser, patchOp, scimClient } from '../support/scim-client.js';

interface EventPage {
  data: { id: string; seq: number; type: string; data: Record<string, unknown> }[];
  nextCursor: string;
  hasMore: boolean;
}

for (const engine of engines) {
  describe(`Events API on ${engine}`, () => {
    let roster: TestRoster;
    let acme: Awaited<ReturnType<typeof organizationWithKey>>;
    let scim: ReturnType<typeof scimClient>;
    let conformance: Awaited<ReturnType<typeof loadConformance>>;

    const readAll = async (query = '', limit = 2) => {
      const all: EventPage['data'] = [];
      let cursor = '0';
      for (;;) {
        const page = await acme.api.get<EventPage>(
          `/organizations/acme/events?after=${cursor}&limit=${limit}${query}`,
        );
        assert.equal(page.status, 200);
        all.push(...page.body.data);
        if (!page.body.hasMore) return { events: all, cursor: page.body.nextCursor };
        cursor = page.body.nextCursor;
      }
    };

    before(async () => {
      roster = await startTestRoster(engine);
      conformance = await loadConformance(roster.url);
      acme = await organizationWithKey(roster, 'acme', 'admin', conformance.check);
      const connected = await acme.api.post<{ tenantUrl: string; token: string }>(
        '/organizations/acme/connections/scim',
        {},
      );
      scim = scimClient(connected.body.tenantUrl, connected.body.token);
    });
    after(() => roster.close());

    test('reads what SCIM writes, in the order it committed, without gaps', async () => {
      const alice = await scim.post('/Users', entraUser(1));
      const bob = await scim.post('/Users', entraUser(2));
      const group = await scim.post('/Groups', {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
        displayName: 'Sales',
        members: [{ value: alice.body.id }],
      });
      await scim.patch(
        `/Groups/${String(group.body.id)}`,
        patchOp({ op: 'add', path: 'members', value: [{ value: bob.body.id }] }),
      );
      await scim.patch(
        `/Users/${String(alice.body.id)}`,
        patchOp({ op: 'replace', path: 'active', value: false }),
      );

      const { events } = await readAll();
      assert.deepEqual(
        events.map((event) => event.seq),
        events.map((_event, index) => index + 1),
      );
      assert.deepEqual(
        events.map((event) => event.type),
        [
          'user.created',
          'user.created',
          'group.created',
          'group.member_added',
          'group.member_added',
          'user.deactivated',
        ],
      );
    });

    test('lists the event types a filter may name', async () => {
      const listed = await acme.api.get<{ data: string[] }>('/event-types');
      assert.ok(listed.body.data.includes('group.member_added'));
      assert.ok(listed.body.data.includes('webhook.disabled'));
    });

    test('filters by type and moves the cursor past events it skipped', async () => {
      const { events, cursor } = await readAll('&types=group.*', 10);
      assert.ok(events.length > 0);
      assert.ok(events.every((event) => event.type.startsWith('group.')));
      const everything = await acme.api.get<EventPage>('/organizations/acme/events?limit=1000');
      assert.equal(cursor, String(everything.body.data.at(-1)?.seq));
      const later = await acme.api.get<EventPage>(`/organizations/acme/events?after=${cursor}&types=group.*`);
      assert.deepEqual(later.body.data, []);
      assert.equal(later.body.nextCursor, cursor);
      assert.equal((await acme.api.get('/organizations/acme/events?types=nonsense.thing')).status, 400);
      const misspelt = await acme.api.get<{ type: string; field: string; detail: string }>(
        '/organizations/acme/events?types=group.*,user.nonexistent',
      );
      assert.equal(misspelt.status, 400);
      assert.equal(misspelt.body.type, 'urn:roster:problem:invalid-input');
      assert.equal(misspelt.body.field, 'types');
      assert.match(misspelt.body.detail, /"user\.nonexistent" is not a known event type; known types/);
    });

    test('numbers concurrent writers without gaps or repeats', async () => {
      const before = await readAll('', 1000);
      await Promise.all(
        Array.from({ length: 20 }, (_v, i) =>
          acme.api.post('/organizations/acme/users', {
            email: `c${i}@acme.test`,
            givenName: 'C',
            familyName: `${i}`,
          }),
        ),
      );
      const after = await acme.api.get<EventPage>(
        `/organizations/acme/events?after=${before.cursor}&limit=1000`,
      );
      const seqs = after.body.data.map((event) => event.seq);
      const start = Number(before.cursor);
      assert.deepEqual(
        seqs,
        seqs.map((_seq, index) => start + index + 1),
      );
      assert.equal(seqs.length, 20);
    });

    test('refuses a cursor past the last event instead of skipping the events up to it', async () => {
      const { cursor } = await readAll('', 1000);
      const last = Number(cursor);
      assert.ok(last > 0);
      const atEnd = await acme.api.get<EventPage>(`/organizations/acme/events?after=${last}`);
      assert.equal(atEnd.status, 200);
      assert.deepEqual(atEnd.body, { data: [], nextCursor: cursor, hasMore: false });
      for (const after of [String(last + 1), '500000', '9007199254740991']) {
        const refused = await acme.api.get<{ type: string; detail: string; field: string }>(
          `/organizations/acme/events?after=${after}`,
        );
        assert.equal(refused.status, 400, after);
        assert.equal(refused.body.type, 'urn:roster:problem:invalid-input');
        assert.equal(refused.body.field, 'after');
        assert.match(
          refused.body.detail,
          new RegExp(`after=${after} is past the last event .*\\(${last}\\)`),
        );
      }
    });

    test('refuses a cursor past 2^53 rather than rounding it to another position', async () => {
      for (const after of ['9007199254740992', '9007199254740993', '1'.repeat(400)]) {
        const refused = await acme.api.get<{ type: string; detail: string; field: string }>(
          `/organizations/acme/events?after=${after}`,
        );
        assert.equal(refused.status, 400, after);
        assert.equal(refused.body.field, 'after');
        assert.match(refused.body.detail, /after must be a whole number from 0 to 9007199254740991/);
      }
      const fraction = await acme.api.get<{ type: string }>('/organizations/acme/events?after=1.5');
      assert.equal(fraction.status, 400);
      assert.equal(fraction.body.type, 'urn:roster:problem:invalid-input');
    });

    /** An organization whose events 1 and 2 the retention sweep has deleted, and whose event 3 is kept. */
    const organizationPastRetention = async (slug: string) => {
      const old = new Date(Date.now() - 40 * 86_400_000).toISOString();
      const store = roster.runtime.store;
      const org = await organizationWithKey(roster, slug, 'admin', conformance.check);
      await store.transaction((trx) =>
        appendEvents(
          trx,
          org.id,
          [
            { type: 'user.created', data: {} },
            { type: 'user.updated', data: {} },
          ],
          old,
        ),
      );
      await store.transaction((trx) =>
        appendEvents(trx, org.id, [{ type: 'user.deleted', data: {} }], new Date().toISOString()),
      );
      const swept = await sweepExpiredEvents(roster.runtime);
      assert.ok(swept.eventsDeleted >= 2);
      return org;
    };

    test('reads from the oldest event kept when a reader starts from the beginning after retention', async () => {
      const org = await organizationPastRetention('oldco');
      for (const query of ['?after=0', '']) {
        const page = await org.api.get<EventPage>(`/organizations/oldco/events${query}`);
        assert.equal(page.status, 200, query);
        assert.deepEqual(
          page.body.data.map((event) => [event.seq, event.type]),
          [[3, 'user.deleted']],
        );
        assert.equal(page.body.nextCursor, '3');
      }
    });

    test('answers 410 with the cursor to restart from for a cursor older than the retention window', async () => {
      const org = await organizationPastRetention('lateco');
      const gone = await org.api.get<{
        type: string;
        detail: string;
        restartAfter: string;
        oldestSeq: number;
      }>('/organizations/lateco/events?after=1');
      assert.equal(gone.status, 410);
      assert.equal(gone.body.type, 'urn:roster:problem:gone');
      assert.equal(gone.body.restartAfter, '2');
      assert.equal(gone.body.oldestSeq, 3);
      assert.match(gone.body.detail, /after=2/);
      const resumed = await org.api.get<EventPage>(
        `/organizations/lateco/events?after=${gone.body.restartAfter}`,
      );
      assert.deepEqual(
        resumed.body.data.map((event) => event.type),
        ['user.deleted'],
      );
    });
  });
}
