import type { Browser, BrowserContext, BrowserContextOptions } from 'playwright-core';
import type { Emulator } from '../../../src/emulator/index.js';
import { randomUUID } from 'node:crypto';
import { openSecretBox } from '../../../src/secrets/secret-box.js';
import { createSession } from '../../../src/sso/sessions.js';
import { saveSsoSettings } from '../../../src/sso/sso-settings.js';
import { insertUser } from '../../../src/store/users.js';
import type { TestRoster } from '../../support/roster.js';

/**
 * Situations the portal tests set up behind the browser's back: a person signed in with a given
 * portal role, and a Graph round slow enough to watch.
 */

export interface PortalPerson {
  organization: string;
  role: string;
  displayName: string;
}

/**
 * A browser context signed in to the organization as a platform user holding `role`; `browsing`
 * sets up the browser itself (time zone, locale).
 */
export async function signedInContext(
  browser: Browser,
  roster: TestRoster,
  options: PortalPerson,
  browsing: BrowserContextOptions = {},
): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, ...browsing });
  await signIn(context, roster, options);
  return context;
}

/**
 * Gives the context a new portal session, as signing in (again, in any of its tabs) does. A
 * session is only as good as the person behind it (src/sso/portal-principal.ts asks on each
 * request), so the person is a real platform user holding `role`, in an organization that signs
 * in with Entra.
 */
export async function signIn(
  context: BrowserContext,
  roster: TestRoster,
  options: PortalPerson,
): Promise<void> {
  const db = roster.runtime.store.db;
  const organization = await db
    .selectFrom('organizations')
    .select('id')
    .where('slug', '=', options.organization)
    .executeTakeFirstOrThrow();
  const now = new Date().toISOString();
  const sso = await db
    .selectFrom('sso_settings')
    .select('enabled')
    .where('organization_id', '=', organization.id)
    .executeTakeFirst();
  if (sso === undefined)
    await saveSsoSettings(
      db,
      openSecretBox(roster.runtime.config),
      organization.id,
      { tenantId: randomUUID(), clientId: randomUUID(), clientSecret: 'portal-fixture-secret' },
      now,
    );
  const email = `${options.displayName.toLowerCase().replaceAll(' ', '.')}.${options.role.toLowerCase()}@portal-fixture.test`;
  const [given = options.displayName, family = 'Person'] = options.displayName.split(' ');
  let user = await db
    .selectFrom('users')
    .select('id')
    .where('organization_id', '=', organization.id)
    .where('email_key', '=', email)
    .executeTakeFirst();
  if (user === undefined) {
    user = { id: randomUUID() };
    await insertUser(db, {
      id: user.id,
      organization_id: organization.id,
      email,
      email_key: email,
      user_name: email,
      given_name: given,
      family_name: family,
      display_name: options.displayName,
      status: 'active',
      source: 'local',
      source_connection_id: null,
      external_id: null,
      roles: JSON.stringify([options.role]),
      created_at: now,
      updated_at: now,
    });
  }
  const { sessionId, session } = await createSession(
    db,
    {
      kind: 'user',
      organizationId: organization.id,
      userId: user.id,
      displayName: options.displayName,
      role: options.role,
    },
    new Date(),
  );
  // Plain http on loopback: the cookies carry no __Host- prefix (src/sso/session-cookies.ts).
  await context.addCookies([
    { name: 'roster_session', value: sessionId, url: roster.url },
    { name: 'roster_csrf', value: session.csrfToken, url: roster.url },
  ]);
}

let slowUsers = 0;

/**
 * Adds `count` users for the next delta round and holds up that round's pages after the first
 * (two 429s with Retry-After: 3), so a sync stays running for about six seconds after its first
 * page. The emulator must page users in tens or fewer for the round to have later pages.
 */
export function slowUsersRound(emulator: Emulator, count = 25): void {
  for (let i = 0; i < count; i += 1, slowUsers += 1)
    emulator.tenant.addUser({
      displayName: `Slow Sync ${slowUsers}`,
      givenName: 'Slow',
      surname: `Sync ${slowUsers}`,
      userPrincipalName: `slow.sync.${slowUsers}@${emulator.tenant.domain}`,
      mail: `slow.sync.${slowUsers}@${emulator.tenant.domain}`,
      accountEnabled: true,
    });
  emulator.tenant.injectFailures({
    path: /users\/delta.*skiptoken/,
    status: 429,
    retryAfterSeconds: 3,
    count: 2,
  });
}
