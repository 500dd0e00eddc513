import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { engines } from '../support/engines.js';
import { connectToEmulator } from '../support/graph.js';
import { startTestRoster, type TestRoster } from '../support/roster.js';
import { launchChromium, screenshot } from './support/browser.js';
import { ensurePortalBuilt } from './support/portal-build.js';
import { signedInContext } from './support/portal-fixtures.js';

/**
 * What the portal tells an admin when things go wrong, in Chromium against a real Roster and the
 * Entra emulator: Roster out of reach (lists offer a retry; an action says the change may not have been made),
 * and a Graph test failure that goes once the secret it spoke of is replaced.
 */
const admin = { organization: 'acme', role: 'Admin', displayName: 'Alex Admin' };
const unreachable = 'Roster could not be reached';

for (const engine of engines) {
  describe(`the portal's feedback in Chromium on ${engine}`, { timeout: 150_000 }, () => {
    let roster: TestRoster;
    let emulator: Emulator;
    let browser: Browser;
    let context: BrowserContext;
    let page: Page;
    let connectionId = '';
    const shot = (name: string) => screenshot(page, `${engine}-feedback-${name}`);
    /** The REST API stops answering, as when Roster is down or the network is gone. */
    const cutOff = () => page.route('**/api/v1/**', (route) => route.abort('connectionrefused'));
    const reconnect = () => page.unroute('**/api/v1/**');

    before(async () => {
      ensurePortalBuilt();
      roster = await startTestRoster(engine);
      emulator = await startEmulator({ port: 0, users: 5, groups: 1, seed: 41 });
      ({ connectionId } = await connectToEmulator(roster, emulator, 'acme', {
        clientSecret: 'not-the-secret',
      }));
      browser = await launchChromium();
      context = await signedInContext(browser, roster, admin);
      page = await context.newPage();
    });
    after(async () => {
      await browser?.close();
      await emulator?.close();
      await roster?.close();
    });

    test('a list that Roster could not send says so and offers to try again', async () => {
      await cutOff();
      await page.goto(`${roster.url}/users`);
      const notice = page.getByRole('alert');
      await notice.getByText(unreachable).waitFor();
      assert.doesNotMatch(await notice.innerText(), /Failed to fetch/);
      await shot('list-unreachable');
      await reconnect();
      await notice.getByRole('button', { name: 'Try again' }).click();
      await page.getByRole('table').waitFor();
      assert.equal(await page.getByText(unreachable).count(), 0);
    });

    test('an action Roster could not receive says the change may not have been made', async () => {
      await page.goto(`${roster.url}/connections/${connectionId}`);
      await page.getByLabel('Sync schedule').waitFor();
      await cutOff();
      try {
        await page.getByLabel('Sync schedule').selectOption('15m');
        await page.getByRole('button', { name: 'Save schedule' }).click();
        await page.getByText(`${unreachable}, so the change may not have been made`).waitFor();
        assert.equal(await page.getByText('Failed to fetch').count(), 0);
        await shot('action-unreachable');
      } finally {
        await reconnect();
      }
    });

    test('replacing the secret clears the failed test that spoke of the old one', async () => {
      await page.goto(`${roster.url}/connections/${connectionId}`);
      await page.getByRole('button', { name: 'Test connection' }).click();
      const failure = page.locator('.test-report');
      await failure.getByText('AADSTS7000215').first().waitFor();

      await page.locator('summary', { hasText: 'Replace the client secret' }).click();
      await page.getByLabel('New client secret').fill(emulator.clients[0]?.clientSecret ?? '');
      await page.getByRole('button', { name: 'Replace secret' }).click();
      await page.getByText('Secret replaced. Test the connection to check it.').waitFor();
      assert.equal(await failure.count(), 0, 'the old failure and its advice are gone');
      assert.equal(await page.getByText('AADSTS7000215').count(), 0);
      await shot('secret-replaced');

      await page.getByRole('button', { name: 'Test connection' }).click();
      await page.getByText('Connection works').waitFor();
    });
  });
}
