import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decodeJwt } from 'jose';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { graphGet, requestToken, type Json } from './support.js';

const secretClient = {
  clientId: 'app-secret',
  clientSecret: 's3cret',
  roles: ['User.Read.All', 'Group.Read.All'],
};
const expiredClient = {
  clientId: 'app-expired',
  clientSecret: 'old',
  clientSecretExpiresAt: '2020-01-01T00:00:00Z',
};
const noRolesClient = { clientId: 'app-unconsented', clientSecret: 'none-yet' };

describe('token endpoint: client credentials', () => {
  let emulator: Emulator;
  before(async () => {
    emulator = await startEmulator({
      users: 20,
      groups: 5,
      clients: [secretClient, expiredClient, noRolesClient],
    });
  });
  after(() => emulator.close());

  const grant = (overrides: Record<string, string> = {}, tenant?: string): Promise<Response> =>
    requestToken(
      emulator,
      {
        grant_type: 'client_credentials',
        client_id: secretClient.clientId,
        client_secret: secretClient.clientSecret,
        scope: 'https://graph.microsoft.com/.default',
        ...overrides,
      },
      tenant,
    );

  async function expectAadsts(
    response: Response,
    status: number,
    error: string,
    code: number,
  ): Promise<Json> {
    const body = (await response.json()) as Json;
    assert.equal(response.status, status);
    assert.equal(body.error, error);
    assert.deepEqual(body.error_codes, [code]);
    assert.match(body.error_description as string, new RegExp(`^AADSTS${code}: `));
    assert.match(
      body.error_description as string,
      /\r\nTrace ID: .+\r\nCorrelation ID: .+\r\nTimestamp: \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/,
    );
    assert.equal(typeof body.trace_id, 'string');
    assert.equal(typeof body.correlation_id, 'string');
    assert.match(body.timestamp as string, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/);
    return body;
  }

  it('issues a Bearer JWT with roles, tid, appid, aud and the sts.windows.net issuer', async () => {
    const response = await grant();
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('cache-control'), 'no-store, no-cache');
    const body = (await response.json()) as Json;
    assert.equal(body.token_type, 'Bearer');
    assert.equal(body.expires_in, 3599);
    assert.equal(body.ext_expires_in, 3599);
    const claims = decodeJwt(body.access_token as string);
    assert.deepEqual(claims.roles, ['User.Read.All', 'Group.Read.All']);
    assert.equal(claims.tid, emulator.tenantId);
    assert.equal(claims.appid, 'app-secret');
    assert.equal(claims.aud, 'https://graph.microsoft.com');
    assert.equal(claims.iss, `https://sts.windows.net/${emulator.tenantId}/`);
    assert.equal(claims.idtyp, 'app');
    assert.equal((claims.exp ?? 0) - (claims.iat ?? 0), 3599);
  });

  it('accepts HTTP Basic client authentication (RFC 6749 §2.3.1)', async () => {
    const response = await fetch(`${emulator.loginUrl}/${emulator.tenantId}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from('app-secret:s3cret').toString('base64')}` },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        scope: 'https://graph.microsoft.com/.default',
      }),
    });
    assert.equal(response.status, 200);
  });

  it('accepts the emulator origin, national clouds and the tenant domain as tenant segment', async () => {
    assert.equal((await grant({ scope: `${emulator.graphUrl}/.default` })).status, 200);
    assert.equal((await grant({ scope: 'https://graph.microsoft.us/.default' })).status, 200);
    assert.equal((await grant({ scope: 'https://microsoftgraph.chinacloudapi.cn/.default' })).status, 200);
    assert.equal((await grant({ scope: 'https://graph.microsoft.com//.default' })).status, 200);
    assert.equal((await grant({}, emulator.tenant.domain)).status, 200);
  });

  it('rejects a wrong secret with AADSTS7000215 (401 invalid_client)', async () => {
    await expectAadsts(await grant({ client_secret: 'wrong' }), 401, 'invalid_client', 7000215);
  });

  it('rejects an expired secret with AADSTS7000222', async () => {
    const response = await grant({
      client_id: expiredClient.clientId,
      client_secret: expiredClient.clientSecret,
    });
    await expectAadsts(response, 401, 'invalid_client', 7000222);
  });

  it('rejects an unknown application with AADSTS700016 (400 unauthorized_client)', async () => {
    const body = await expectAadsts(await grant({ client_id: 'nobody' }), 400, 'unauthorized_client', 700016);
    assert.match(body.error_description as string, /Application with identifier 'nobody' was not found/);
  });

  it('rejects an unknown tenant with AADSTS90002 (400 invalid_request)', async () => {
    await expectAadsts(
      await grant({}, '00000000-0000-0000-0000-000000000000'),
      400,
      'invalid_request',
      90002,
    );
  });

  it('rejects a scope without /.default with AADSTS1002012 (invalid_scope)', async () => {
    const response = await grant({ scope: 'https://graph.microsoft.com/User.Read.All' });
    await expectAadsts(response, 400, 'invalid_scope', 1002012);
  });

  it('rejects two resources in one scope with AADSTS70011 (invalid_scope)', async () => {
    const response = await grant({
      scope: 'https://graph.microsoft.com/.default https://graph.microsoft.us/.default',
    });
    await expectAadsts(response, 400, 'invalid_scope', 70011);
  });

  it('rejects an unknown resource with AADSTS500011, also another local port', async () => {
    const unknown = await grant({ scope: 'https://example.com/.default' });
    await expectAadsts(unknown, 400, 'invalid_resource', 500011);
    const otherPort = await grant({ scope: 'http://127.0.0.1:1/.default' });
    await expectAadsts(otherPort, 400, 'invalid_resource', 500011);
  });

  it('rejects a missing scope and a missing credential', async () => {
    await expectAadsts(await grant({ scope: '' }), 400, 'invalid_request', 900144);
    const response = await requestToken(emulator, {
      grant_type: 'client_credentials',
      client_id: secretClient.clientId,
      scope: 'https://graph.microsoft.com/.default',
    });
    await expectAadsts(response, 401, 'invalid_client', 7000218);
  });

  it('rejects an unsupported grant type with AADSTS70003', async () => {
    await expectAadsts(await grant({ grant_type: 'password' }), 400, 'unsupported_grant_type', 70003);
  });

  it('echoes client-request-id as the correlation id', async () => {
    const response = await fetch(
      `${emulator.loginUrl}/${emulator.tenantId}/oauth2/v2.0/token?client-request-id=abc-123`,
      {
        method: 'POST',
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: 'nobody',
          scope: 'x/.default',
        }),
      },
    );
    const body = (await response.json()) as Json;
    assert.equal(body.correlation_id, 'abc-123');
    assert.equal(response.headers.get('client-request-id'), 'abc-123');
  });

  it('gives an unconsented client a token without roles, which Graph refuses with 403', async () => {
    const response = await grant({
      client_id: noRolesClient.clientId,
      client_secret: noRolesClient.clientSecret,
    });
    assert.equal(response.status, 200);
    const token = ((await response.json()) as Json).access_token as string;
    assert.equal(decodeJwt(token).roles, undefined);
    const users = await graphGet(emulator, '/users', token);
    assert.equal(users.status, 403);
    const error = users.body.error as Json;
    assert.equal(error.code, 'Authorization_RequestDenied');
    assert.equal(error.message, 'Insufficient privileges to complete the operation.');
    const inner = error.innerError as Json;
    assert.equal(typeof inner['request-id'], 'string');
    assert.match(inner.date as string, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
  });

  it('refuses GET on the token endpoint', async () => {
    const response = await fetch(`${emulator.loginUrl}/${emulator.tenantId}/oauth2/v2.0/token`);
    assert.equal(response.status, 405);
    assert.deepEqual(((await response.json()) as Json).error_codes, [900561]);
  });
});
