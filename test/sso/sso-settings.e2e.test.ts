import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { operatorRole } from '../../src/sso/portal-role.js';
import { createSession } from '../../src/sso/sessions.js';
import { createOrganization } from '../../src/store/organizations.js';
import { engines } from '../support/engines.js';
import { startTestRoster, type TestRoster } from '../support/roster.js';

/**
 * PUT and GET /auth/settings over HTTP, with host overrides off (the default): the cloud decides
 * the login host unless a real override was given, the client id must be a GUID, and China signs
 * in on Entra's own host for it.
 */
const tenantId = '0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9';
const clientId = '7c8d9e0f-1a2b-4c3d-8e4f-5a6b7c8d9e0f';

interface SettingsReply {
  settings: {
    cloud: string;
    clientId: string;
    loginUrl: string;
    loginUrlOverride: string | null;
    authority: string;
  } | null;
  redirectUris: { web: string[]; publicClient: string[] };
}

for (const engine of engines) {
  describe(`SSO settings over HTTP on ${engine}`, () => {
    let roster: TestRoster;
    let organizationId = '';
    let headers: Record<string, string> = {};

    before(async () => {
      roster = await startTestRoster(engine, { ROSTER_ALLOW_HOST_OVERRIDES: 'off' });
      const db = roster.runtime.store.db;
      organizationId = (
        await createOrganization(db, { slug: 'acme', name: 'Acme', now: new Date().toISOString() })
      ).id;
      // The operator, the one person who may set a host of their own with overrides off.
      const { sessionId, session } = await createSession(
        db,
        { kind: 'operator', organizationId, userId: null, displayName: 'Operator', role: operatorRole },
        new Date(),
      );
      headers = {
        cookie: `roster_session=${sessionId}; roster_csrf=${session.csrfToken}`,
        'x-csrf-token': session.csrfToken,
      };
    });
    after(async () => {
      await roster?.close();
    });

    const put = (body: Record<string, unknown>) =>
      fetch(`${roster.url}/auth/settings`, {
        method: 'PUT',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const saved = async (body: Record<string, unknown>) => {
      const response = await put(body);
      assert.equal(response.status, 200, await response.clone().text());
      return read();
    };
    const read = async () => {
      const response = await fetch(`${roster.url}/auth/settings`, { headers });
      assert.equal(response.status, 200);
      return (await response.json()) as SettingsReply;
    };
    const setStored = (values: { cloud?: string; login_url?: string; client_id?: string }) =>
      roster.runtime.store.db
        .updateTable('sso_settings')
        .set(values)
        .where('organization_id', '=', organizationId)
        .execute();

    test('changing the cloud after the first save changes the login host and the authority', async () => {
      const first = await saved({ tenantId, clientId, clientSecret: 's3cret' });
      assert.equal(first.settings?.authority, `https://login.microsoftonline.com/${tenantId}/v2.0`);
      assert.equal(first.settings?.loginUrlOverride, null);

      const usgov = await saved({ tenantId, clientId, cloud: 'usgov' });
      assert.equal(usgov.settings?.loginUrl, 'https://login.microsoftonline.us');
      assert.equal(usgov.settings?.authority, `https://login.microsoftonline.us/${tenantId}/v2.0`);

      // What a page that sends back the host it was shown does: naming the cloud's own host is
      // no override, and the next change of cloud still changes the host.
      const echoed = await saved({
        tenantId,
        clientId,
        cloud: 'usgov',
        loginUrl: 'https://login.microsoftonline.us/',
      });
      assert.equal(echoed.settings?.loginUrlOverride, null);
      const back = await saved({ tenantId, clientId, cloud: 'global' });
      assert.equal(back.settings?.authority, `https://login.microsoftonline.com/${tenantId}/v2.0`);
    });

    test("China signs in on Entra's partner host, the issuer its discovery document names", async () => {
      const china = await saved({ tenantId, clientId, cloud: 'china' });
      assert.equal(china.settings?.loginUrl, 'https://login.partner.microsoftonline.cn');
      assert.equal(china.settings?.authority, `https://login.partner.microsoftonline.cn/${tenantId}/v2.0`);
    });

    test("settings stored with their cloud's own host follow a change of cloud", async () => {
      await saved({ tenantId, clientId, cloud: 'global' });
      // As saved before overrides were kept apart: the resolved host in the row.
      await setStored({ cloud: 'global', login_url: 'https://login.microsoftonline.com' });
      assert.equal((await read()).settings?.loginUrlOverride, null);
      const moved = await saved({ tenantId, clientId, cloud: 'usgov' });
      assert.equal(moved.settings?.authority, `https://login.microsoftonline.us/${tenantId}/v2.0`);

      // China's former host is China's too, not an override.
      await setStored({ cloud: 'china', login_url: 'https://login.chinacloudapi.cn' });
      const china = await read();
      assert.equal(china.settings?.loginUrlOverride, null);
      assert.equal(china.settings?.authority, `https://login.partner.microsoftonline.cn/${tenantId}/v2.0`);
    });

    test("an override is kept across a change of cloud, and another cloud's host is refused", async () => {
      const emulated = await saved({ tenantId, clientId, cloud: 'global', loginUrl: 'http://127.0.0.1:9/' });
      assert.equal(emulated.settings?.loginUrlOverride, 'http://127.0.0.1:9');
      assert.equal(emulated.settings?.authority, `http://127.0.0.1:9/${tenantId}/v2.0`);

      const refused = await put({
        tenantId,
        clientId,
        cloud: 'usgov',
        loginUrl: 'https://login.microsoftonline.com',
      });
      assert.equal(refused.status, 400);
      const refusal = (await refused.json()) as { error?: string; message?: string };
      assert.equal(refusal.error, 'invalid_input');
      assert.match(
        refusal.message ?? '',
        /^loginUrl .* is the login host of the global cloud: choose that cloud instead/,
      );
      assert.equal((await read()).settings?.loginUrlOverride, 'http://127.0.0.1:9', 'nothing was stored');
      await saved({ tenantId, clientId, cloud: 'global', loginUrl: '' });
    });

    test('refuses an Application (client) ID that is not a GUID, naming the field', async () => {
      const response = await put({ tenantId, clientId: 'my app', cloud: 'global' });
      assert.equal(response.status, 400);
      // The /auth scope's own error format (src/sso/auth-plugin.ts), the message naming the field.
      const refusal = (await response.json()) as { error?: string; message?: string };
      assert.equal(refusal.error, 'invalid_input');
      assert.equal(refusal.message, 'clientId must be the Application (client) ID, a GUID');
      const after = await read();
      assert.equal(after.settings?.clientId, clientId);
      assert.deepEqual(after.redirectUris.publicClient, ['http://localhost', `msal${clientId}://auth`]);
    });

    test('a client id stored before it was checked shows no msal redirect URI to register', async () => {
      await setStored({ client_id: 'my app' });
      try {
        assert.deepEqual((await read()).redirectUris.publicClient, ['http://localhost']);
      } finally {
        await setStored({ client_id: clientId });
      }
    });
  });
}
