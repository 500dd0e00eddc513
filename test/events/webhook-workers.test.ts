import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { loadConfig } from '../../src/config.js';
import { startWebhookWorker, type WebhookWorker } from '../../src/events/webhooks/webhook-worker.js';
import { createLogger } from '../../src/logger.js';
import { openRuntime, type Runtime } from '../../src/runtime.js';
import { organizationWithKey } from '../api/support/api-client.js';
import { engines } from '../support/engines.js';
import { startTestRoster, type TestRoster } from '../support/roster.js';
import { startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver.js';

/**
 * Several Roster processes on one PostgreSQL share delivery: each claims deliveries with
 * FOR UPDATE SKIP LOCKED, so every event reaches the receiver once. (SQLite has one server.)
 */
for (const engine of engines.filter((candidate) => candidate === 'postgres')) {
  describe(`webhook delivery shared by two processes on ${engine}`, () => {
    let roster: TestRoster;
    let second: Runtime;
    let receiver: WebhookReceiver;
    let workers: WebhookWorker[];

    before(async () => {
      roster = await startTestRoster(engine);
      // A second runtime on the same database stands in for a second process: its own pool,
      // its own event bus, which the first process's commits never wake.
      second = await openRuntime(loadConfig({ ...roster.env }), { logger: createLogger('silent') });
      receiver = await startWebhookReceiver();
      workers = [roster.runtime, second].map((runtime) =>
        startWebhookWorker(runtime, { pollIntervalMs: 20, concurrency: 8 }),
      );
    });
    after(async () => {
      await Promise.all(workers.map((worker) => worker.stop()));
      await receiver.close();
      await second.close();
      await roster.close();
    });

    test('delivers each of 100 events exactly once', async () => {
      const acme = await organizationWithKey(roster, 'acme');
      const created = await acme.api.post('/organizations/acme/webhooks', { url: `${receiver.url}/shared` });
      assert.equal(created.status, 201);
      await Promise.all(
        Array.from({ length: 100 }, (_v, i) =>
          acme.api.post('/organizations/acme/users', {
            email: `u${i}@acme.test`,
            givenName: 'U',
            familyName: `${i}`,
          }),
        ),
      );
      await receiver.waitFor((all) => all.length >= 100, 20_000);
      // A moment longer, so a second copy of any event would have arrived too.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const ids = receiver.received.map((received) => received.headers['webhook-id']);
      assert.equal(ids.length, 100);
      assert.equal(new Set(ids).size, 100);
    });
  });
}
