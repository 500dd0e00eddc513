import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { Webhook } from 'standardwebhooks';
import { startWebhookWorker, type WebhookWorker } from '../../src/events/webhooks/webhook-worker.js';
import { organizationWithKey } from '../api/support/api-client.js';
import { startWebhookReceiver, type WebhookReceiver } from '../events/support/webhook-receiver.js';
import { engines } from '../support/engines.js';
import { startTestRoster, type TestRoster } from '../support/roster.js';
import { launchChromium, screenshot } from './support/browser.js';
import { ensurePortalBuilt } from './support/portal-build.js';
import { signedInContext } from './support/portal-fixtures.js';

/**
 * The Webhooks page in Chromium: an endpoint Roster disabled after it kept failing shows why and
 * since when; an Admin enables it and rotates its secret in the page (deliveries then verify with
 * the secret the page showed), and a ReadOnly person sees the state but no such button.
 */
interface Endpoint {
  id: string;
  status: string;
  disabledReason: string | null;
}

for (const engine of engines) {
  describe(`the Webhooks page in Chromium on ${engine}`, { timeout: 120_000 }, () => {
    let roster: TestRoster;
    let receiver: WebhookReceiver;
    let worker: WebhookWorker;
    let acme: Awaited<ReturnType<typeof organizationWithKey>>;
    let browser: Browser;
    let context: BrowserContext;
    let page: Page;
    let endpoint: Endpoint;
    let users = 0;
    const shot = (name: string) => screenshot(page, `${engine}-webhooks-${name}`);
    const card = () => page.getByRole('article').filter({ hasText: `${receiver.url}/hook` });
    const readEndpoint = async () =>
      (await acme.api.get<Endpoint>(`/organizations/acme/webhooks/${endpoint.id}`)).body;
    const createUser = async () => {
      users += 1;
      const created = await acme.api.post('/organizations/acme/users', {
        email: `person${users}@acme.test`,
        givenName: 'Person',
        familyName: String(users),
      });
      assert.equal(created.status, 201);
    };
    const until = async <T>(read: () => Promise<T>, ok: (value: T) => boolean): Promise<T> => {
      const deadline = Date.now() + 10_000;
      for (;;) {
        const value = await read();
        if (ok(value)) return value;
        if (Date.now() > deadline) throw new Error(`Timed out; last value ${JSON.stringify(value)}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    };

    before(async () => {
      ensurePortalBuilt();
      roster = await startTestRoster(engine);
      receiver = await startWebhookReceiver();
      acme = await organizationWithKey(roster, 'acme');
      // A short schedule stands in for the production one, so Roster disables within the test.
      worker = startWebhookWorker(roster.runtime, {
        retryScheduleMs: [30],
        pollIntervalMs: 20,
        disableAfterMs: 0,
      });
      // The endpoint keeps failing until Roster disables it, as it would after a day of failures.
      receiver.failAlways('/hook', 503);
      const created = await acme.api.post<{ endpoint: Endpoint }>('/organizations/acme/webhooks', {
        url: `${receiver.url}/hook`,
        eventTypes: ['user.created'],
      });
      endpoint = created.body.endpoint;
      await createUser();
      await until(readEndpoint, (e) => e.status === 'disabled');
      receiver.failAlways('/hook', undefined);
      browser = await launchChromium();
      context = await signedInContext(browser, roster, {
        organization: 'acme',
        role: 'Admin',
        displayName: 'Ada Admin',
      });
      page = await context.newPage();
    });
    after(async () => {
      await browser?.close();
      await worker?.stop();
      await receiver?.close();
      await roster?.close();
    });

    test('a ReadOnly person sees why an endpoint is disabled, and no button to change it', async () => {
      const readerContext = await signedInContext(browser, roster, {
        organization: 'acme',
        role: 'ReadOnly',
        displayName: 'Rita Reader',
      });
      try {
        const reader = await readerContext.newPage();
        await reader.goto(`${roster.url}/webhooks`);
        await reader.getByText('You are signed in with the ReadOnly role').waitFor();
        await reader.getByText(/Disabled since .*: every delivery failed .*HTTP 503/).waitFor();
        for (const name of ['Enable', 'Disable', 'Rotate secret', 'Delete endpoint'])
          assert.equal(await reader.getByRole('button', { name, exact: true }).count(), 0, name);
      } finally {
        await readerContext.close();
      }
    });

    test('an Admin enables an endpoint Roster disabled, and the API reports it enabled', async () => {
      await page.goto(`${roster.url}/webhooks`);
      await card()
        .getByText(/Disabled since .*: every delivery failed .*HTTP 503/)
        .waitFor();
      await shot('disabled');
      await card().getByRole('button', { name: 'Enable', exact: true }).click();
      await card().getByText('Enabled. New events are sent to it again').waitFor();
      await card().getByRole('button', { name: 'Disable', exact: true }).waitFor();
      assert.equal((await readEndpoint()).status, 'enabled');
    });

    test('rotating the secret shows the new one once, and deliveries verify with it', async () => {
      await page.goto(`${roster.url}/webhooks`);
      await card().getByRole('button', { name: 'Rotate secret' }).click();
      await card().getByRole('button', { name: 'Yes, rotate it' }).click();
      const shown = card().getByRole('textbox', { name: 'New signing secret (shown once)' });
      const secret = await shown.inputValue();
      assert.match(secret, /^whsec_/);
      await shot('secret-rotated');

      const before = receiver.received.length;
      await createUser();
      const received = await receiver.waitFor((all) => all.slice(before).some((r) => r.path === '/hook'));
      const delivery = received.slice(before).find((r) => r.path === '/hook');
      assert.ok(delivery);
      assert.doesNotThrow(() => new Webhook(secret).verify(delivery.body, delivery.headers));

      await page.reload();
      await card().getByRole('button', { name: 'Rotate secret' }).waitFor();
      assert.equal(await shown.count(), 0, 'the secret is shown only once');
    });
  });
}
