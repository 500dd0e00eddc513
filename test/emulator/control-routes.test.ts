/**
 * The `/_emulator` HTTP control API, as a separately started `roster emulator` process is driven.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { appToken, deltaRound, graphGet, type Json } from './support.js';

describe('control routes', () => {
  let emulator: Emulator;
  before(async () => {
    emulator = await startEmulator({ users: 40, groups: 6, seed: 3 });
  });
  after(() => emulator.close());

  async function control(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: Json }> {
    const response = await fetch(`${emulator.url}/_emulator${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Json };
  }

  it('summarises the tenant, its URLs and the default client', async () => {
    const { status, body } = await control('GET', '');
    assert.equal(status, 200);
    assert.equal(body.tenantId, emulator.tenantId);
    assert.equal(body.issuer, emulator.issuer);
    const clients = body.clients as Json[];
    assert.equal(clients[0]!.clientSecret, 'emulator-secret-3');
    assert.deepEqual((body.counts as Json).users, 40);
  });

  it('adds, updates, disables, deletes and restores a user, which delta then reports', async () => {
    const token = await appToken(emulator);
    const initial = await deltaRound(emulator, '/users/delta?$select=displayName,accountEnabled', token);
    const created = await control('POST', '/users', {
      displayName: 'Åsa Öberg',
      userPrincipalName: 'asa@example.test',
    });
    assert.equal(created.status, 201);
    const id = created.body.id as string;
    assert.equal((await control('PATCH', `/users/${id}`, { jobTitle: 'Tester' })).body.jobTitle, 'Tester');
    assert.equal((await control('POST', '/users/asa@example.test/disable')).body.accountEnabled, false);
    const round = await deltaRound(emulator, initial.deltaLink, token);
    assert.deepEqual(round.items, [{ id, displayName: 'Åsa Öberg', accountEnabled: false }]);

    assert.equal((await control('DELETE', `/users/${id}`)).status, 200);
    assert.equal((await control('GET', `/users/${id}`)).status, 404);
    const removed = await deltaRound(emulator, round.deltaLink, token);
    assert.deepEqual(removed.items, [{ id, '@removed': { reason: 'changed' } }]);
    assert.equal((await control('POST', `/users/${id}/restore`)).body.id, id);
    assert.equal((await control('DELETE', `/objects/${id}`)).status, 200);
    const gone = await deltaRound(emulator, removed.deltaLink, token);
    assert.deepEqual(gone.items, [{ id, '@removed': { reason: 'deleted' } }]);
  });

  it('creates groups with members and changes membership', async () => {
    const [a, b] = emulator.tenant.listUsers({ limit: 2 });
    const group = await control('POST', '/groups', { displayName: 'Control Group', members: [a!.id] });
    assert.equal(group.body.memberCount, 1);
    const gid = group.body.id as string;
    assert.deepEqual((await control('POST', `/groups/${gid}/members`, { memberId: b!.id })).body, {
      added: true,
    });
    assert.deepEqual((await control('POST', `/groups/${gid}/members`, { memberId: b!.id })).body, {
      added: false,
    });
    assert.deepEqual((await control('DELETE', `/groups/${gid}/members/${a!.id}`)).body, { removed: true });
    assert.equal(
      (await control('PUT', `/groups/${gid}/app-role`, { role: 'ReadOnly' })).body.appRole,
      'ReadOnly',
    );
    assert.equal((await control('PUT', `/groups/${gid}/app-role`, { role: 'Owner' })).status, 400);
    assert.equal((await control('PUT', `/groups/${gid}/app-role`, { role: null })).body.appRole, null);
    const members = (await control('GET', `/groups/${gid}/members`)).body.value as Json[];
    assert.deepEqual(members, [{ id: b!.id, type: 'user' }]);
  });

  it('expires delta tokens, scripts failures and sets throttling and token lifetime', async () => {
    const token = await appToken(emulator);
    const round = await deltaRound(emulator, '/groups/delta', token);
    assert.equal((await control('POST', '/delta-tokens/expire')).status, 200);
    assert.equal((await graphGet(emulator, round.deltaLink, token)).status, 410);

    const injected = await control('POST', '/failures', {
      path: '/users$',
      status: 429,
      retryAfterSeconds: 1,
    });
    assert.equal(injected.status, 201);
    assert.equal((await graphGet(emulator, '/users', token)).status, 429);
    assert.equal((await control('POST', '/failures', { path: '/x', status: 302 })).status, 400);

    assert.equal((await control('PUT', '/throttle', { resourceUnits: 100 })).status, 200);
    assert.deepEqual((await control('DELETE', '/throttle')).body, { throttle: null });
    assert.deepEqual((await control('PUT', '/token-lifetime', { seconds: 5 })).body, { seconds: 5 });
    const requests = (await control('GET', '/requests')).body.value as Json[];
    assert.ok(requests.some((r) => r.status === 429 && r.path === '/v1.0/users'));
  });

  it('answers unknown routes and ids with JSON errors', async () => {
    const missing = await control('GET', '/nothing-here');
    assert.equal(missing.status, 404);
    assert.equal((missing.body.error as Json).code, 'not_found');
    assert.equal((await control('PATCH', '/users/no-such-user', { jobTitle: 'x' })).status, 404);
    assert.equal(
      (
        await control('POST', '/users', {
          userPrincipalName: emulator.tenant.listUsers({ limit: 1 })[0]!.userPrincipalName,
        })
      ).status,
      409,
    );
  });
});
