import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { startWebhookWorker, type WebhookWorker } from '../../src/events/webhooks/webhook-worker.js';
import { organizationWithKey } from '../api/support/api-client.js';
import { loadConformance } from '../api/support/openapi-conformance.js';
import { engines } from '../support/engines.js';
import { startTestRoster, type TestRoster } from '../support/roster.js';
import { startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver.js';

interface Endpoint {
  id: string;
  status: string;
  disabledReason: string | null;
}
interface Delivery {
  id: string;
  eventId: string;
  status: string;
  attempts: { attempt: number; statusCode: number | null; error: string | null }[];
  redeliveryOf: string | null;
}
interface Payload {
  id: string;
  seq: number;
  type: string;
  organizationId: string;
  data: { user?: { email: string }; endpointId?: string };
}

for (const engine of engines) {
  describe(`Webhooks, signed and retried, to a receiver on loopback on ${engine}`, () => {
    let roster: TestRoster;
    let receiver: WebhookReceiver;
    let worker: WebhookWorker;
    let acme: Awaited<ReturnType<typeof organizationWithKey>>;
    let userCount = 0;

    const addEndpoint = async (path: string, eventTypes: string[] = []) => {
      const created = await acme.api.post<{ endpoint: Endpoint; secret: string }>(
        '/organizations/acme/webhooks',
        {
          url: `${receiver.url}${path}`,
          eventTypes,
        },
      );
      assert.equal(created.status, 201);
      return created.body;
    };
    const createUser = async () => {
      userCount += 1;
      const created = await acme.api.post<{ id: string; email: string }>('/organizations/acme/users', {
        email: `user${userCount}@acme.test`,
        givenName: 'U',
        familyName: String(userCount),
      });
      assert.equal(created.status, 201);
      return created.body;
    };
    const deliveries = async (endpointId: string) =>
      (await acme.api.get<{ data: Delivery[] }>(`/organizations/acme/webhooks/${endpointId}/deliveries`)).body
        .data;
    const until = async <T>(
      read: () => Promise<T>,
      ok: (value: T) => boolean,
      timeoutMs = 10_000,
    ): Promise<T> => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const value = await read();
        if (ok(value)) return value;
        if (Date.now() > deadline) throw new Error(`Timed out; last value ${JSON.stringify(value)}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    };

    before(async () => {
      roster = await startTestRoster(engine);
      receiver = await startWebhookReceiver();
      const conformance = await loadConformance(roster.url);
      acme = await organizationWithKey(roster, 'acme', 'admin', conformance.check);
      // A short schedule stands in for the production one (5 s … 8 h), so retries and disabling
      // happen within the test; disabling needs no minimum failing time here.
      worker = startWebhookWorker(roster.runtime, {
        retryScheduleMs: [30, 30],
        pollIntervalMs: 20,
        disableAfterMs: 0,
      });
    });
    after(async () => {
      await worker.stop();
      await receiver.close();
      await roster.close();
    });

    test('delivers a change signed per Standard Webhooks, verified with the endpoint secret', async () => {
      const { endpoint, secret } = await addEndpoint('/signed', ['user.*']);
      assert.match(secret, /^whsec_[A-Za-z0-9+/]{43}=$/);
      await acme.api.post('/organizations/acme/groups', { displayName: 'Not wanted here' });
      const user = await createUser();
      const [received] = await receiver.waitFor((all) => all.some((r) => r.path === '/signed'));
      assert.ok(received);
      const payload = new Webhook(secret).verify(received.body, received.headers) as Payload;
      assert.equal(payload.type, 'user.created');
      assert.equal(payload.data.user?.email, user.email);
      assert.equal(payload.organizationId, acme.id);
      assert.equal(received.headers['webhook-id'], payload.id);
      assert.throws(() =>
        new Webhook(`whsec_${Buffer.alloc(32, 1).toString('base64')}`).verify(
          received.body,
          received.headers,
        ),
      );
      const log = await until(
        () => deliveries(endpoint.id),
        (list) => list.length === 1 && list[0]?.status === 'succeeded',
      );
      assert.equal(log[0]?.attempts[0]?.statusCode, 200);
      assert.equal(
        receiver.received.filter((r) => r.path === '/signed').length,
        1,
        'the group event was filtered out',
      );
    });

    test('never shows the secret again, and a rotated secret signs the next deliveries', async () => {
      const { endpoint } = await addEndpoint('/rotated', ['user.created']);
      const shown = await acme.api.get<Record<string, unknown>>(
        `/organizations/acme/webhooks/${endpoint.id}`,
      );
      assert.equal(shown.body.secret, undefined);
      const rotated = await acme.api.post<{ secret: string }>(
        `/organizations/acme/webhooks/${endpoint.id}/rotate-secret`,
      );
      await createUser();
      const received = await receiver.waitFor((all) => all.some((r) => r.path === '/rotated'));
      const last = received.filter((r) => r.path === '/rotated').at(-1);
      assert.ok(last);
      assert.doesNotThrow(() => new Webhook(rotated.body.secret).verify(last.body, last.headers));
    });

    test('retries after a 500 and succeeds, with the same webhook-id', async () => {
      receiver.respond('/flaky', 500);
      const { endpoint } = await addEndpoint('/flaky', ['user.created']);
      await createUser();
      const log = await until(
        () => deliveries(endpoint.id),
        (list) => list[0]?.status === 'succeeded',
      );
      assert.deepEqual(
        log[0]?.attempts.map((a) => a.statusCode),
        [500, 200],
      );
      const calls = receiver.received.filter((r) => r.path === '/flaky');
      assert.equal(calls.length, 2);
      assert.equal(calls[0]?.headers['webhook-id'], calls[1]?.headers['webhook-id']);
    });

    test('disables an endpoint that keeps failing, and says so with a webhook.disabled event', async () => {
      receiver.failAlways('/down', 503);
      const { endpoint } = await addEndpoint('/down', ['user.created']);
      await createUser();
      const disabled = await until(
        async () => (await acme.api.get<Endpoint>(`/organizations/acme/webhooks/${endpoint.id}`)).body,
        (value) => value.status === 'disabled',
      );
      assert.match(disabled.disabledReason ?? '', /HTTP 503/);
      const log = await deliveries(endpoint.id);
      assert.equal(log[0]?.status, 'failed');
      assert.deepEqual(
        log[0]?.attempts.map((a) => a.attempt),
        [1, 2, 3],
      );
      const events = await acme.api.get<{ data: { type: string; data: { endpointId: string } }[] }>(
        '/organizations/acme/events?types=webhook.*',
      );
      assert.ok(events.body.data.some((event) => event.data.endpointId === endpoint.id));

      // Re-enabled, it receives new events again; the failed one can be sent again by hand.
      receiver.failAlways('/down', undefined);
      const enabled = await acme.api.patch<Endpoint>(`/organizations/acme/webhooks/${endpoint.id}`, {
        status: 'enabled',
      });
      assert.equal(enabled.body.status, 'enabled');
      await createUser();
      await until(
        () => deliveries(endpoint.id),
        (list) => list.some((d) => d.status === 'succeeded'),
      );
    });

    test('redelivers a delivery on request, as a new delivery of the same message', async () => {
      const { endpoint, secret } = await addEndpoint('/again', ['user.created']);
      await createUser();
      const [first] = await until(
        () => deliveries(endpoint.id),
        (list) => list[0]?.status === 'succeeded',
      );
      assert.ok(first);
      const redelivered = await acme.api.post<Delivery>(
        `/organizations/acme/webhooks/${endpoint.id}/deliveries/${first.id}/redeliver`,
      );
      assert.equal(redelivered.status, 202);
      assert.equal(redelivered.body.redeliveryOf, first.id);
      const calls = await receiver.waitFor((all) => all.filter((r) => r.path === '/again').length === 2);
      const [one, two] = calls.filter((r) => r.path === '/again');
      assert.equal(one?.headers['webhook-id'], two?.headers['webhook-id']);
      assert.ok(two);
      assert.doesNotThrow(() => new Webhook(secret).verify(two.body, two.headers));
      await until(
        () => deliveries(endpoint.id),
        (list) => list.length === 2 && list.every((d) => d.status === 'succeeded'),
      );
    });

    test('does not deliver events appended while an endpoint is disabled; the Events API has them', async () => {
      const { endpoint } = await addEndpoint('/paused', ['user.created']);
      await acme.api.patch(`/organizations/acme/webhooks/${endpoint.id}`, { status: 'disabled' });
      const missed = await createUser();
      const enabled = await acme.api.patch<Endpoint>(`/organizations/acme/webhooks/${endpoint.id}`, {
        status: 'enabled',
      });
      assert.equal(enabled.body.status, 'enabled');
      const resumed = await createUser();
      const calls = await receiver.waitFor((all) => all.some((r) => r.path === '/paused'));
      const sent = calls.filter((r) => r.path === '/paused').map((r) => (JSON.parse(r.body) as Payload).data);
      assert.deepEqual(
        sent.map((data) => data.user?.email),
        [resumed.email],
      );
      const log = await until(
        () => deliveries(endpoint.id),
        (list) => list.length > 0 && list.every((d) => d.status === 'succeeded'),
      );
      assert.equal(log.length, 1, 'the event of the disabled time has no delivery to redeliver');
      const events = await acme.api.get<{ data: { data: { user?: { email: string } } }[] }>(
        '/organizations/acme/events?types=user.created&limit=1000',
      );
      assert.ok(events.body.data.some((event) => event.data.user?.email === missed.email));
    });

    test('refuses a deliveries cursor it did not give out', async () => {
      const { endpoint } = await addEndpoint('/cursor', ['user.created']);
      const path = `/organizations/acme/webhooks/${endpoint.id}/deliveries`;
      const now = new Date().toISOString();
      for (const cursor of [
        'garbage|x',
        `${now}|x`,
        `yesterday|${endpoint.id}`,
        `${now}|${endpoint.id}|more`,
        `${now.slice(0, 19)}|${endpoint.id}`,
      ]) {
        const encoded = Buffer.from(cursor).toString('base64url');
        const refused = await acme.api.get<{ type: string; field: string }>(`${path}?cursor=${encoded}`);
        assert.equal(refused.status, 400, cursor);
        assert.equal(refused.body.type, 'urn:roster:problem:invalid-input');
        assert.equal(refused.body.field, 'cursor');
      }
      assert.equal((await acme.api.get(`${path}?cursor=%E2%9C%93`)).status, 400);
      const valid = Buffer.from(`${now}|${endpoint.id}`).toString('base64url');
      assert.equal((await acme.api.get(`${path}?cursor=${valid}`)).status, 200);
    });

    test('refuses an unknown event type and a URL with credentials', async () => {
      const typo = await acme.api.post('/organizations/acme/webhooks', {
        url: `${receiver.url}/x`,
        eventTypes: ['usr.created'],
      });
      assert.equal(typo.status, 400);
      // A typo in a known family is refused too: the endpoint would never receive anything.
      const misspelt = await acme.api.post<{ type: string; field: string; detail: string }>(
        '/organizations/acme/webhooks',
        { url: `${receiver.url}/x`, eventTypes: ['user.*', 'user.creatd'] },
      );
      assert.equal(misspelt.status, 400);
      assert.match(misspelt.contentType, /^application\/problem\+json/);
      assert.equal(misspelt.body.type, 'urn:roster:problem:invalid-input');
      assert.equal(misspelt.body.field, 'eventTypes/1');
      assert.match(misspelt.body.detail, /"user\.creatd" is not a known event type/);
      assert.match(misspelt.body.detail, /user\.created/);
      assert.match(misspelt.body.detail, /GET \/api\/v1\/event-types/);
      const creds = await acme.api.post('/organizations/acme/webhooks', {
        url: 'https://user:pw@example.com/',
      });
      assert.equal(creds.status, 400);
    });
  });
}

describe('Webhook targets on a Roster with the default settings', () => {
  let roster: TestRoster;
  let acme: Awaited<ReturnType<typeof organizationWithKey>>;
  before(async () => {
    roster = await startTestRoster('sqlite', { ROSTER_WEBHOOKS_ALLOW_PRIVATE: 'off' });
    acme = await organizationWithKey(roster, 'acme');
  });
  after(() => roster.close());

  test('refuses URLs naming loopback, private, link-local or metadata addresses, with a problem naming url', async () => {
    for (const url of [
      'http://127.0.0.1:9/hook',
      'http://localhost/hook',
      'http://localhost./hook',
      'http://LocalHost./hook',
      'http://foo.localhost./hook',
      'http://[::1]/hook',
      'http://10.0.0.5/hook',
      'http://192.168.1.20/hook',
      'http://169.254.169.254/latest/meta-data',
      'http://[::ffff:127.0.0.1]/hook',
    ]) {
      const refused = await acme.api.post<{ title: string; detail: string; errors?: { field: string }[] }>(
        '/organizations/acme/webhooks',
        { url },
      );
      assert.equal(refused.status, 400, url);
      assert.match(refused.body.detail, /public address/, url);
    }
    const created = await acme.api.post('/organizations/acme/webhooks', {
      url: 'https://hooks.example.com/roster',
    });
    assert.equal(created.status, 201);
  });
});
