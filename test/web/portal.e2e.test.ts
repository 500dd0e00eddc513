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
import { signedInContext, slowUsersRound } from './support/portal-fixtures.js';

/**
 * The admin portal in a real browser, against a real Roster and the Entra emulator: an operator
 * connects Graph, maps a group, previews and runs a sync, watches a user get disabled, follows a
 * slow sync across pages and cancels one, sees a broken connection's failed sync, creates a SCIM
 * token; then Ada signs in with Microsoft (the emulator's OIDC) as an Admin, and a ReadOnly person
 * looks without being offered changes.
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
    let scimConnectionId = '';
    const nav = (name: string) =>
      page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name });
    const shot = (name: string, fullPage = true) => screenshot(page, `${engine}-${name}`, { fullPage });
    /** How many errors the connection's latest run recorded. */
    const runErrors = async (connection: string) => {
      const row = await roster.runtime.store.db
        .selectFrom('sync_runs')
        .select('errors')
        .where('connection_id', '=', connection)
        .orderBy('created_at', 'desc')
        .executeTakeFirstOrThrow();
      return (JSON.parse(row.errors) as unknown[]).length;
    };

    before(async () => {
      ensurePortalBuilt();
      roster = await startTestRoster(engine);
      emulator = await startEmulator({
        users: 40,
        groups: 5,
        seed: 7,
        // Small pages, so a sync has several and a slow page can hold a run in "running".
        pageSizes: { usersDelta: 10 },
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

    test('maps a directory group picked by searching as you type, saving only the mapping', async () => {
      const enrollment = page.getByLabel('Send an enrollment email');
      const enrollmentStored = async () =>
        ((await getPolicy(roster.runtime, connectionId)).effective.newUsers as { enrollmentEmail: boolean })
          .enrollmentEmail;
      const unsaved = page.getByText('Unsaved changes to the options');
      // An option changed but not saved stays unsaved when a mapping or a rule is added.
      await enrollment.check();
      await page.getByLabel('Find a directory group').fill('Roster');
      await page.getByRole('button', { name: 'Roster Admins', exact: true }).click();
      await page.getByRole('button', { name: 'Add mapping' }).click();
      await page.getByText('Saved. The next sync applies it.').waitFor();
      const stored = await getPolicy(roster.runtime, connectionId);
      const mappings = (stored.policy.groups as { mappings: unknown[] }).mappings;
      assert.equal(mappings.length, 1);
      assert.equal(await enrollmentStored(), false, 'adding a mapping saved only the mapping');
      assert.ok(await enrollment.isChecked(), 'the unsaved option is still in the form');
      await unsaved.waitFor();
      // Members of Roster Admins get the Admin role, so Ada may sign in with Microsoft later.
      await page.getByLabel('Group for a role rule').fill('Roster');
      await page.getByRole('button', { name: 'Roster Admins', exact: true }).click();
      await page.getByLabel('Role', { exact: true }).selectOption('Admin');
      await page.getByRole('button', { name: 'Add role rule' }).click();
      await page.getByText('Members of Roster Admins get Admin').waitFor();
      await page.getByText('Saved. The next sync applies it.').waitFor();
      const rules = (await getPolicy(roster.runtime, connectionId)).policy.roles as { rules: unknown[] };
      assert.deepEqual(rules.rules, [
        {
          group: { id: emulator.tenant.listGroups().find((g) => g.displayName === 'Roster Admins')?.id },
          role: 'Admin',
        },
      ]);
      assert.equal(await enrollmentStored(), false, 'adding a role rule saved only the rule');
      assert.ok(await enrollment.isChecked());
      await shot('group-mapping');
      await enrollment.uncheck();
      await unsaved.waitFor({ state: 'detached' });
    });

    test('refuses an empty or non-numeric grace period instead of deleting at once', async () => {
      const grace = page.getByLabel('Grace period before deleting (days)');
      const save = page.getByRole('button', { name: 'Save options' });
      const storedDays = async () =>
        ((await getPolicy(roster.runtime, connectionId)).effective.lifecycle as { deleteAfterDays: number })
          .deleteAfterDays;
      assert.equal(await storedDays(), 30);
      await grace.fill('');
      await save.click();
      await page.getByText('Not saved: Enter the grace period in days').waitFor();
      assert.equal(await grace.getAttribute('aria-invalid'), 'true');
      assert.equal(await page.getByText('Saved. The next sync applies it.').count(), 0);
      assert.equal(await storedDays(), 30, 'an empty box is not 0 days');
      await grace.fill('abc');
      await save.click();
      await page.getByText('Not saved: The grace period must be a whole number of days').waitFor();
      assert.equal(await storedDays(), 30, 'text is not 0 days');
      await shot('grace-period-refused');
      await grace.fill('14');
      await save.click();
      await page.getByText('Saved. The next sync applies it.').waitFor();
      assert.equal(await grace.getAttribute('aria-invalid'), null);
      assert.equal(await storedDays(), 14);
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
      // After a reload the policy's directory groups are named again, not shown by id.
      await page.getByText('Members of Roster Admins get Admin').waitFor();
      await page.locator('.mapping strong', { hasText: 'Roster Admins' }).waitFor();
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

    test('a running sync keeps its live progress after going to Users and back, and can be cancelled', async () => {
      const run = page.locator('.run');
      const leaveAndComeBack = async () => {
        await nav('Users').click();
        await page.locator('tbody tr[data-email]').first().waitFor();
        await nav('Integrations').click();
        await page.locator(`a[href="/connections/${connectionId}"]`).click();
      };

      // Without a seat limit the run applies its pages as they come (with one, a rolled-back
      // pre-check reads everything first and the record shows no progress until it is done).
      await roster.runtime.store.db
        .updateTable('organizations')
        .set({ settings: JSON.stringify({}) })
        .where('slug', '=', 'acme')
        .execute();
      slowUsersRound(emulator);
      await page.goto(`${roster.url}/connections/${connectionId}`);
      await page.getByRole('heading', { name: 'Last sync' }).waitFor();
      await page.getByRole('button', { name: 'Sync now' }).click();
      await page
        .locator('.run[data-run-status="running"] .progress-text', { hasText: /\d+ groups? read/ })
        .waitFor();
      await leaveAndComeBack();
      // Back on the page, the run is still followed: live progress, counts, Cancel, no second Sync now.
      await page
        .locator('.run[data-run-status="running"] .progress-text', { hasText: /\d+ users? and/ })
        .waitFor();
      assert.match(await run.innerText(), /\d+ users? created/);
      await page.getByRole('button', { name: 'Cancel this run' }).waitFor();
      assert.ok(await page.getByRole('button', { name: 'Sync now' }).isDisabled());
      await shot('sync-running');
      // It ends without a reload: the page polls until it does.
      await page.locator('.run[data-run-status="succeeded"]').waitFor({ timeout: 30_000 });
      assert.equal(await page.getByRole('button', { name: 'Cancel this run' }).count(), 0);
      // Graph refuses this app the role assignments: one error, said in the singular.
      assert.equal(await runErrors(connectionId), 1);
      assert.equal(await page.locator('.run details summary').innerText(), '1 error');
      assert.ok(await page.getByRole('button', { name: 'Sync now' }).isEnabled());

      slowUsersRound(emulator);
      await page.getByRole('button', { name: 'Sync now' }).click();
      await page
        .locator('.run[data-run-status="running"] .progress-text', { hasText: /\d+ groups? read/ })
        .waitFor();
      await leaveAndComeBack();
      await page.getByRole('button', { name: 'Cancel this run' }).click();
      await page.locator('.run[data-run-status="cancelled"]').waitFor({ timeout: 30_000 });
      assert.ok(await page.getByRole('button', { name: 'Sync now' }).isEnabled());
    });

    test('a connection whose last sync failed says so on the Integrations page', async () => {
      await nav('Integrations').click();
      await page
        .getByRole('article', { name: 'Microsoft Entra ID — Graph sync' })
        .getByRole('link', { name: 'Add another' })
        .click();
      await page.getByLabel('Directory (tenant) ID').fill(emulator.tenantId);
      await page.getByLabel('Application (client) ID').fill(graphClient.clientId);
      await page.getByLabel('Client secret').fill('not-the-secret');
      await page.getByRole('button', { name: 'Show custom hosts' }).click();
      await page.getByLabel('Login URL').fill(emulator.loginUrl);
      await page.getByLabel('Graph URL').fill(emulator.graphUrl);
      await page.getByRole('button', { name: 'Save and test' }).click();
      await page.locator('.test-report .notice.error').waitFor();
      const brokenId = new URL(page.url()).pathname.split('/').pop() ?? '';
      await page.getByRole('button', { name: 'Sync now' }).click();
      await page.locator('.run[data-run-status="failed"]').waitFor({ timeout: 30_000 });
      const errors = await runErrors(brokenId);
      assert.ok(errors > 1, "the broken connection's run has several errors");
      assert.equal(await page.locator('.run details summary').innerText(), `${errors} errors`);
      await nav('Integrations').click();
      const tile = page.locator('.tile li', { has: page.locator(`a[href="/connections/${brokenId}"]`) });
      await tile.locator('.badge', { hasText: 'last sync failed' }).waitFor();
      assert.match(
        await tile.locator('.connection-status').innerText(),
        new RegExp(`^Last sync failed .* · ${errors} errors$`),
      );
      // The healthy connection's last run (cancelled above) had one error: said in the singular.
      const healthy = page.locator('.tile li', {
        has: page.locator(`a[href="/connections/${connectionId}"]`),
      });
      assert.equal(await healthy.locator('.badge').innerText(), 'connected');
      assert.equal(await runErrors(connectionId), 1);
      assert.match(
        await healthy.locator('.connection-status').innerText(),
        /^Last sync cancelled .* · 1 error$/,
      );
      await shot('integrations-last-sync-failed');
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
      // Entra's Test Connection: a filtered GET with the token; the page turns live by itself.
      const tenantUrl = new URL(await page.getByRole('textbox', { name: 'Tenant URL' }).inputValue());
      const probe = async () => {
        const answer = await fetch(
          `${tenantUrl.origin}${tenantUrl.pathname}/Users?filter=userName%20eq%20%22x%22`,
          { headers: { authorization: `Bearer ${token}` } },
        );
        assert.equal(answer.status, 200);
      };
      /** Waits until the element's text is no longer `before`: the page refreshed it by itself. */
      const changes = async (selector: string, before: string) =>
        page.waitForFunction(
          ([sel, text]) => {
            const now = document.querySelector(sel ?? '')?.textContent;
            return now !== undefined && now !== text;
          },
          [selector, before],
          { timeout: 15_000 },
        );
      await page.getByText("Waiting for Entra's first request").waitFor();
      await probe();
      await page.getByText("Live · Entra's last request").waitFor({ timeout: 15_000 });
      await shot('scim-first-request');
      await page.getByRole('link', { name: 'Go to the connection' }).click();
      scimConnectionId = new URL(page.url()).pathname.split('/').pop() ?? '';
      const live = page.locator('.notice.success', { hasText: "Live · Entra's last request" });
      await live.waitFor();
      /**
       * Entra's next request, as it would be recorded later on: Roster records a token's use at
       * most once a minute, so the last use is moved two minutes back first; the wait makes the
       * time shown (to the second) differ.
       */
      const laterRequest = async () => {
        await roster.runtime.store.db
          .updateTable('scim_tokens')
          .set({ last_used_at: new Date(Date.now() - 120_000).toISOString() })
          .where('connection_id', '=', scimConnectionId)
          .execute();
        await new Promise((resolve) => setTimeout(resolve, 1100));
        await probe();
      };
      const firstSeen = (await live.textContent()) ?? '';
      await laterRequest();
      await changes('.notice.success', firstSeen);
      // The Integrations tile follows Entra too.
      await nav('Integrations').click();
      const tileStatus = '.tile[aria-label="Microsoft Entra ID — provisioning (SCIM)"] .connection-status';
      await page.locator(tileStatus, { hasText: 'Live · last request' }).waitFor();
      const tileSeen = (await page.locator(tileStatus).textContent()) ?? '';
      await laterRequest();
      await changes(tileStatus, tileSeen);
      await page.locator(`a[href="/connections/${scimConnectionId}"]`).click();
      await page.getByRole('button', { name: 'Create a new token' }).click();
      assert.match(await page.getByRole('textbox', { name: 'Secret Token' }).inputValue(), /^scim_/);
      // The list reloads after the new token shows: wait for its second row before counting.
      await page.locator('.tokens li').nth(1).waitFor();
      assert.equal(await page.locator('.tokens li').count(), 2);
      // Revoking asks first; the token stays active until the answer is yes.
      const activeTokens = () =>
        roster.runtime.store.db
          .selectFrom('scim_tokens')
          .select('id')
          .where('connection_id', '=', scimConnectionId)
          .where('revoked_at', 'is', null)
          .execute()
          .then((rows) => rows.length);
      await page
        .locator('.tokens li')
        .first()
        .getByRole('button', { name: /^Revoke token/ })
        .click();
      const question = page.getByRole('group', { name: /^Revoke token/ });
      await question.getByText('Entra requests that still use it are refused').waitFor();
      assert.equal(await activeTokens(), 2, 'nothing is revoked before the answer');
      await question.getByRole('button', { name: 'Yes, revoke it' }).click();
      await page.locator('.tokens .badge-revoked').waitFor();
      assert.equal(await activeTokens(), 1);
      // The last active token: the question says plainly what revoking it means.
      await page.getByRole('button', { name: /^Revoke token/ }).click();
      await question.getByText('is the only active token').waitFor();
      await shot('scim-revoke-last-token');
      await question.getByRole('button', { name: 'Keep it' }).click();
      await question.waitFor({ state: 'detached' });
      assert.equal(await activeTokens(), 1);
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
      const padding = await page
        .locator('.runs > li.card')
        .first()
        .evaluate((card) => Number.parseFloat(getComputedStyle(card).paddingLeft));
      assert.ok(padding >= 12, `a run's card has inner padding (${padding}px)`);
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

    test('a ReadOnly person sees the settings but no control they may not use', async () => {
      const readerContext = await signedInContext(browser, roster, {
        organization: 'acme',
        role: 'ReadOnly',
        displayName: 'Rita Reader',
      });
      const reader = await readerContext.newPage();
      const forbidden: string[] = [];
      reader.on('response', (response) => {
        if (response.status() === 403) forbidden.push(response.url());
      });
      const absent = async (what: string, count: Promise<number>) =>
        assert.equal(await count, 0, `a ReadOnly person is not offered "${what}"`);
      const button = (name: string) => reader.getByRole('button', { name, exact: true }).count();
      try {
        await reader.goto(`${roster.url}/connections/${connectionId}`);
        await reader.getByText('You are signed in with the ReadOnly role').waitFor();
        await reader.getByRole('heading', { name: 'Group mappings' }).waitFor();
        await reader.getByRole('heading', { name: 'Last sync' }).waitFor();
        await reader.getByText('Members of Roster Admins get Admin').waitFor();
        for (const name of [
          'Test connection',
          'Save schedule',
          'Replace secret',
          'Sync now',
          'Preview (dry run)',
          'Add mapping',
          'Add role rule',
          'Save options',
          'Apply now',
          'Delete connection',
        ])
          await absent(name, button(name));
        await absent('Sync schedule', reader.getByLabel('Sync schedule').count());
        await absent('Replace the client secret', reader.getByText('Replace the client secret').count());
        assert.ok(await reader.getByLabel('Send an enrollment email').isDisabled());
        assert.ok(await reader.getByLabel('Grace period before deleting (days)').isDisabled());
        await screenshot(reader, `${engine}-read-only-connection`);

        await reader.goto(`${roster.url}/connections/${scimConnectionId}`);
        await reader.getByRole('heading', { name: 'Secret tokens' }).waitFor();
        await reader.locator('.tokens li').first().waitFor();
        await absent('Create a new token', button('Create a new token'));
        await absent('Delete connection', button('Delete connection'));
        await absent('Revoke', reader.getByRole('button', { name: /^Revoke/ }).count());

        await reader.goto(`${roster.url}/`);
        await reader.locator('.tile li').first().waitFor();
        await absent('Add another', reader.getByRole('link', { name: 'Add another' }).count());
        await reader.goto(`${roster.url}/connections/graph/new`);
        await reader.getByText('You are signed in with the ReadOnly role').waitFor();
        await absent('Save and test', button('Save and test'));
        await reader.goto(`${roster.url}/connections/scim/new`);
        await reader.getByText('You are signed in with the ReadOnly role').waitFor();
        await absent('Create Tenant URL and token', button('Create Tenant URL and token'));
        await reader.goto(`${roster.url}/settings/sso`);
        await reader.getByRole('heading', { name: 'Redirect URIs to register' }).waitFor();
        await absent('Save', button('Save'));
        await reader.goto(`${roster.url}/webhooks`);
        await reader.getByRole('heading', { name: 'https://hooks.example.com/roster' }).waitFor();
        await absent('Add endpoint', button('Add endpoint'));
        await absent('Delete endpoint', button('Delete endpoint'));
        assert.deepEqual(forbidden, [], 'the portal asked nothing the role may not do');
      } finally {
        await readerContext.close();
      }
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
