/**
 * Throttling and scripted failures ("Microsoft Graph throttling guidance": 429 with Retry-After
 * and code TooManyRequests; 503/504 may carry Retry-After).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { appToken, graphGet, requestToken, type Json } from './support.js';

describe('failure injection and throttling', () => {
  let emulator: Emulator;
  let token: string;
  let now = new Date('2026-05-01T00:00:00Z');
  before(async () => {
    emulator = await startEmulator({ users: 50, groups: 5, clock: { now: () => now } });
    token = await appToken(emulator);
  });
  after(() => emulator.close());

  it('answers the next matching request with 429, Retry-After and TooManyRequests, then recovers', async () => {
    emulator.tenant.injectFailures({ path: /\/users\/delta/, status: 429, count: 2, retryAfterSeconds: 3 });
    for (let attempt = 0; attempt < 2; attempt++) {
      const throttled = await graphGet(emulator, '/users/delta', token);
      assert.equal(throttled.status, 429);
      assert.equal(throttled.headers.get('retry-after'), '3');
      const error = throttled.body.error as Json;
      assert.equal(error.code, 'TooManyRequests');
      assert.equal(error.message, 'Please retry again later.');
      assert.equal((error.innerError as Json).status, '429');
    }
    assert.equal((await graphGet(emulator, '/users', token)).status, 200, 'other paths are unaffected');
    assert.equal((await graphGet(emulator, '/users/delta', token)).status, 200);
  });

  it('injects 503 and 504 with an optional Retry-After', async () => {
    emulator.tenant.injectFailures({ path: '/groups', status: 503, retryAfterSeconds: 1 });
    emulator.tenant.injectFailures({ path: '/groups', status: 504 });
    const unavailable = await graphGet(emulator, '/groups', token);
    assert.equal(unavailable.status, 503);
    assert.equal(unavailable.headers.get('retry-after'), '1');
    assert.equal((unavailable.body.error as Json).code, 'serviceNotAvailable');
    const timeout = await graphGet(emulator, '/groups', token);
    assert.equal(timeout.status, 504);
    assert.equal(timeout.headers.get('retry-after'), null);
    assert.equal((await graphGet(emulator, '/groups', token)).status, 200);
  });

  it('injects 403 Authorization_RequestDenied, as for a permission the app lacks', async () => {
    emulator.tenant.injectFailures({ path: 'appRoleAssignedTo', status: 403 });
    const sp = emulator.clients[0]!.servicePrincipalId;
    const denied = await graphGet(emulator, `/servicePrincipals/${sp}/appRoleAssignedTo`, token);
    assert.equal(denied.status, 403);
    assert.equal((denied.body.error as Json).code, 'Authorization_RequestDenied');
    assert.equal((await graphGet(emulator, `/servicePrincipals/${sp}/appRoleAssignedTo`, token)).status, 200);
  });

  it('answers an injected failure on the token endpoint in the OAuth error shape', async () => {
    emulator.tenant.injectFailures({ path: 'oauth2/v2\\.0/token', status: 503, retryAfterSeconds: 2 });
    const client = emulator.clients[0]!;
    const response = await requestToken(emulator, {
      grant_type: 'client_credentials',
      client_id: client.clientId,
      client_secret: client.clientSecret!,
      scope: 'https://graph.microsoft.com/.default',
    });
    assert.equal(response.status, 503);
    assert.equal(response.headers.get('retry-after'), '2');
    assert.equal(((await response.json()) as Json).error, 'temporarily_unavailable');
  });

  it('throttles by ResourceUnits per window, with throttle headers', async () => {
    emulator.tenant.setThrottle({ resourceUnits: 10, windowSeconds: 10 });
    try {
      const statuses: number[] = [];
      let last: Awaited<ReturnType<typeof graphGet>> | null = null;
      for (let i = 0; i < 6; i++) {
        last = await graphGet(emulator, '/users', token); // costs 2 ResourceUnits
        statuses.push(last.status);
      }
      assert.deepEqual(statuses, [200, 200, 200, 200, 200, 429]);
      assert.equal(last!.headers.get('retry-after'), '2');
      assert.equal(last!.headers.get('x-ms-throttle-information'), 'ResourceUnitLimitExceeded');
      assert.match(last!.headers.get('x-ms-throttle-scope') ?? '', /^Tenant_Application\//);
      now = new Date(now.getTime() + 2_000);
      const recovered = await graphGet(emulator, '/users', token);
      assert.equal(recovered.status, 200);
      assert.equal(recovered.headers.get('x-ms-throttle-limit-percentage'), '1.0');
    } finally {
      emulator.tenant.setThrottle(null);
    }
  });

  it('validates failure rules', () => {
    assert.throws(() => emulator.tenant.injectFailures({ path: '/x', status: 418 as 429 }), TypeError);
    assert.throws(() => emulator.tenant.injectFailures({ path: '(', status: 429 }), TypeError);
    emulator.tenant.clearFailures();
    assert.deepEqual(emulator.tenant.pendingFailures(), []);
  });
});
