/**
 * The emulator as an OpenID Connect provider for portal SSO: discovery, the authorization code
 * flow with PKCE driven by openid-client v6 (`login_hint` skips the sign-in page), ID token
 * claims, userinfo, logout, and the sign-in page for browsers.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as client from 'openid-client';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import type { Json } from './support.js';

const redirectUri = 'http://127.0.0.1:5173/auth/callback';

describe('OIDC issuer', () => {
  let emulator: Emulator;
  let config: client.Configuration;
  before(async () => {
    emulator = await startEmulator({
      users: 40,
      groups: 4,
      clients: [
        {
          clientId: 'portal',
          clientSecret: 'portal-secret',
          redirectUris: ['http://127.0.0.1/auth/callback'],
        },
        { clientId: 'spa', redirectUris: ['http://localhost:3000/cb'] },
      ],
    });
    config = await client.discovery(new URL(emulator.issuer), 'portal', 'portal-secret', undefined, {
      execute: [client.allowInsecureRequests],
    });
  });
  after(() => emulator.close());

  async function authorize(parameters: Record<string, string>): Promise<Response> {
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: 'openid profile email',
      ...parameters,
    });
    return fetch(url, { redirect: 'manual' });
  }

  it('publishes a discovery document whose issuer is <loginUrl>/<tenantId>/v2.0', async () => {
    const response = await fetch(`${emulator.issuer}/.well-known/openid-configuration`);
    const doc = (await response.json()) as Json;
    assert.equal(doc.issuer, `${emulator.loginUrl}/${emulator.tenantId}/v2.0`);
    assert.equal(doc.token_endpoint, `${emulator.loginUrl}/${emulator.tenantId}/oauth2/v2.0/token`);
    assert.equal(doc.userinfo_endpoint, `${emulator.url}/oidc/userinfo`);
    const jwks = (await (await fetch(doc.jwks_uri as string)).json()) as { keys: Json[] };
    assert.equal(jwks.keys[0]!.kty, 'RSA');
    assert.equal(jwks.keys[0]!.use, 'sig');
  });

  it("publishes Entra's members and no others: no PKCE methods, Entra's claims, a Kerberos endpoint", async () => {
    const doc = (await (await fetch(`${emulator.issuer}/.well-known/openid-configuration`)).json()) as Json;
    // Entra honours PKCE S256 without announcing it; a client must not depend on the member.
    assert.equal('code_challenge_methods_supported' in doc, false);
    assert.deepEqual(doc.claims_supported, [
      'sub',
      'iss',
      'cloud_instance_name',
      'cloud_instance_host_name',
      'cloud_graph_host_name',
      'msgraph_host',
      'aud',
      'exp',
      'iat',
      'auth_time',
      'acr',
      'nonce',
      'preferred_username',
      'name',
      'tid',
      'ver',
      'at_hash',
      'c_hash',
      'email',
    ]);
    assert.equal(doc.kerberos_endpoint, `${emulator.loginUrl}/${emulator.tenantId}/kerberos`);
    assert.equal(config.serverMetadata().supportsPKCE(), false, 'openid-client sees no PKCE methods');
  });

  it('signs a user in with login_hint, PKCE S256, state and nonce (openid-client v6)', async () => {
    const user = emulator.tenant.listUsers({ offset: 1, limit: 1 })[0]!;
    emulator.tenant.setAppRole(user.id, 'Admin');
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    const response = await authorize({
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
      login_hint: user.userPrincipalName,
    });
    assert.equal(response.status, 302);
    const callback = new URL(response.headers.get('location')!);
    assert.equal(
      `${callback.origin}${callback.pathname}`,
      redirectUri,
      'a loopback redirect URI matches on any port',
    );
    const tokens = await client.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: verifier,
      expectedState: state,
      expectedNonce: nonce,
      idTokenExpected: true,
    });
    const claims = tokens.claims()!;
    assert.equal(claims.iss, emulator.issuer);
    assert.equal(claims.aud, 'portal');
    assert.equal(claims.oid, user.id);
    assert.equal(claims.tid, emulator.tenantId);
    assert.equal(claims.preferred_username, user.userPrincipalName);
    assert.equal(claims.name, 'Zoë Ångström');
    assert.equal(claims.email, user.mail);
    assert.equal(claims.ver, '2.0');
    assert.deepEqual(claims.roles, ['Admin']);
    assert.notEqual(claims.sub, user.id, 'sub is pairwise, not the object id');
    const info = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
    assert.equal(info.sub, claims.sub);
    assert.equal(info.email, user.mail);
  });

  it('refuses a wrong code_verifier with AADSTS501481, and the code once used with AADSTS54005', async () => {
    const user = emulator.tenant.listUsers({ limit: 1 })[0]!;
    const verifier = client.randomPKCECodeVerifier();
    const response = await authorize({
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      login_hint: user.userPrincipalName,
    });
    const code = new URL(response.headers.get('location')!).searchParams.get('code')!;
    const redeem = (codeVerifier: string): Promise<Response> =>
      fetch(`${emulator.loginUrl}/${emulator.tenantId}/oauth2/v2.0/token`, {
        method: 'POST',
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          client_id: 'portal',
          client_secret: 'portal-secret',
          code,
          redirect_uri: redirectUri,
          code_verifier: codeVerifier,
        }),
      });
    const wrong = await redeem(client.randomPKCECodeVerifier());
    assert.equal(wrong.status, 400);
    assert.deepEqual(((await wrong.json()) as Json).error_codes, [501481]);
    const again = await redeem(verifier);
    assert.deepEqual(
      ((await again.json()) as Json).error_codes,
      [54005],
      'a code is single use, even after a failed redemption',
    );
  });

  it('requires PKCE, redirecting the error with state', async () => {
    const response = await authorize({ state: 'xyz', login_hint: 'anyone' });
    const location = new URL(response.headers.get('location')!);
    assert.equal(location.searchParams.get('error'), 'invalid_request');
    assert.equal(location.searchParams.get('state'), 'xyz');
    assert.match(location.searchParams.get('error_description')!, /^AADSTS9002325/);
  });

  it('shows an error page, never a redirect, for an unregistered redirect_uri', async () => {
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: 'https://evil.example/cb',
      scope: 'openid',
      code_challenge: 'x'.repeat(43),
      code_challenge_method: 'S256',
    });
    const response = await fetch(url, { redirect: 'manual' });
    assert.equal(response.status, 400);
    assert.match(await response.text(), /AADSTS50011/);
  });

  it('shows a sign-in page listing users, and signs in the one chosen by form POST', async () => {
    const verifier = client.randomPKCECodeVerifier();
    const page = await authorize({
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state: 's1',
    });
    assert.equal(page.status, 200);
    const html = await page.text();
    const user = emulator.tenant.listUsers({ offset: 3, limit: 1 })[0]!;
    assert.ok(html.includes(user.userPrincipalName));
    assert.ok(html.includes('José Müller'));
    const form = new URLSearchParams();
    for (const match of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
      form.set(
        match[1]!,
        match[2]!.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n))),
      );
    }
    form.set('login', user.userPrincipalName);
    const posted = await fetch(`${emulator.loginUrl}/${emulator.tenantId}/oauth2/v2.0/authorize`, {
      method: 'POST',
      body: form,
      redirect: 'manual',
    });
    assert.equal(posted.status, 302);
    const callback = new URL(posted.headers.get('location')!);
    assert.equal(callback.searchParams.get('state'), 's1');
    const tokens = await client.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: verifier,
      expectedState: 's1',
    });
    assert.equal(tokens.claims()!.oid, user.id);
  });

  it('refuses to sign in a disabled user', async () => {
    const disabled = emulator.tenant.listUsers({ limit: 10 }).find((u) => !u.accountEnabled)!;
    const response = await authorize({
      code_challenge: 'x'.repeat(43),
      code_challenge_method: 'S256',
      login_hint: disabled.userPrincipalName,
    });
    assert.equal(response.status, 400);
    assert.match(await response.text(), /AADSTS50057/);
  });

  it('lets a public client redeem its code without a secret', async () => {
    const user = emulator.tenant.listUsers({ limit: 1 })[0]!;
    const verifier = client.randomPKCECodeVerifier();
    const params = new URLSearchParams({
      client_id: 'spa',
      response_type: 'code',
      redirect_uri: 'http://localhost:3000/cb',
      scope: 'openid',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      login_hint: user.userPrincipalName,
    });
    const response = await fetch(
      `${emulator.loginUrl}/${emulator.tenantId}/oauth2/v2.0/authorize?${params}`,
      { redirect: 'manual' },
    );
    const code = new URL(response.headers.get('location')!).searchParams.get('code')!;
    const token = await fetch(`${emulator.loginUrl}/${emulator.tenantId}/oauth2/v2.0/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        client_id: 'spa',
        code,
        redirect_uri: 'http://localhost:3000/cb',
        code_verifier: verifier,
      }),
    });
    assert.equal(token.status, 200);
    assert.equal(typeof ((await token.json()) as Json).id_token, 'string');
  });

  it('logs out to a registered post_logout_redirect_uri', async () => {
    const url = client.buildEndSessionUrl(config, {
      post_logout_redirect_uri: 'http://127.0.0.1:5173/auth/callback',
      state: 'bye',
    });
    const response = await fetch(url, { redirect: 'manual' });
    assert.equal(response.status, 302);
    assert.equal(response.headers.get('location'), 'http://127.0.0.1:5173/auth/callback?state=bye');
  });
});
