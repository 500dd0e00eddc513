import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startEmulator, type Emulator, type EmulatedUser } from '../../src/emulator/index.js';
import { createSignInLink } from '../../src/sso/sign-in-links.js';
import { createOrganization } from '../../src/store/organizations.js';
import { getPolicy } from '../../src/sync/policy-service.js';
import { engines } from '../support/engines.js';
import { startTestRoster, type TestRoster } from '../support/roster.js';
import { launchChromium, screenshot } from './support/browser.js';
import { ensurePortalBuilt } from './support/portal-build.js';

/**
 * The admin portal in a real browser, against a real Roster and the Entra emulator: an operator
 * connects Graph, maps a group, previews and runs a sync, watches a user get disabled, creates a
 * SCIM token; then Ada signs in with Microsoft (the emulator's OIDC) as an Admin.
 */
const graphClient = { clientId: '3f0c8a55-7e2b-4d7a-9a43-1f6f1f9b1a01', clientSecret: 'graph-secret-e2e' };
const portalClient = { clientId: '8a1d2c33-4b5e-4f60-8a71-9c8d7e6f5a02', clientSecret: 'portal-secret-e2e' };

for (const engine of engines) {
  describe(`the admin portal in Chromium on ${engine}`, { timeout: 180_000 }, () => {
    let roster: TestRoster;
    let emulator: Emulator;
    let browser: Browser;
    let context: BrowserContext;
    let page: Page;
    let ada: EmulatedUser;
    let connectionId = '';
    const nav = (name: string) =>
      page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name });
    const shot = (name: string, fullPage = true) => screenshot(page, `${engine}-${name}`, { fullPage });

    before(async () => {
      ensurePortalBuilt();
      roster = await startTestRoster(engine);
      emulator = await startEmulator({
        users: 40,
        groups: 5,
        seed: 7,
        clients: [
          { ...graphClient, roles: ['User.Read.All', 'Group.Read.All'] },
          { ...portalClient, roles: [], redirectUris: [`${roster.url}/auth/callback`] },
        ],
      });
      ada = emulator.tenant.addUser({
        displayName: 'Ada Lovelace',
        givenName: 'Ada',
        surname: 'Lovelace',
        userPrincipalName: `ada@${emulator.tenant.domain}`,
        mail: `ada@${emulator.tenant.domain}`,
        accountEnabled: true,
      });
      emulator.tenant.addGroup({ displayName: 'Roster Admins', members: [ada.id] });
      const now = new Date().toISOString();
      await createOrganization(roster.runtime.store.db, { slug: 'acme', name: 'Acme Corp', now });
      browser = await launchChromium();
      context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      page = await context.newPage();
    });
    after(async () => {
      await browser?.close();
      await emulator?.close();
      await roster?.close();
    });

    test('an operator signs in with a one-time link and sees the integration tiles', async () => {
      const link = await createSignInLink(roster.runtime.store.db, {
        publicUrl: roster.url,
        organizationId: (
          await roster.runtime.store.db.selectFrom('organizations').select('id').executeTakeFirstOrThrow()
        ).id,
        now: new Date(),
      });
      await page.goto(link.url);
      await page.getByRole('heading', { name: 'Integrations' }).waitFor();
      assert.equal(new URL(page.url()).hash, '', 'the token is gone from the address bar');
      await page.getByText('Microsoft Entra ID — Graph sync').waitFor();
      await shot('integrations');
      const again = await context.newPage();
      await again.goto(link.url);
      await again.getByText('already used or has expired').waitFor();
      await again.close();
    });

    test('saves SSO settings and shows the redirect URIs to register', async () => {
      await nav('SSO').click();
      await page.getByLabel('Directory (tenant) ID').fill(emulator.tenantId);
      await page.getByLabel('Application (client) ID').fill(portalClient.clientId);
      await page.getByLabel('Client secret').fill(portalClient.clientSecret);
      await page.getByLabel('Login URL (optional override)').fill(emulator.loginUrl);
      await page.getByRole('button', { name: 'Save' }).click();
      await page.getByText('Saved.').waitFor();
      assert.equal(
        await page.getByRole('textbox', { name: 'Web' }).inputValue(),
        `${roster.url}/auth/callback`,
      );
      await shot('sso-settings');
    });

    test('connects Graph to the emulator and tests the connection', async () => {
      await nav('Integrations').click();
      await page
        .getByRole('article', { name: 'Microsoft Entra ID — Graph sync' })
        .getByRole('link', { name: 'Connect' })
        .click();
      await page.getByLabel('Directory (tenant) ID').fill(emulator.tenantId);
      await page.getByLabel('Application (client) ID').fill(graphClient.clientId);
      await page.getByLabel('Client secret').fill(graphClient.clientSecret);
      await page.getByRole('button', { name: 'Show custom hosts' }).click();
      await page.getByLabel('Login URL').fill(emulator.loginUrl);
      await page.getByLabel('Graph URL').fill(emulator.graphUrl);
      await shot('graph-connect');
      await page.getByRole('button', { name: 'Save and test' }).click();
      await page.getByText('Connection works').waitFor();
      connectionId = new URL(page.url()).pathname.split('/').pop() ?? '';
      await shot('graph-tested');
    });

    test('changes how often the connection syncs', async () => {
      await page.getByLabel('Sync schedule').selectOption('15m');
      await page.getByRole('button', { name: 'Save schedule' }).click();
      await page.locator('.facts dd', { hasText: 'Every 15 minutes' }).waitFor();
      const stored = await roster.runtime.store.db
        .selectFrom('connections')
        .select('settings')
        .where('id', '=', connectionId)
        .executeTakeFirstOrThrow();
      assert.equal((JSON.parse(stored.settings) as { intervalMinutes: number }).intervalMinutes, 15);
    });

    test('maps a directory group picked by searching as you type', async () => {
      await page.getByLabel('Find a directory group').fill('Roster');
      await page.getByRole('button', { name: 'Roster Admins', exact: true }).click();
      await page.getByRole('button', { name: 'Add mapping' }).click();
      await page.getByText('Saved. The next sync applies it.').waitFor();
      const stored = await getPolicy(roster.runtime, connectionId);
      const mappings = (stored.policy.groups as { mappings: unknown[] }).mappings;
      assert.equal(mappings.length, 1);
      // Members of Roster Admins get the Admin role, so Ada may sign in with Microsoft later.
      await page.getByLabel('Group for a role rule').fill('Roster');
      await page.getByRole('button', { name: 'Roster Admins', exact: true }).click();
      await page.getByLabel('Role', { exact: true }).selectOption('Admin');
      await page.getByRole('button', { name: 'Add role rule' }).click();
      await page.getByText('Members of Roster Admins get Admin').waitFor();
      const rules = (await getPolicy(roster.runtime, connectionId)).policy.roles as { rules: unknown[] };
      assert.deepEqual(rules.rules, [
        {
          group: { id: emulator.tenant.listGroups().find((g) => g.displayName === 'Roster Admins')?.id },
          role: 'Admin',
        },
      ]);
      await shot('group-mapping');
    });

    test('previews the first sync with a dry run, warns above the seat limit, then syncs', async () => {
      const seatLimit = (limit: number) =>
        roster.runtime.store.db
          .updateTable('organizations')
          .set({ settings: JSON.stringify({ seatLimit: limit }) })
          .where('slug', '=', 'acme')
          .execute();
      await seatLimit(30);
      await page.reload();
      await page.getByText('Not synced yet').waitFor();
      await page.getByRole('button', { name: 'Preview (dry run)' }).click();
      // Above the seat limit the guard applies nothing and says how many users would have come.
      await page
        .locator('.run[data-run-status="failed"], .run[data-run-status="succeeded"]')
        .waitFor({ timeout: 60_000 });
      await page
        .getByText(/30 seats|seat limit of 30/)
        .first()
        .waitFor();
      await shot('dry-run-over-seat-limit');
      await seatLimit(1000);
      await page.getByRole('button', { name: 'Preview (dry run)' }).click();
      await page.locator('.run[data-run-status="succeeded"]').waitFor({ timeout: 60_000 });
      assert.match(await page.locator('.run').innerText(), /Dry run[\s\S]*will create \d+ users/);
      await shot('dry-run');
      await page.getByRole('button', { name: 'Sync now' }).click();
      await page
        .locator('.run[data-run-status="succeeded"]:not(:has-text("Dry run"))')
        .waitFor({ timeout: 60_000 });
      await shot('synced');
    });

    test('shows the synced users and the groups with member counts', async () => {
      await nav('Users').click();
      await page.locator('tbody tr[data-email]').first().waitFor();
      assert.ok((await page.locator('tbody tr[data-email]').count()) > 10);
      await shot('users');
      await page.getByLabel('Search').fill('ada@');
      await page.locator(`tr[data-email="${ada.mail ?? ''}"]`).waitFor();
      await nav('Groups').click();
      const admins = page.locator('tr[data-group="Roster Admins"] .member-count');
      await admins.waitFor();
      assert.equal(await admins.innerText(), '1');
      await shot('groups');
    });

    test('a user disabled in Entra is inactive after the next sync', async () => {
      const someone = emulator.tenant
        .listUsers({ limit: 40 })
        .find((u) => u.accountEnabled && u.mail !== null && u.userType === 'Member' && u.id !== ada.id);
      assert.ok(someone, 'the tenant has an enabled member with mail');
      emulator.tenant.disableUser(someone.id);
      await page.goto(`${roster.url}/connections/${connectionId}`);
      await page.getByRole('heading', { name: 'Last sync' }).waitFor();
      await page.getByRole('button', { name: 'Sync now' }).click();
      // The new run replaces the last one on the page; only then does its status mean anything.
      await page.getByRole('heading', { name: 'Last sync' }).waitFor({ state: 'detached' });
      await page.locator('.run[data-run-status="succeeded"]').waitFor({ timeout: 60_000 });
      await nav('Users').click();
      await page.getByLabel('Status').selectOption('inactive');
      const email = (someone.mail ?? '').toLowerCase();
      await page.locator('tr[data-email]', { hasText: email }).filter({ hasText: 'inactive' }).waitFor();
      // The filter's answer replaces the unfiltered page: then every row shown is inactive.
      await page.waitForFunction(() =>
        [...document.querySelectorAll('tbody tr[data-email]')].every((row) =>
          row.textContent?.includes('inactive'),
        ),
      );
      await shot('user-inactive');
    });

    test('creates a SCIM connection and shows its token once', async () => {
      await nav('Integrations').click();
      await page
        .getByRole('article', { name: 'Microsoft Entra ID — provisioning (SCIM)' })
        .getByRole('link', { name: 'Connect' })
        .click();
      await page.getByRole('button', { name: 'Create Tenant URL and token' }).click();
      const token = await page.getByRole('textbox', { name: 'Secret Token' }).inputValue();
      assert.match(token, /^scim_[A-Za-z0-9_-]{43}$/);
      assert.match(
        await page.getByRole('textbox', { name: 'Tenant URL' }).inputValue(),
        /\/scim\/v2\/[0-9a-f-]{36}\?aadOptscim062020$/,
      );
      await shot('scim-token');
      await page.getByRole('link', { name: 'Go to the connection' }).click();
      await page.getByText("Waiting for Entra's first request").waitFor();
      await shot('scim-waiting');
      // Entra's Test Connection: a filtered GET with the token; the page turns live by itself.
      const tenantUrl = new URL(
        await page
          .locator('.mono', { hasText: 'Tenant URL' })
          .innerText()
          .then((t) => t.replace('Tenant URL: ', '')),
      );
      const probe = await fetch(
        `${tenantUrl.origin}${tenantUrl.pathname}/Users?filter=userName%20eq%20%22x%22`,
        {
          headers: { authorization: `Bearer ${token}` },
        },
      );
      assert.equal(probe.status, 200);
      await page.getByText("Live · Entra's last request").waitFor({ timeout: 15_000 });
      await page.getByRole('button', { name: 'Create a new token' }).click();
      assert.match(await page.getByRole('textbox', { name: 'Secret Token' }).inputValue(), /^scim_/);
      // The list reloads after the new token shows: wait for its second row before counting.
      await page.locator('.tokens li').nth(1).waitFor();
      assert.equal(await page.locator('.tokens li').count(), 2);
      await shot('scim-live');
    });

    test('Ada signs in with Microsoft through the emulator and gets the Admin role', async () => {
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByLabel('Organization').fill('acme');
      await page.getByRole('button', { name: 'Sign in with Microsoft' }).click();
      await page.locator('#login').fill(ada.userPrincipalName);
      await page.locator('#submit-login').click();
      await page.getByRole('heading', { name: 'Integrations' }).waitFor();
      assert.match(await page.locator('.who').innerText(), /Ada Lovelace \(Admin\)/);
      await shot('signed-in-with-microsoft');
    });

    test('shows a user with their directory source, a group with its members, runs and webhooks', async () => {
      await nav('Users').click();
      await page.getByLabel('Search').fill('ada@');
      await page.getByRole('link', { name: 'Ada Lovelace' }).click();
      await page.getByRole('heading', { name: 'Directory sources' }).waitFor();
      assert.match(await page.locator('.json').first().innerText(), /"userPrincipalName"/);
      await shot('user');
      await page.getByRole('link', { name: 'Roster Admins' }).click();
      await page.locator('.members li', { hasText: 'Ada Lovelace' }).waitFor();
      await shot('group');
      await nav('Sync runs').click();
      await page.locator('.run').first().waitFor();
      await shot('runs');
      await nav('Webhooks').click();
      await page.getByLabel('URL').fill('https://hooks.example.com/roster');
      await page.getByRole('button', { name: 'Add endpoint' }).click();
      assert.match(
        await page.getByRole('textbox', { name: 'Signing secret (shown once)' }).inputValue(),
        /^whsec_/,
      );
      await page.getByRole('heading', { name: 'https://hooks.example.com/roster' }).waitFor();
      await shot('webhooks');
    });

    test('reads well on a phone', async () => {
      await page.setViewportSize({ width: 390, height: 844 });
      await nav('Users').click();
      await page.locator('tbody tr[data-email]').first().waitFor();
      await shot('users-phone', false);
      await page.setViewportSize({ width: 1280, height: 800 });
      await nav('Audit log').click();
      await page.locator('tbody tr').first().waitFor();
      await shot('audit');
    });
  });
}
