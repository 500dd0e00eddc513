import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { engines } from '../support/engines.js';
import { startTestRoster, type TestRoster } from '../support/roster.js';
import { launchChromium, screenshot } from './support/browser.js';
import { ensurePortalBuilt } from './support/portal-build.js';

/**
 * The sign-in page's error notice. Roster sends a failed sign-in back to /sign-in?error=<code>;
 * anyone can craft such a link, so the page shows only its own words, chosen by the code.
 */
const crafted = 'Your account is locked. Call +1 555 0100 to unlock it.';

for (const engine of engines) {
  describe(`the sign-in page in Chromium on ${engine}`, { timeout: 60_000 }, () => {
    let roster: TestRoster;
    let browser: Browser;
    let page: Page;
    const notice = () => page.locator('.notice.error');
    const open = async (query: Record<string, string>) => {
      await page.goto(`${roster.url}/sign-in?${new URLSearchParams(query).toString()}`);
      await page.getByRole('button', { name: 'Sign in with Microsoft' }).waitFor();
    };

    before(async () => {
      ensurePortalBuilt();
      roster = await startTestRoster(engine);
      browser = await launchChromium();
      page = await browser.newPage();
    });
    after(async () => {
      await browser?.close();
      await roster?.close();
    });

    test('never shows the message a link carries, only its own text for the error code', async () => {
      await open({ error: 'tenant_mismatch', message: crafted });
      await notice().getByText('This Microsoft account belongs to another directory (tenant).').waitFor();
      assert.match(await notice().innerText(), /Use another account/);
      assert.equal(await page.getByText(crafted).count(), 0);
      assert.equal(await page.getByText('Call +1 555').count(), 0);
      await screenshot(page, `${engine}-sign-in-error`);
    });

    test('names the remedy for each way a sign-in with Microsoft fails', async () => {
      const remedies: [code: string, text: string][] = [
        ['sso_not_configured', 'must set it up under SSO'],
        ['sign_in_expired', 'Start again from this page'],
        ['state_mismatch', 'Start again from this page'],
        ['issuer_mismatch', 'check the Directory (tenant) ID and cloud under SSO'],
        ['unknown_user', 'Ask an admin to sync or add you'],
        ['user_inactive', 'Ask an admin to reactivate it'],
        ['no_portal_role', 'ReadOnly, User, Admin or EnterpriseAdmin role'],
        ['link_invalid', 'npx roster admin link'],
        ['provider_error', 'Try again'],
      ];
      for (const [code, text] of remedies) {
        await open({ error: code, message: crafted });
        await notice().getByText(text).waitFor();
        assert.equal(await page.getByText(crafted).count(), 0, `${code} shows no crafted text`);
      }
    });

    test('an unknown code gets a generic text, and a message alone shows nothing', async () => {
      await open({ error: 'account_locked', message: crafted });
      assert.equal(await notice().innerText(), 'Sign-in failed; try again.');
      assert.equal(await page.getByText(crafted).count(), 0);
      await open({ message: crafted });
      assert.equal(await notice().count(), 0);
      assert.equal(await page.getByText(crafted).count(), 0);
    });
  });
}
