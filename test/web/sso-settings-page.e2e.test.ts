import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { operatorRole } from '../../src/sso/portal-role.js';
import { createSession } from '../../src/sso/sessions.js';
import { createOrganization } from '../../src/store/organizations.js';
import { engines } from '../support/engines.js';
import { startTestRoster, type TestRoster } from '../support/roster.js';
import { launchChromium, screenshot } from './support/browser.js';
import { ensurePortalBuilt } from './support/portal-build.js';

/**
 * The SSO settings page in Chromium, host overrides off (the default), as the operator: a change
 * of cloud after the first save takes effect, a client id that is not a GUID is refused in the
 * form, and "Saved." speaks only of the last attempt.
 */
const tenantId = '0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9';
const clientId = '7c8d9e0f-1a2b-4c3d-8e4f-5a6b7c8d9e0f';

for (const engine of engines) {
  describe(`the SSO settings page in Chromium on ${engine}`, { timeout: 120_000 }, () => {
    let roster: TestRoster;
    let browser: Browser;
    let context: BrowserContext;
    let page: Page;
    let organizationId = '';
    const shot = (name: string) => screenshot(page, `${engine}-sso-${name}`);
    const saved = () => page.getByText('Saved.');
    const save = () => page.getByRole('button', { name: 'Save' }).click();
    const stored = () =>
      roster.runtime.store.db
        .selectFrom('sso_settings')
        .selectAll()
        .where('organization_id', '=', organizationId)
        .executeTakeFirst();

    before(async () => {
      ensurePortalBuilt();
      roster = await startTestRoster(engine, { ROSTER_ALLOW_HOST_OVERRIDES: 'off' });
      const db = roster.runtime.store.db;
      organizationId = (
        await createOrganization(db, { slug: 'acme', name: 'Acme', now: new Date().toISOString() })
      ).id;
      const { sessionId, session } = await createSession(
        db,
        { kind: 'operator', organizationId, userId: null, displayName: 'Operator', role: operatorRole },
        new Date(),
      );
      browser = await launchChromium();
      context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      await context.addCookies([
        { name: 'roster_session', value: sessionId, url: roster.url },
        { name: 'roster_csrf', value: session.csrfToken, url: roster.url },
      ]);
      page = await context.newPage();
    });
    after(async () => {
      await browser?.close();
      await roster?.close();
    });

    test('refuses an Application (client) ID that is not a GUID, and offers no broken redirect URI', async () => {
      await page.goto(`${roster.url}/settings/sso`);
      await page.getByLabel('Directory (tenant) ID').fill(tenantId);
      await page.getByLabel('Application (client) ID').fill('my app');
      await page.getByLabel('Client secret').fill('s3cret');
      await save();
      await page.getByText('The Application (client) ID is a GUID').waitFor();
      assert.equal(await page.getByLabel('Application (client) ID').getAttribute('aria-invalid'), 'true');
      assert.equal(await saved().count(), 0);
      assert.equal(await stored(), undefined, 'nothing was sent');
      assert.equal(await page.getByText('msalmy app').count(), 0);
      await shot('client-id-refused');
    });

    test('choosing another cloud after the first save changes the authority', async () => {
      await page.goto(`${roster.url}/settings/sso`);
      await page.getByLabel('Directory (tenant) ID').fill(tenantId);
      await page.getByLabel('Application (client) ID').fill(clientId);
      await page.getByLabel('Client secret').fill('s3cret');
      await save();
      await saved().waitFor();
      await page.getByText(`Authority: https://login.microsoftonline.com/${tenantId}/v2.0`).waitFor();

      await page.reload();
      await page.getByLabel('Cloud').waitFor();
      assert.equal(
        await page.getByLabel('Login URL (optional override)').inputValue(),
        '',
        "the cloud's own host is no override",
      );
      for (const [cloud, host] of [
        ['US Government (GCC High)', 'https://login.microsoftonline.us'],
        ['China (21Vianet)', 'https://login.partner.microsoftonline.cn'],
      ] as const) {
        await page.getByLabel('Cloud').selectOption({ label: cloud });
        await save();
        await saved().waitFor();
        await page.getByText(`Authority: ${host}/${tenantId}/v2.0`).waitFor();
        const reply = (await (await page.request.get(`${roster.url}/auth/settings`)).json()) as {
          settings: { loginUrl: string; authority: string };
        };
        assert.equal(reply.settings.loginUrl, host);
        assert.equal(reply.settings.authority, `${host}/${tenantId}/v2.0`);
      }
      await shot('cloud-changed');
    });

    test("a page loaded over settings that stored their cloud's host shows no override", async () => {
      await roster.runtime.store.db
        .updateTable('sso_settings')
        .set({ cloud: 'usgov', login_url: 'https://login.microsoftonline.us' })
        .where('organization_id', '=', organizationId)
        .execute();
      await page.goto(`${roster.url}/settings/sso`);
      await page.getByLabel('Cloud').waitFor();
      assert.equal(await page.getByLabel('Login URL (optional override)').inputValue(), '');
      await page.getByLabel('Cloud').selectOption({ label: 'Global (login.microsoftonline.com)' });
      await save();
      await page.getByText(`Authority: https://login.microsoftonline.com/${tenantId}/v2.0`).waitFor();
    });

    test('"Saved." goes when a later save fails', async () => {
      await page.goto(`${roster.url}/settings/sso`);
      await page.getByLabel('Cloud').waitFor();
      await save();
      await saved().waitFor();
      await page.getByLabel('Login URL (optional override)').fill('http://login.example.com');
      await save();
      await page.getByRole('alert').getByText('loginUrl must use https').waitFor();
      assert.equal(await saved().count(), 0, 'no "Saved." beside the error');
      await shot('save-failed');
    });
  });
}
