import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createScimConnection } from '../../src/connectors/scim/scim-connections.js';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { getPolicy, setPolicy } from '../../src/sync/policy-service.js';
import { insertSyncRun } from '../../src/sync/runs/sync-runs.js';
import { startSyncRun, waitForSyncRun } from '../../src/sync/runs/start-sync-run.js';
import { engines } from '../support/engines.js';
import { connectToEmulator } from '../support/graph.js';
import { startTestRoster, type TestRoster } from '../support/roster.js';
import { scimClient } from '../support/scim-client.js';
import { launchChromium, screenshot } from './support/browser.js';
import { ensurePortalBuilt } from './support/portal-build.js';
import { signIn, signedInContext } from './support/portal-fixtures.js';

/**
 * What the portal keeps and finds again, in Chromium against a real Roster and the Entra
 * emulator: the last real sync behind any number of previews, directory group names after a
 * reload (SCIM and Graph), a secret's expiry date west of UTC, a SCIM token's last use and a
 * rotated token, the Users and Groups lists after Back, and a page whose session ended under it.
 */
const cli = { type: 'cli' as const, id: null };
const admin = { organization: 'acme', role: 'Admin', displayName: 'Alex Admin' };

for (const engine of engines) {
  describe(`what the portal keeps, in Chromium on ${engine}`, { timeout: 180_000 }, () => {
    let roster: TestRoster;
    let emulator: Emulator;
    let browser: Browser;
    let context: BrowserContext;
    let page: Page;
    let organizationId = '';
    let graphId = '';
    let scimId = '';
    let scim: ReturnType<typeof scimClient>;
    const shot = (name: string) => screenshot(page, `${engine}-state-${name}`);
    const api = (path: string) => `${roster.url}/api/v1/organizations/${organizationId}${path}`;
    /** Entra's Test Connection: a filtered GET with the token. */
    const probe = async () =>
      assert.equal((await scim.get('/Users?filter=userName%20eq%20%22x%22')).status, 200);

    before(async () => {
      ensurePortalBuilt();
      roster = await startTestRoster(engine);
      // More active users than a page of the Users list holds (50).
      emulator = await startEmulator({ port: 0, users: 150, groups: 3, seed: 29 });
      ({ organizationId, connectionId: graphId } = await connectToEmulator(roster, emulator, 'acme'));
      const runId = await startSyncRun(roster.runtime, graphId, { trigger: 'api' });
      await waitForSyncRun(roster.runtime, runId, 100);
      const created = await createScimConnection(roster.runtime, 'acme', cli, 'Entra provisioning');
      scimId = created.connectionId;
      scim = scimClient(created.tenantUrl, created.token);
      browser = await launchChromium();
      context = await signedInContext(browser, roster, admin);
      page = await context.newPage();
    });
    after(async () => {
      await browser?.close();
      await emulator?.close();
      await roster?.close();
    });

    test('a synced connection stays synced after more previews than a page of runs', async () => {
      const start = Date.now();
      for (let i = 1; i <= 12; i += 1)
        await insertSyncRun(roster.runtime.store.db, {
          organizationId,
          connectionId: graphId,
          trigger: 'api',
          status: 'succeeded',
          dryRun: true,
          full: false,
          now: new Date(start + i).toISOString(),
        });
      await page.goto(`${roster.url}/connections/${graphId}`);
      await page.getByRole('heading', { name: 'Last sync' }).waitFor();
      assert.equal(await page.getByText('Not synced yet').count(), 0);
      assert.doesNotMatch(await page.locator('.run').innerText(), /Dry run/);

      await page.goto(`${roster.url}/`);
      const tile = page.locator('.tile li', { has: page.locator(`a[href="/connections/${graphId}"]`) });
      await tile.locator('.connection-status').waitFor();
      assert.match(await tile.locator('.connection-status').innerText(), /^Last sync /);
      assert.equal(await tile.locator('.badge').innerText(), 'connected');

      // The API says which runs were real, newest first, however many previews came after.
      type Runs = { data: { dryRun: boolean }[] };
      const real = (await (
        await page.request.get(api(`/connections/${graphId}/runs?dryRun=false`))
      ).json()) as Runs;
      assert.deepEqual(
        real.data.map((run) => run.dryRun),
        [false],
      );
      const previews = (await (
        await page.request.get(api(`/connections/${graphId}/runs?dryRun=true&limit=20`))
      ).json()) as Runs;
      assert.equal(previews.data.length, 12);
      assert.ok(previews.data.every((run) => run.dryRun));
    });

    test("a Graph secret's expiry shows as its calendar date west of UTC", async () => {
      await roster.runtime.store.db
        .updateTable('connections')
        .set({ secret_expires_at: '2027-03-15' })
        .where('id', '=', graphId)
        .execute();
      const pacific = await signedInContext(browser, roster, admin, {
        timezoneId: 'America/Los_Angeles',
        locale: 'en-US',
      });
      try {
        const reader = await pacific.newPage();
        await reader.goto(`${roster.url}/connections/${graphId}`);
        const expires = reader.locator('.facts div', { hasText: 'Secret expires' }).locator('dd');
        await expires.waitFor();
        assert.equal(await expires.innerText(), 'March 15, 2027');
      } finally {
        await pacific.close();
      }
    });

    test('SCIM mappings, role rules and scope groups show directory group names after a reload', async () => {
      const pushed = await scim.post('/Groups', {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
        displayName: 'Field Engineers',
        externalId: '7d3c2b1a-0f9e-4d8c-b7a6-958473625140',
        members: [],
      });
      assert.equal(pushed.status, 201);
      const id = String(pushed.body.id);
      // Named only by the SCIM resource id, as the picker stores it; the platform group has another name.
      await setPolicy(
        roster.runtime,
        scimId,
        {
          scope: { users: 'groups', groups: [{ id }] },
          groups: { mappings: [{ directoryGroup: { id }, platformGroup: { create: 'Engineering' } }] },
          roles: { rules: [{ group: { id }, role: 'Admin' }] },
        },
        cli,
      );
      await page.goto(`${roster.url}/connections/${scimId}`);
      await page.locator('.mapping strong', { hasText: 'Field Engineers' }).waitFor();
      await page.getByText('Members of Field Engineers get Admin').waitFor();
      await page
        .locator('li', { hasText: /^Field Engineers/ })
        .first()
        .waitFor();
      assert.equal(await page.getByText(/group [0-9a-f]{8}…/).count(), 0, 'no group shows by its short id');
      await shot('scim-group-names');

      // The lookup behind it: stored directory groups by id, for SCIM and Graph alike.
      type Hits = { data: { id: string; displayName: string }[] };
      const lookup = async (connectionId: string, query: string) =>
        page.request.get(api(`/connections/${connectionId}/directory-groups?${query}`));
      const scimHits = (await (await lookup(scimId, `ids=${id},not-stored`)).json()) as Hits;
      assert.deepEqual(scimHits.data, [{ id, displayName: 'Field Engineers', description: null }]);
      const graphGroup = await roster.runtime.store.db
        .selectFrom('directory_groups')
        .select(['id', 'display_name'])
        .where('connection_id', '=', graphId)
        .executeTakeFirstOrThrow();
      const graphHits = (await (await lookup(graphId, `ids=${graphGroup.id}`)).json()) as Hits;
      assert.deepEqual(
        graphHits.data.map((hit) => [hit.id, hit.displayName]),
        [[graphGroup.id, graphGroup.display_name]],
      );
      for (const query of ['', `search=Field&ids=${id}`]) {
        const refused = await lookup(scimId, query);
        assert.equal(refused.status(), 400, query);
      }
    });

    test("a SCIM token's last use follows Entra's requests, and a rotated token shows alone", async () => {
      await page.goto(`${roster.url}/connections/${scimId}`);
      const token = page.locator('.tokens li').first();
      await token.waitFor();
      // Roster records a token's use at most once a minute: the last one is moved back first.
      await roster.runtime.store.db
        .updateTable('scim_tokens')
        .set({ last_used_at: new Date(Date.now() - 120_000).toISOString() })
        .where('connection_id', '=', scimId)
        .execute();
      await page.reload();
      await token.waitFor();
      const before = (await token.textContent()) ?? '';
      await new Promise((resolve) => setTimeout(resolve, 1100));
      await probe();
      // No reload: the page's polling brings the token's new last use.
      await page.waitForFunction(
        (text) => document.querySelector('.tokens li')?.textContent !== text,
        before,
        {
          timeout: 15_000,
        },
      );

      await page.getByRole('button', { name: 'Create a new token' }).click();
      assert.match(await page.getByRole('textbox', { name: 'Secret Token' }).inputValue(), /^scim_/);
      await page.getByText('replace the Secret Token with this one').waitFor();
      assert.equal(await page.getByRole('link', { name: 'Go to the connection' }).count(), 0);
      assert.equal(await page.getByText("This page will show when Entra's first request arrives").count(), 0);
      await shot('scim-rotated-token');
    });

    test('the Users list keeps its filters, page and search after going to a user and back', async () => {
      const rows = page.locator('tbody tr[data-email]');
      const row = (email: string | null) => page.locator(`tbody tr[data-email="${email}"]`);
      const firstEmail = () => rows.first().getAttribute('data-email');
      await page.goto(`${roster.url}/users`);
      await rows.first().waitFor();
      await page.getByLabel('Status').selectOption('active');
      await page.getByLabel('Source').selectOption('graph');
      await page.waitForURL(/status=active&source=graph/);
      // The filtered answer has replaced the first one: every row shown is an active Graph user.
      await page.waitForFunction(() =>
        [...document.querySelectorAll('tbody tr[data-email]')].every(
          (tr) =>
            tr.querySelector('td[data-label="Status"]')?.textContent === 'active' &&
            tr.querySelector('td[data-label="Source"]')?.textContent === 'graph',
        ),
      );
      const next = page.getByRole('button', { name: 'Next →' });
      assert.ok(await next.isEnabled(), 'more than a page of active Graph users');
      const firstOfPageOne = await firstEmail();
      await next.click();
      await page.waitForURL(/cursor=/);
      await page.waitForFunction(
        (email) => document.querySelector('tbody tr[data-email]')?.getAttribute('data-email') !== email,
        firstOfPageOne,
      );
      const listed = page.url();
      const first = await firstEmail();
      await row(first).getByRole('link').click();
      await page.waitForURL(/\/users\/[^/?]+$/);
      await page.goBack();
      await row(first).waitFor();
      assert.equal(page.url(), listed);
      assert.equal(await page.getByLabel('Status').inputValue(), 'active');
      assert.equal(await page.getByLabel('Source').inputValue(), 'graph');
      assert.equal(await rows.first().getAttribute('data-email'), first);
      // Previous still works from a page restored by Back.
      await page.getByRole('button', { name: '← Previous' }).click();
      await page.waitForURL((url) => !url.searchParams.has('cursor'));

      const search = page.getByLabel('Search');
      await search.fill(first ?? '');
      await page.waitForURL(/search=/);
      await row(first).getByRole('link').click();
      await page.waitForURL(/\/users\/[^/?]+$/);
      await page.goBack();
      await row(first).waitFor();
      assert.equal(await search.inputValue(), first);
      assert.equal(new URL(page.url()).searchParams.get('search'), first);
      await shot('users-after-back');
    });

    test('the Groups list keeps its search after going to a group and back', async () => {
      const name = emulator.tenant.listGroups()[0]?.displayName ?? '';
      assert.notEqual(name, '');
      await page.goto(`${roster.url}/groups`);
      await page.getByLabel('Search').fill(name);
      await page.waitForURL(/search=/);
      const row = page.locator(`tbody tr[data-group="${name}"]`);
      await row.waitFor();
      await row.getByRole('link').click();
      await page.waitForURL(/\/groups\/[^/?]+$/);
      await page.goBack();
      await row.waitFor();
      assert.equal(await page.getByLabel('Search').inputValue(), name);
    });

    test('a session that ends under a page says so, keeps unsaved edits, and carries on after signing in again', async () => {
      const enrollment = page.getByLabel('Send an enrollment email');
      const enrollmentStored = async () =>
        ((await getPolicy(roster.runtime, graphId)).effective.newUsers as { enrollmentEmail: boolean })
          .enrollmentEmail;
      await page.goto(`${roster.url}/connections/${graphId}`);
      await enrollment.check();
      await page.getByText('Unsaved changes to the options').waitFor();

      // Signed out in another tab.
      const other = await context.newPage();
      await other.goto(`${roster.url}/`);
      await other.getByRole('button', { name: 'Sign out' }).click();
      await other.getByRole('button', { name: 'Sign in with Microsoft' }).waitFor();
      await other.close();

      await page.getByRole('button', { name: 'Save options' }).click();
      const ended = page.locator('.session-ended');
      await ended.getByText('Your session has ended — sign in again.').waitFor();
      await page.locator('.notice.error', { hasText: 'Your session has ended — sign in again.' }).waitFor();
      assert.equal(await page.getByText('Authentication is required').count(), 0);
      assert.ok(await enrollment.isChecked(), 'the unsaved edit is still in the form');
      await page.getByText('Unsaved changes to the options').waitFor();
      const here = `/sign-in?return=${encodeURIComponent(`/connections/${graphId}`)}`;
      for (const name of ['Sign in in a new tab', 'Sign in here (unsaved changes are lost)'])
        assert.equal(await ended.getByRole('link', { name }).getAttribute('href'), here);
      await shot('session-ended');
      // Not signed in yet: continuing says so, and the page stays as it is.
      await ended.getByRole('button', { name: 'I have signed in — continue' }).click();
      await ended.getByText('You are not signed in yet').waitFor();

      // Signed in again in the other tab; coming back to this one carries on.
      await signIn(context, roster, admin);
      await page.evaluate(() => window.dispatchEvent(new Event('focus')));
      await ended.waitFor({ state: 'detached' });
      assert.ok(await enrollment.isChecked());
      await page.getByRole('button', { name: 'Save options' }).click();
      await page.getByText('Saved. The next sync applies it.').waitFor();
      assert.equal(await enrollmentStored(), true);
    });

    test('the sign-in page returns to the page the session ended on, and only to a page of the portal', async () => {
      const anonymous = await browser.newContext();
      try {
        const visitor = await anonymous.newPage();
        const returnTo = async (value: string) => {
          await visitor.goto(`${roster.url}/sign-in?${new URLSearchParams({ return: value }).toString()}`);
          await visitor.getByLabel('Organization').fill('acme');
          const request = visitor.waitForRequest((r) => new URL(r.url()).pathname === '/auth/sign-in');
          await visitor.getByRole('button', { name: 'Sign in with Microsoft' }).click();
          return new URL((await request).url()).searchParams.get('return_to');
        };
        assert.equal(await returnTo('/users?status=inactive'), '/users?status=inactive');
        assert.equal(await returnTo('//evil.example/users'), null);
      } finally {
        await anonymous.close();
      }
    });
  });
}
