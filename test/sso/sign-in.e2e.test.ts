import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { openSecretBox } from '../../src/secrets/secret-box.js';
import { createSignInLink } from '../../src/sso/sign-in-links.js';
import { saveSsoSettings } from '../../src/sso/sso-settings.js';
import { createOrganization } from '../../src/store/organizations.js';
import { insertUser } from '../../src/store/users.js';
import { engines } from '../support/engines.js';
import { startTestRoster, type TestRoster } from '../support/roster.js';
import { BrowserlessClient } from './support/browserless-client.js';

/** Portal sign-in with Entra (the emulator as OIDC issuer), sessions, CSRF and operator links, over HTTP. */
const portal = { clientId: '5d6e7f80-1a2b-4c3d-8e9f-a0b1c2d3e4f5', clientSecret: 'portal-secret-sso' };
const cookieName = (setCookie: string) => setCookie.slice(0, setCookie.indexOf('='));

for (const engine of engines) {
  describe(`portal sign-in on ${engine}`, () => {
    let roster: TestRoster;
    let emulator: Emulator;
    let organizationId = '';
    const upn = (name: string) => `${name}@${emulator.tenant.domain}`;

    before(async () => {
      roster = await startTestRoster(engine);
      emulator = await startEmulator({
        users: 5,
        groups: 1,
        seed: 3,
        clients: [{ ...portal, roles: [], redirectUris: [`${roster.url}/auth/callback`] }],
      });
      const now = new Date().toISOString();
      const db = roster.runtime.store.db;
      organizationId = (await createOrganization(db, { slug: 'acme', name: 'Acme', now })).id;
      await createOrganization(db, { slug: 'globex', name: 'Globex', now });
      await saveSsoSettings(
        db,
        openSecretBox(roster.runtime.config),
        organizationId,
        { tenantId: emulator.tenantId, ...portal, loginUrl: emulator.loginUrl },
        now,
      );
      const person = (
        name: string,
        externalId: string | null,
        roles: string[],
        status: 'active' | 'inactive',
      ) =>
        insertUser(db, {
          id: randomUUID(),
          organization_id: organizationId,
          email: upn(name),
          email_key: upn(name),
          user_name: upn(name),
          given_name: name,
          family_name: 'Test',
          display_name: `${name} Test`,
          status,
          source: 'local',
          source_connection_id: null,
          external_id: externalId,
          roles: JSON.stringify(roles),
          created_at: now,
          updated_at: now,
        });
      for (const name of ['ada', 'grace', 'bob', 'carol', 'dave']) {
        emulator.tenant.addUser({
          displayName: `${name} Test`,
          userPrincipalName: upn(name),
          mail: upn(name),
        });
      }
      await person('ada', emulator.tenant.getUser(upn('ada'))?.id ?? null, ['Admin'], 'active');
      await person('grace', null, ['readonly'], 'active');
      await person('bob', null, [], 'active');
      await person('carol', null, ['Admin'], 'inactive');
    });
    after(async () => {
      await emulator?.close();
      await roster?.close();
    });

    const signIn = async (name: string, org = 'acme') => {
      const client = new BrowserlessClient();
      const { hops } = await client.follow(
        `${roster.url}/auth/sign-in?org=${encodeURIComponent(org)}&login_hint=${encodeURIComponent(upn(name))}`,
      );
      const last = hops.at(-1);
      return { client, hops, landed: new URL(last?.url ?? '', roster.url) };
    };
    const session = async (client: BrowserlessClient) => {
      const response = await client.request('GET', `${roster.url}/auth/session`);
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };

    describe('OpenID Connect with the organization tenant', () => {
      test('signs in a user matched by Entra object id, with PKCE, state and nonce', async () => {
        const { client, hops, landed } = await signIn('ada');
        const authorize = new URL(hops[0]?.location ?? '');
        assert.equal(authorize.origin, emulator.url);
        assert.equal(authorize.pathname, `/${emulator.tenantId}/oauth2/v2.0/authorize`);
        assert.equal(authorize.searchParams.get('code_challenge_method'), 'S256');
        assert.ok(authorize.searchParams.get('state'));
        assert.ok(authorize.searchParams.get('nonce'));
        assert.equal(landed.pathname, '/');
        const { status, body } = await session(client);
        assert.equal(status, 200);
        assert.equal(body.role, 'Admin');
        assert.equal(body.canChange, true);
        assert.equal(body.displayName, 'ada Test');
      });

      test('takes the organization as the person types it, in any case', async () => {
        const { client, landed } = await signIn('ada', ' ACME ');
        assert.equal(landed.pathname, '/');
        assert.equal((await session(client)).status, 200);
      });

      test('sets the session cookie httpOnly and SameSite=Lax, and stores only its digest', async () => {
        const client = new BrowserlessClient();
        const start = await client.request(
          'GET',
          `${roster.url}/auth/sign-in?org=acme&login_hint=${upn('ada')}`,
        );
        const toEntra = await client.request('GET', start.headers.get('location') ?? '');
        const callbackUrl = toEntra.headers.get('location') ?? '';
        assert.ok(callbackUrl.startsWith(`${roster.url}/auth/callback?`));
        const replay = await fetch(callbackUrl, { redirect: 'manual' });
        assert.match(
          replay.headers.get('location') ?? '',
          /error=sign_in_expired/,
          'no sign-in cookie, no session',
        );
        const callback = await client.request('GET', callbackUrl);
        const cookies = callback.headers.getSetCookie();
        assert.deepEqual(
          cookies.map(cookieName),
          ['roster_sign_in', 'roster_session', 'roster_csrf'],
          'the sign-in cookie is cleared, the session and CSRF cookies set, each once',
        );
        const sessionCookie = cookies.find((c) => c.startsWith('roster_session='));
        const csrfCookie = cookies.find((c) => c.startsWith('roster_csrf='));
        assert.match(sessionCookie ?? '', /; HttpOnly/);
        assert.match(sessionCookie ?? '', /; SameSite=Lax/);
        assert.doesNotMatch(
          sessionCookie ?? '',
          /; Secure/,
          'plain http on loopback cannot carry Secure cookies',
        );
        assert.doesNotMatch(csrfCookie ?? '', /HttpOnly/, 'the portal script reads the CSRF token');
        const id = client.cookie(roster.url, 'roster_session');
        assert.ok(id);
        const stored = await roster.runtime.store.db
          .selectFrom('portal_sessions')
          .select('id_hash')
          .execute();
        assert.ok(stored.length > 0 && stored.every((row) => row.id_hash !== id));
      });

      test('matches by email when the object id is not known, with the role the user holds', async () => {
        const { client } = await signIn('grace');
        const { body } = await session(client);
        assert.equal(body.role, 'ReadOnly');
        assert.equal(body.canChange, false);
        const csrf = String(body.csrfToken);
        const put = await client.request('PUT', `${roster.url}/auth/settings`, {
          body: { tenantId: emulator.tenantId, clientId: 'x' },
          headers: { 'x-csrf-token': csrf },
        });
        assert.equal(put.status, 403);
      });

      for (const [name, code] of [
        ['bob', 'no_portal_role'],
        ['carol', 'user_inactive'],
        ['dave', 'unknown_user'],
      ] as const) {
        test(`refuses ${name} with ${code}`, async () => {
          const { client, landed } = await signIn(name);
          assert.equal(landed.pathname, '/sign-in');
          assert.equal(landed.searchParams.get('error'), code);
          assert.ok(landed.searchParams.get('message'));
          assert.equal((await session(client)).status, 401);
        });
      }

      test('refuses an organization without SSO', async () => {
        const { landed } = await signIn('ada', 'globex');
        assert.equal(landed.searchParams.get('error'), 'sso_not_configured');
      });

      /** Starts a sign-in in `client` and returns the callback Entra sends the browser back to. */
      const startSignIn = async (client: BrowserlessClient) => {
        const start = await client.request(
          'GET',
          `${roster.url}/auth/sign-in?org=acme&login_hint=${upn('ada')}`,
        );
        const toEntra = await client.request('GET', start.headers.get('location') ?? '');
        return new URL(toEntra.headers.get('location') ?? '');
      };
      const landing = async (client: BrowserlessClient, url: URL) => {
        const { hops } = await client.follow(url.href);
        return new URL(hops.at(-1)?.url ?? '', roster.url);
      };

      test('refuses a callback whose state was tampered with as state_mismatch', async () => {
        const client = new BrowserlessClient();
        const callback = await startSignIn(client);
        callback.searchParams.set('state', 'forged');
        const landed = await landing(client, callback);
        assert.equal(landed.pathname, '/sign-in');
        assert.equal(landed.searchParams.get('error'), 'state_mismatch');
        assert.match(landed.searchParams.get('message') ?? '', /start again/);
        assert.equal((await session(client)).status, 401);
      });

      test('two sign-ins started in one browser: finishing the first is a state_mismatch, not a provider error', async () => {
        const client = new BrowserlessClient();
        const first = await startSignIn(client);
        await startSignIn(client);
        const landed = await landing(client, first);
        assert.equal(landed.searchParams.get('error'), 'state_mismatch');
        assert.equal((await session(client)).status, 401);
      });

      test("an error from Entra without this sign-in's state is a state_mismatch; with it, a provider_error", async () => {
        const client = new BrowserlessClient();
        const callback = await startSignIn(client);
        const state = callback.searchParams.get('state') ?? '';
        const refusal = new URL(`${roster.url}/auth/callback`);
        refusal.searchParams.set('error', 'access_denied');
        refusal.searchParams.set('error_description', 'AADSTS65004: User declined to consent');
        assert.equal((await landing(client, refusal)).searchParams.get('error'), 'state_mismatch');

        // The failed callback spent the sign-in; a new one gets Entra's refusal with its state.
        const answered = await startSignIn(client);
        refusal.searchParams.set('state', answered.searchParams.get('state') ?? '');
        assert.notEqual(refusal.searchParams.get('state'), state);
        assert.equal((await landing(client, refusal)).searchParams.get('error'), 'provider_error');
      });
    });

    describe('sessions and CSRF', () => {
      test('refuses a change without the CSRF header, and signs out with it', async () => {
        const { client } = await signIn('ada');
        const { body } = await session(client);
        const refused = await client.request('POST', `${roster.url}/auth/logout`, { body: {} });
        assert.equal(refused.status, 403);
        assert.equal((await session(client)).status, 200);
        const wrong = await client.request('POST', `${roster.url}/auth/logout`, {
          body: {},
          headers: { 'x-csrf-token': 'not-the-token' },
        });
        assert.equal(wrong.status, 403);
        const out = await client.request('POST', `${roster.url}/auth/logout`, {
          body: {},
          headers: { 'x-csrf-token': String(body.csrfToken) },
        });
        assert.equal(out.status, 200);
        assert.equal((await session(client)).status, 401);
      });
    });

    describe('a session follows the user it belongs to', () => {
      test('a role taken away, a deactivation or SSO turned off ends the session at the next request', async () => {
        const db = roster.runtime.store.db;
        const now = new Date().toISOString();
        const daveId = randomUUID();
        await insertUser(db, {
          id: daveId,
          organization_id: organizationId,
          email: upn('dave'),
          email_key: upn('dave'),
          user_name: upn('dave'),
          given_name: 'dave',
          family_name: 'Test',
          display_name: 'dave Test',
          status: 'active',
          source: 'local',
          source_connection_id: null,
          external_id: null,
          roles: JSON.stringify(['Admin']),
          created_at: now,
          updated_at: now,
        });
        const setDave = (values: { roles?: string; status?: 'active' | 'inactive' }) =>
          db.updateTable('users').set(values).where('id', '=', daveId).execute();
        const users = (client: BrowserlessClient) =>
          client.request('GET', `${roster.url}/api/v1/organizations/acme/users`);

        let { client } = await signIn('dave');
        assert.equal((await users(client)).status, 200);
        await setDave({ roles: JSON.stringify(['ReadOnly']) });
        const downgraded = await session(client);
        assert.equal(downgraded.body.role, 'ReadOnly');
        assert.equal(downgraded.body.canChange, false);
        await setDave({ roles: '[]' });
        assert.equal((await users(client)).status, 401);
        assert.equal((await session(client)).status, 401);
        // The session is gone for good: giving the role back does not revive it.
        await setDave({ roles: JSON.stringify(['Admin']) });
        assert.equal((await session(client)).status, 401);

        ({ client } = await signIn('dave'));
        assert.equal((await users(client)).status, 200);
        await setDave({ status: 'inactive' });
        assert.equal((await users(client)).status, 401);
        await setDave({ status: 'active' });

        ({ client } = await signIn('dave'));
        await db
          .updateTable('sso_settings')
          .set({ enabled: 0 })
          .where('organization_id', '=', organizationId)
          .execute();
        try {
          assert.equal((await users(client)).status, 401);
        } finally {
          await db
            .updateTable('sso_settings')
            .set({ enabled: 1 })
            .where('organization_id', '=', organizationId)
            .execute();
        }
      });
    });

    describe('operator links', () => {
      test('a link signs the operator in once, and never again', async () => {
        const link = await createSignInLink(roster.runtime.store.db, {
          publicUrl: roster.url,
          organizationId: null,
          now: new Date(),
        });
        const url = new URL(link.url);
        assert.equal(url.pathname, '/sign-in/link');
        const token = url.hash.slice(1);
        const client = new BrowserlessClient();
        const first = await client.request('POST', `${roster.url}/auth/link`, { body: { token } });
        assert.equal(first.status, 200);
        assert.deepEqual(first.headers.getSetCookie().map(cookieName), ['roster_session', 'roster_csrf']);
        const { body } = await session(client);
        assert.equal(body.kind, 'operator');
        assert.equal(body.organization, null);
        const second = await new BrowserlessClient().request('POST', `${roster.url}/auth/link`, {
          body: { token },
        });
        assert.equal(second.status, 400);
        assert.equal(((await second.json()) as { error: string }).error, 'link_invalid');
        const csrf = String(body.csrfToken);
        const switched = await client.request('POST', `${roster.url}/auth/session/organization`, {
          body: { organization: 'globex' },
          headers: { 'x-csrf-token': csrf },
        });
        assert.equal(switched.status, 200);
        assert.equal(((await session(client)).body.organization as { slug: string }).slug, 'globex');
      });
    });
  });
}
