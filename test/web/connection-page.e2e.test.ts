import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createScimConnection } from '../../src/connectors/scim/scim-connections.js';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { rolesFromColumn } from '../../src/sso/portal-role.js';
import { getPolicy, setOrganizationSeatLimit, setPolicy } from '../../src/sync/policy-service.js';
import { engines } from '../support/engines.js';
import { connectToEmulator } from '../support/graph.js';
import { startTestRoster, type TestRoster } from '../support/roster.js';
import { entraUser, scimClient } from '../support/scim-client.js';
import { launchChromium, screenshot } from './support/browser.js';
import { ensurePortalBuilt } from './support/portal-build.js';
import { signedInContext, slowUsersRound } from './support/portal-fixtures.js';

/**
 * The connection page's two weighty actions, in a real browser against a real Roster and the
 * Entra emulator: applying a saved policy to what a connection already brought (a Graph sync does
 * it by itself, a SCIM connection only when an admin does), and deleting a connection, with a
 * question that says what becomes of its users and a summary of what went.
 */
const cli = { type: 'cli' as const, id: null };

for (const engine of engines) {
  describe(`the connection page in Chromium on ${engine}`, { timeout: 180_000 }, () => {
    let roster: TestRoster;
    let emulator: Emulator;
    let browser: Browser;
    let context: BrowserContext;
    let page: Page;
    let organizationId = '';
    let graphId = '';
    let scimId = '';
    let scim: ReturnType<typeof scimClient>;
    const shot = (name: string) => screenshot(page, `${engine}-connection-${name}`);
    const pendingNotice = () => page.locator('.policy-pending');
    const isPending = async (connectionId: string) => (await getPolicy(roster.runtime, connectionId)).pending;
    const countRows = async (table: 'groups' | 'connections', where: 'organization_id' | 'id', id: string) =>
      (await roster.runtime.store.db.selectFrom(table).select('id').where(where, '=', id).execute()).length;
    const userStatuses = async (emails: string[]) =>
      (
        await roster.runtime.store.db
          .selectFrom('users')
          .select('status')
          .where('organization_id', '=', organizationId)
          .where('email', 'in', emails)
          .execute()
      ).map((row) => row.status);
    let fieldAdminEmails: string[] = [];
    /** The platform users holding the Admin role, by email (of `among` only, when given). */
    const admins = async (among?: string[]) =>
      (
        await roster.runtime.store.db
          .selectFrom('users')
          .select(['email', 'roles'])
          .where('organization_id', '=', organizationId)
          .execute()
      )
        .filter((row) => rolesFromColumn(row.roles).includes('Admin'))
        .map((row) => row.email.toLowerCase())
        .filter((email) => among === undefined || among.includes(email));
    const provisioned = [1, 2, 3].map((n) => `Test_User_${n}@testuser.com`);

    before(async () => {
      ensurePortalBuilt();
      roster = await startTestRoster(engine);
      // Small pages, so a sync has several and a slow page can hold a run in "running".
      emulator = await startEmulator({
        port: 0,
        users: 12,
        groups: 3,
        seed: 13,
        pageSizes: { usersDelta: 10 },
      });
      // Two members of a group a role rule will name, holding no app role from Entra yet.
      const withAppRoles = new Set(
        emulator.tenant
          .listGroups()
          .filter((g) => g.appRole !== null)
          .flatMap((g) => emulator.tenant.listMembers(g.id).map((m) => m.id)),
      );
      const members = emulator.tenant
        .listUsers({ limit: 12 })
        .filter(
          (u) => u.accountEnabled && u.mail !== null && u.userType === 'Member' && !withAppRoles.has(u.id),
        )
        .slice(0, 2);
      assert.equal(members.length, 2);
      emulator.tenant.addGroup({ displayName: 'Field Admins', members: members.map((u) => u.id) });
      fieldAdminEmails = members.map((u) => (u.mail ?? '').toLowerCase());
      ({ organizationId, connectionId: graphId } = await connectToEmulator(roster, emulator, 'acme'));
      const created = await createScimConnection(roster.runtime, 'acme', cli, 'Entra provisioning');
      scimId = created.connectionId;
      scim = scimClient(created.tenantUrl, created.token);
      browser = await launchChromium();
      context = await signedInContext(browser, roster, {
        organization: 'acme',
        role: 'Admin',
        displayName: 'Alex Admin',
      });
      page = await context.newPage();
    });
    after(async () => {
      await browser?.close();
      await emulator?.close();
      await roster?.close();
    });

    test('a Graph connection says the next sync applies a saved policy, and can apply it now', async () => {
      await page.goto(`${roster.url}/connections/${graphId}`);
      await page.getByRole('button', { name: 'Sync now' }).click();
      await page.locator('.run[data-run-status="succeeded"]').waitFor({ timeout: 60_000 });
      assert.equal(await pendingNotice().count(), 0, 'a policy never changed is not pending');
      // Entra's app roles make some users Admins already; the rule makes the rest of Field Admins so.
      const entraAdmins = (await admins()).length;
      const promoted = 2 - (await admins(fieldAdminEmails)).length;
      assert.ok(promoted > 0);
      const updated = `${promoted} user${promoted === 1 ? '' : 's'}`;

      // Saved but not applied: the page says the next sync applies it, and offers to apply it now.
      await page.getByLabel('Group for a role rule').fill('Field');
      await page.getByRole('button', { name: 'Field Admins', exact: true }).click();
      await page.getByLabel('Role', { exact: true }).selectOption('Admin');
      await page.getByRole('button', { name: 'Add role rule' }).click();
      await page.getByText('Saved. The next sync applies it.').waitFor();
      await pendingNotice().getByText('The next sync applies it, or apply it now.').waitFor();
      assert.ok(await isPending(graphId));
      // A preview first, in the words of a dry run; it changes nothing.
      const question = page.getByRole('group', { name: 'Apply the policy' });
      await page.getByRole('button', { name: 'Apply now' }).click();
      await question.getByText(`will update ${updated}`).waitFor();
      await shot('graph-apply-preview');
      assert.equal((await admins()).length, entraAdmins, 'a preview changes nothing');
      await question.getByRole('button', { name: 'Not now' }).click();
      await question.waitFor({ state: 'detached' });
      // The next sync applies it by itself, and the page follows without a reload.
      await page.getByRole('button', { name: 'Sync now' }).click();
      await pendingNotice().waitFor({ state: 'detached', timeout: 60_000 });
      assert.equal(await isPending(graphId), false);
      assert.deepEqual((await admins(fieldAdminEmails)).sort(), [...fieldAdminEmails].sort());
      assert.equal((await admins()).length, entraAdmins + promoted);

      // Or now, with the counts of what was done.
      await page
        .locator('li', { hasText: 'Members of Field Admins get Admin' })
        .getByRole('button', { name: 'Delete' })
        .click();
      await page.getByText('No role rules.').waitFor();
      await page.getByRole('button', { name: 'Apply now' }).click();
      await question.getByText(`will update ${updated}`).waitFor();
      await question.getByRole('button', { name: 'Apply' }).click();
      await page.locator('.policy-applied').getByText(`${updated} updated`).waitFor();
      await pendingNotice().waitFor({ state: 'detached' });
      assert.equal((await admins()).length, entraAdmins);
      assert.equal(await isPending(graphId), false);
    });

    test('a SCIM connection applies a saved policy to new changes, and to the users already provisioned when asked', async () => {
      for (const n of [1, 2, 3]) assert.equal((await scim.post('/Users', entraUser(n))).status, 201);
      await page.goto(`${roster.url}/connections/${scimId}`);
      await page.getByRole('heading', { name: 'Group mappings' }).waitFor();
      assert.equal(await pendingNotice().count(), 0);
      await page.getByLabel('Send an enrollment email').check();
      await page.getByRole('button', { name: 'Save options' }).click();
      // SCIM has no sync: the page must not promise one.
      await page.getByText('Saved. It applies to new changes from Entra.').waitFor();
      assert.equal(await page.getByText('The next sync applies it').count(), 0);
      await pendingNotice().getByText('it applies to new changes from Entra only').waitFor();
      const applyButton = page.getByRole('button', { name: 'Apply to the users already provisioned' });
      const question = page.getByRole('group', { name: 'Apply the policy' });
      await applyButton.click();
      // Enrollment emails go to new users only: applying changes no one, and the policy is applied.
      await question.getByText('No changes.').waitFor();
      await question.getByRole('button', { name: 'Apply' }).click();
      await page.locator('.policy-applied').getByText('No changes.').waitFor();
      await pendingNotice().waitFor({ state: 'detached' });
      assert.equal(await isPending(scimId), false);

      // A policy set through the API is pending too: the page says so when it opens.
      await setPolicy(
        roster.runtime,
        scimId,
        { scope: { filter: { attribute: 'department', equals: 'Sales' } } },
        cli,
      );
      await page.reload();
      await pendingNotice().waitFor();
      await applyButton.click();
      await question.getByText('will deactivate 3 users').waitFor();
      await shot('scim-apply-preview');
      assert.deepEqual(
        await userStatuses(provisioned),
        ['active', 'active', 'active'],
        'a preview changes nothing',
      );
      await question.getByRole('button', { name: 'Apply' }).click();
      await page.locator('.policy-applied').getByText('3 users deactivated').waitFor();
      assert.deepEqual(await userStatuses(provisioned), ['inactive', 'inactive', 'inactive']);

      // Users the policy cannot map are named in the preview, before anyone clicks Apply.
      await setPolicy(roster.runtime, scimId, { attributeMapping: { givenName: 'title' } }, cli);
      await page.reload();
      await applyButton.click();
      const skipped = question.locator('.change-errors');
      await skipped.getByText('3 errors: these would be skipped, the rest applied.').waitFor();
      assert.equal(
        await skipped.locator('li', { hasText: 'attributeMapping.givenName is required' }).count(),
        3,
      );
      await question.getByRole('button', { name: 'Not now' }).click();

      // Above the seat limit the preview says so, and Apply is disabled: nothing can be applied.
      await setPolicy(roster.runtime, scimId, {}, cli);
      await setOrganizationSeatLimit(roster.runtime, organizationId, 1, cli);
      await page.reload();
      await applyButton.click();
      await question.getByText('will reactivate 3 users').waitFor();
      await question
        .locator('.seat-limit-exceeded')
        .getByText(
          /creates or reactivates 3 users, so [\d,]+ seats would be in use, above the organization's limit of 1/,
        )
        .waitFor();
      const apply = question.getByRole('button', { name: 'Apply', exact: true });
      assert.equal(await apply.isDisabled(), true, 'an apply the seat limit refuses is not offered');
      await shot('scim-apply-seat-limit');
      assert.deepEqual(await userStatuses(provisioned), ['inactive', 'inactive', 'inactive']);
      assert.ok(await isPending(scimId));
      // Once the limit allows it, checking again offers the apply.
      await setOrganizationSeatLimit(roster.runtime, organizationId, null, cli);
      await question.getByRole('button', { name: 'Check again' }).click();
      await question.locator('.seat-limit-exceeded').waitFor({ state: 'detached' });
      await apply.click();
      await page.locator('.policy-applied').getByText('3 users reactivated').waitFor();
      assert.deepEqual(await userStatuses(provisioned), ['active', 'active', 'active']);
    });

    test('a ReadOnly person sees a pending policy but is offered neither applying it nor deleting', async () => {
      await setPolicy(roster.runtime, scimId, {}, cli);
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
      try {
        for (const id of [scimId, graphId]) {
          await reader.goto(`${roster.url}/connections/${id}`);
          await reader.getByText('You are signed in with the ReadOnly role').waitFor();
          await reader.getByRole('heading', { name: 'Group mappings' }).waitFor();
          if (id === scimId) await reader.locator('.policy-pending').waitFor();
          for (const name of ['Apply now', 'Apply to the users already provisioned', 'Delete connection'])
            assert.equal(await reader.getByRole('button', { name }).count(), 0, `no "${name}" for ReadOnly`);
        }
        assert.deepEqual(forbidden, [], 'the portal asked nothing the role may not do');
      } finally {
        await readerContext.close();
      }
    });

    test('deleting a SCIM connection asks first, saying its users are deleted, then shows what went', async () => {
      await page.goto(`${roster.url}/connections/${scimId}`);
      await page.getByRole('button', { name: 'Delete connection' }).click();
      const question = page.getByRole('group', { name: 'Delete connection' });
      // The SCIM policy's default: users deleted in the directory are deleted here.
      await question.getByText('its users are deleted from Roster').waitFor();
      await shot('scim-delete-question');
      await question.getByRole('button', { name: 'Keep it' }).click();
      await question.waitFor({ state: 'detached' });
      assert.equal(await countRows('connections', 'id', scimId), 1, 'nothing is deleted before the answer');

      await page.getByRole('button', { name: 'Delete connection' }).click();
      await question.getByRole('button', { name: 'Yes, delete the connection' }).click();
      await page.getByRole('heading', { name: 'Integrations' }).waitFor();
      const done = page.locator('.connection-deleted');
      await done.getByText('Deleted the connection “Entra provisioning”.').waitFor();
      await done.getByText('3 users deleted').waitFor();
      await shot('scim-deleted');
      assert.equal(await page.locator(`a[href="/connections/${scimId}"]`).count(), 0);
      assert.equal(await countRows('connections', 'id', scimId), 0);
      assert.deepEqual(await userStatuses(provisioned), []);
      // Said once: a reload does not say it again.
      await page.reload();
      await page.locator('.tile li').first().waitFor();
      assert.equal(await done.count(), 0);
    });

    test('a Graph connection is not deleted while it syncs; after the sync, its users are deactivated', async () => {
      // Without a seat limit the run applies its pages as they come, so it is "running" early.
      slowUsersRound(emulator);
      await page.goto(`${roster.url}/connections/${graphId}`);
      await page.getByRole('button', { name: 'Sync now' }).click();
      await page
        .locator('.run[data-run-status="running"] .progress-text', { hasText: /\d+ groups? read/ })
        .waitFor();
      await page.getByRole('button', { name: 'Delete connection' }).click();
      const question = page.getByRole('group', { name: 'Delete connection' });
      // The Graph policy's default: users deleted in the directory are deactivated.
      await question.getByText('its users are deactivated').waitFor();
      await question.getByRole('button', { name: 'Yes, delete the connection' }).click();
      await page
        .locator('.notice.error', { hasText: 'A sync of this connection is running; cancel it, then delete' })
        .waitFor();
      await shot('graph-delete-refused');
      assert.equal(await countRows('connections', 'id', graphId), 1);

      // The question stays, so once the run is cancelled the same answer does it; the refusal,
      // no longer true, goes with the run.
      const refusal = page.locator('.notice.error', { hasText: 'A sync of this connection is running' });
      await page.getByRole('button', { name: 'Cancel this run' }).click();
      await page.locator('.run[data-run-status="cancelled"]').waitFor({ timeout: 30_000 });
      await refusal.waitFor({ state: 'detached' });
      await question.getByRole('button', { name: 'Yes, delete the connection' }).click();
      await page.getByRole('heading', { name: 'Integrations' }).waitFor();
      const done = page.locator('.connection-deleted');
      await done.getByText('Deleted the connection').waitFor();
      await done.getByText(/^\d+ users deactivated$/).waitFor();
      await done.getByText(/^\d+ groups deleted$/).waitFor();
      await shot('graph-deleted');
      assert.equal(await countRows('connections', 'id', graphId), 0);
      assert.equal(await countRows('groups', 'organization_id', organizationId), 0);
      // The people the portal tests sign in as are the organization's own (local) users.
      const statuses = await roster.runtime.store.db
        .selectFrom('users')
        .select('status')
        .where('organization_id', '=', organizationId)
        .where('email_key', 'not like', '%@portal-fixture.test')
        .execute();
      assert.ok(statuses.length > 0 && statuses.every((row) => row.status === 'inactive'));
    });
  });
}
