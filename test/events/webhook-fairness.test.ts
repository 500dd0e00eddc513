import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { startWebhookWorker, type WebhookWorker } from '../../src/events/webhooks/webhook-worker.js';
import { organizationWithKey } from '../api/support/api-client.js';
import { engines } from '../support/engines.js';
import { startTestRoster, type TestRoster } from '../support/roster.js';

/**
 * Two receivers on loopback: `/slow` holds every request past the worker's timeout, `/fast`
 * answers 204 at once. Counts how many requests each has open at a time and when each arrived.
 */
async function startReceivers() {
  const open = { slow: 0, fast: 0 };
  const mostOpen = { slow: 0, fast: 0 };
  const fastArrivals: number[] = [];
  const held = new Set<http.ServerResponse>();
  const server = http.createServer((request, response) => {
    const path = request.url === '/slow' ? 'slow' : 'fast';
    open[path] += 1;
    mostOpen[path] = Math.max(mostOpen[path], open[path]);
    response.on('close', () => (open[path] -= 1));
    request.resume();
    request.on('end', () => {
      if (path === 'fast') {
        fastArrivals.push(Date.now());
        response.writeHead(204).end();
      } else held.add(response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    open,
    mostOpen,
    fastArrivals,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

for (const engine of engines) {
  describe(`webhook delivery shares its slots between endpoints on ${engine}`, () => {
    let roster: TestRoster;
    let receivers: Awaited<ReturnType<typeof startReceivers>>;
    let worker: WebhookWorker;

    before(async () => {
      roster = await startTestRoster(engine);
      receivers = await startReceivers();
      worker = startWebhookWorker(roster.runtime, {
        pollIntervalMs: 20,
        concurrency: 8,
        perEndpointConcurrency: 4,
        requestTimeoutMs: 4_000,
        retryScheduleMs: [60_000],
      });
    });
    after(async () => {
      // Closing the receivers first ends the held requests, so the worker stops at once.
      await receivers.close();
      await worker.stop();
      await roster.close();
    });

    const createUsers = async (org: Awaited<ReturnType<typeof organizationWithKey>>, count: number) => {
      for (let i = 0; i < count; i += 1) {
        const created = await org.api.post(`/organizations/${org.slug}/users`, {
          email: `u${i}@${org.slug}.test`,
          givenName: 'U',
          familyName: String(i),
        });
        assert.equal(created.status, 201);
      }
    };

    test("a receiver that does not answer delays only its own deliveries, not another organization's", async () => {
      const slowco = await organizationWithKey(roster, 'slowco');
      const acme = await organizationWithKey(roster, 'acme');
      for (const [org, path] of [
        [slowco, '/slow'],
        [acme, '/fast'],
      ] as const) {
        const created = await org.api.post(`/organizations/${org.slug}/webhooks`, {
          url: `${receivers.url}${path}`,
        });
        assert.equal(created.status, 201);
      }
      await createUsers(slowco, 20);
      const deadline = Date.now() + 5_000;
      while (receivers.open.slow === 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      assert.ok(receivers.open.slow > 0, 'the slow receiver got its first deliveries');

      const committedAt = Date.now();
      await createUsers(acme, 10);
      while (receivers.fastArrivals.length < 10 && Date.now() - committedAt < 3_500) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      // All ten arrive well before the slow receiver's requests time out (4 s) and free a slot.
      assert.equal(receivers.fastArrivals.length, 10);
      assert.ok(
        Math.max(...receivers.fastArrivals) - committedAt < 2_500,
        `the fast receiver got its last delivery ${Math.max(...receivers.fastArrivals) - committedAt} ms after the changes`,
      );
      assert.equal(receivers.mostOpen.slow, 4, 'the slow receiver holds at most 4 of the 8 slots');
    });
  });
}
