import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { openSecretBox } from '../../src/secrets/secret-box.js';
import { saveSsoSettings } from '../../src/sso/sso-settings.js';
import { createOrganization } from '../../src/store/organizations.js';
import { insertUser } from '../../src/store/users.js';
import { engines } from '../support/engines.js';
import { startTestRoster, type TestRoster } from '../support/roster.js';
import { BrowserlessClient } from './support/browserless-client.js';

/**
 * Who a sign-in is: the person's Entra object id, never merely an email. Microsoft: email and
 * preferred_username are mutable and unverified, "never use it for authorization".
 */
const portal = { clientId: '6e7f8091-2b3c-4d4e-9f00-b1c2d3e4f506', clientSecret: 'portal-secret-match' };

for (const engine of engines) {
  describe(`matching a sign-in to a portal user on ${engine}`, () => {
    let roster: TestRoster;
    let emulator: Emulator;
    let organizationId = '';
    const at = (name: string) => `${name}@${emulator.tenant.domain}`;

    before(async () => {
      roster = await startTestRoster(engine);
      emulator = await startEmulator({
        users: 3,
        groups: 1,
        seed: 4,
        clients: [{ ...portal, roles: [], redirectUris: [`${roster.url}/auth/callback`] }],
      });
      const now = new Date().toISOString();
      const db = roster.runtime.store.db;
      organizationId = (await createOrganization(db, { slug: 'acme', name: 'Acme', now })).id;
      await saveSsoSettings(
        db,
        openSecretBox(roster.runtime.config),
        organizationId,
        { tenantId: emulator.tenantId, ...portal, loginUrl: emulator.loginUrl },
        now,
      );
      const admin = (name: string, externalId: string | null) =>
        insertUser(db, {
          id: randomUUID(),
          organization_id: organizationId,
          email: at(name),
          email_key: at(name),
          user_name: at(name),
          given_name: name,
          family_name: 'Test',
          display_name: `${name} Test`,
          status: 'active',
          source: 'local',
          source_connection_id: null,
          external_id: externalId,
          roles: JSON.stringify(['Admin']),
          created_at: now,
          updated_at: now,
        });
      const mateo = emulator.tenant.addUser({
        displayName: 'Mateo',
        userPrincipalName: at('mateo'),
        mail: at('mateo'),
      });
      // Someone in the tenant given Mateo's address, and another given Sam's.
      emulator.tenant.addUser({ displayName: 'Eve', userPrincipalName: at('eve'), mail: at('mateo') });
      emulator.tenant.addUser({ displayName: 'Sam', userPrincipalName: at('sam'), mail: at('sam') });
      emulator.tenant.addUser({ displayName: 'Samuel', userPrincipalName: at('samuel'), mail: at('sam') });
      await admin('mateo', mateo.id);
      // As Entra's default SCIM mapping leaves it: externalId from mailNickname, not the object id.
      await admin('sam', 'sam.nickname');
    });
    after(async () => {
      await emulator?.close();
      await roster?.close();
    });

    const signIn = async (upn: string) => {
      const client = new BrowserlessClient();
      const { hops } = await client.follow(
        `${roster.url}/auth/sign-in?org=acme&login_hint=${encodeURIComponent(upn)}`,
      );
      const landed = new URL(hops.at(-1)?.url ?? '', roster.url);
      const session = await client.request('GET', `${roster.url}/auth/session`);
      return {
        landed,
        session: session.status === 200 ? ((await session.json()) as Record<string, unknown>) : null,
      };
    };

    test('a user synced with its object id is not signed into by someone else with its email', async () => {
      const eve = await signIn(at('eve'));
      assert.equal(eve.landed.searchParams.get('error'), 'unknown_user');
      assert.equal(eve.session, null);
      assert.equal((await signIn(at('mateo'))).session?.displayName, 'mateo Test');
    });

    test('a user without an object id is matched by email once, then only by the object id that signed in', async () => {
      const sam = await signIn(at('sam'));
      assert.equal(sam.session?.displayName, 'sam Test');
      const samuel = await signIn(at('samuel'));
      assert.equal(samuel.landed.searchParams.get('error'), 'unknown_user');
      assert.equal(samuel.session, null);
      assert.equal((await signIn(at('sam'))).session?.displayName, 'sam Test');
    });
  });
}
