/**
 * @azure/msal-node against the emulator, configured as environment.md's recipe says: an https
 * authority on a made-up host listed in `knownAuthorities` (no instance discovery) and
 * `authorityMetadata` pointing at the emulator (no OIDC discovery), so MSAL sends exactly one
 * request, to the emulator's token endpoint.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ConfidentialClientApplication, type Configuration } from '@azure/msal-node';
import { SignJWT, decodeJwt, importPKCS8 } from 'jose';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { graphGet, makeCertificate, requestToken, type Json, type TestCertificate } from './support.js';

const fakeHost = 'login.emulator.test';

function msalAuth(
  emulator: Emulator,
): Pick<Configuration['auth'], 'authority' | 'knownAuthorities' | 'authorityMetadata'> {
  const base = `${emulator.loginUrl}/${emulator.tenantId}`;
  return {
    authority: `https://${fakeHost}/${emulator.tenantId}`,
    knownAuthorities: [fakeHost],
    authorityMetadata: JSON.stringify({
      issuer: `https://${fakeHost}/${emulator.tenantId}/v2.0`,
      token_endpoint: `${base}/oauth2/v2.0/token`,
      authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
      end_session_endpoint: `${base}/oauth2/v2.0/logout`,
      jwks_uri: `${base}/discovery/v2.0/keys`,
    }),
  };
}

describe('msal-node ConfidentialClientApplication', () => {
  let emulator: Emulator;
  let certificate: TestCertificate;
  before(async () => {
    certificate = makeCertificate();
    emulator = await startEmulator({
      users: 30,
      groups: 5,
      clients: [
        { clientId: 'msal-secret', clientSecret: 'msal-s3cret', roles: ['User.Read.All'] },
        { clientId: 'msal-cert', certificatePem: certificate.certificatePem, roles: ['Directory.Read.All'] },
      ],
    });
  });
  after(() => emulator.close());

  it('acquires a token with a client secret, then serves the second call from its cache', async () => {
    const cca = new ConfidentialClientApplication({
      auth: { clientId: 'msal-secret', clientSecret: 'msal-s3cret', ...msalAuth(emulator) },
    });
    emulator.tenant.clearRequests();
    const first = await cca.acquireTokenByClientCredential({
      scopes: ['https://graph.microsoft.com/.default'],
    });
    assert.ok(first?.accessToken);
    assert.equal(first.fromCache, false);
    assert.deepEqual(decodeJwt(first.accessToken).roles, ['User.Read.All']);
    const second = await cca.acquireTokenByClientCredential({
      scopes: ['https://graph.microsoft.com/.default'],
    });
    assert.equal(second?.fromCache, true);
    assert.deepEqual(
      emulator.tenant.requests().map((r) => r.path.split('?')[0]),
      [`/${emulator.tenantId}/oauth2/v2.0/token`],
    );
    const users = await graphGet(emulator, '/users?$top=1', first.accessToken);
    assert.equal(users.status, 200);
  });

  it('surfaces AADSTS7000215 for a wrong secret as invalid_client', async () => {
    const cca = new ConfidentialClientApplication({
      auth: { clientId: 'msal-secret', clientSecret: 'nope', ...msalAuth(emulator) },
    });
    await assert.rejects(
      cca.acquireTokenByClientCredential({ scopes: ['https://graph.microsoft.com/.default'] }),
      (error: { errorCode?: string; errorMessage?: string }) =>
        error.errorCode === 'invalid_client' && /AADSTS7000215/.test(error.errorMessage ?? ''),
    );
  });

  it('acquires a token with a certificate (SHA-256 thumbprint, PS256, x5t#S256)', async () => {
    const cca = new ConfidentialClientApplication({
      auth: {
        clientId: 'msal-cert',
        clientCertificate: { thumbprintSha256: certificate.sha256, privateKey: certificate.privateKeyPem },
        ...msalAuth(emulator),
      },
    });
    const result = await cca.acquireTokenByClientCredential({
      scopes: ['https://graph.microsoft.com/.default'],
    });
    assert.ok(result?.accessToken);
    const claims = decodeJwt(result.accessToken);
    assert.equal(claims.appid, 'msal-cert');
    assert.equal(claims.appidacr, '2');
    assert.deepEqual(claims.roles, ['Directory.Read.All']);
  });

  it('acquires a token with a certificate (SHA-1 thumbprint, RS256, x5t)', async () => {
    const cca = new ConfidentialClientApplication({
      auth: {
        clientId: 'msal-cert',
        clientCertificate: { thumbprint: certificate.sha1, privateKey: certificate.privateKeyPem },
        ...msalAuth(emulator),
      },
    });
    const result = await cca.acquireTokenByClientCredential({
      scopes: ['https://graph.microsoft.com/.default'],
    });
    assert.equal(decodeJwt(result!.accessToken).appidacr, '2');
  });

  it('rejects an assertion signed by an unregistered certificate with AADSTS700027', async () => {
    const other = makeCertificate();
    const cca = new ConfidentialClientApplication({
      auth: {
        clientId: 'msal-cert',
        clientCertificate: { thumbprintSha256: other.sha256, privateKey: other.privateKeyPem },
        ...msalAuth(emulator),
      },
    });
    await assert.rejects(
      cca.acquireTokenByClientCredential({ scopes: ['https://graph.microsoft.com/.default'] }),
      (error: { errorCode?: string; errorMessage?: string }) =>
        error.errorCode === 'invalid_client' && /AADSTS700027/.test(error.errorMessage ?? ''),
    );
  });

  it('rejects the right thumbprint signed with the wrong key with AADSTS700027', async () => {
    const other = makeCertificate();
    const cca = new ConfidentialClientApplication({
      auth: {
        clientId: 'msal-cert',
        clientCertificate: { thumbprintSha256: certificate.sha256, privateKey: other.privateKeyPem },
        ...msalAuth(emulator),
      },
    });
    await assert.rejects(
      cca.acquireTokenByClientCredential({ scopes: ['https://graph.microsoft.com/.default'] }),
      (error: { errorMessage?: string }) => /AADSTS700027/.test(error.errorMessage ?? ''),
    );
  });

  describe('raw client assertions', () => {
    async function assertion(claims: Record<string, unknown>, expiresIn = 600): Promise<string> {
      const key = await importPKCS8(certificate.privateKeyPem, 'RS256');
      const x5t = Buffer.from(certificate.sha1, 'hex').toString('base64url');
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({
        iss: 'msal-cert',
        sub: 'msal-cert',
        aud: `${emulator.loginUrl}/${emulator.tenantId}/oauth2/v2.0/token`,
        jti: 'j1',
        ...claims,
      })
        .setProtectedHeader({ alg: 'RS256', typ: 'JWT', x5t })
        .setIssuedAt(now - 1000)
        .setNotBefore(now - 1000)
        .setExpirationTime(now + expiresIn)
        .sign(key);
    }
    const post = (clientAssertion: string): Promise<Response> =>
      requestToken(emulator, {
        grant_type: 'client_credentials',
        client_id: 'msal-cert',
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: clientAssertion,
        scope: 'https://graph.microsoft.com/.default',
      });
    const codes = async (response: Response): Promise<unknown> =>
      ((await response.json()) as Json).error_codes;

    it('accepts a hand-made assertion whose aud is the tenant token endpoint', async () => {
      assert.equal((await post(await assertion({}))).status, 200);
    });

    it('rejects an expired assertion with AADSTS700024', async () => {
      assert.deepEqual(await codes(await post(await assertion({}, -600))), [700024]);
    });

    it('rejects an assertion issued for another client with AADSTS700021', async () => {
      assert.deepEqual(
        await codes(await post(await assertion({ iss: 'someone', sub: 'someone' }))),
        [700021],
      );
    });

    it('rejects an assertion for another audience with AADSTS50027', async () => {
      assert.deepEqual(
        await codes(await post(await assertion({ aud: 'https://login.example/other/oauth2/v2.0/token' }))),
        [50027],
      );
    });
  });
});
