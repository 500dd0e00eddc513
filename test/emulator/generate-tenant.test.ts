import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generateTenant, startEmulator } from '../../src/emulator/index.js';
import { groupCode, isGroupCode } from '../../src/emulator/directory-types.js';
import { appToken, graphGet } from './support.js';

describe('generateTenant', () => {
  it('makes the same tenant from the same seed, and a different one from another seed', () => {
    const a = generateTenant(42, 500, 30);
    const b = generateTenant(42, 500, 30);
    const c = generateTenant(43, 500, 30);
    assert.equal(a.tenantId, b.tenantId);
    assert.notEqual(a.tenantId, c.tenantId);
    for (const i of [0, 1, 17, 499]) assert.deepEqual(a.user(i), b.user(i));
    for (let j = 0; j < 30; j++) {
      assert.deepEqual(a.group(j), b.group(j));
      assert.deepEqual(a.members(j), b.members(j));
    }
    assert.notDeepEqual(a.user(17), c.user(17));
  });

  it('contains the cases a sync must handle', () => {
    const t = generateTenant(1, 1000, 50);
    const users = Array.from({ length: t.userCount }, (_, i) => t.user(i));
    assert.deepEqual(
      users.slice(1, 4).map((u) => u.displayName),
      ['Zoë Ångström', '李 娜', 'José Müller'],
    );
    const guests = users.filter((u) => u.userType === 'Guest');
    assert.ok(guests.length >= 10);
    assert.ok(
      guests.every((u) => /#EXT#@emulated1\.onmicrosoft\.com$/.test(u.userPrincipalName) && u.mail !== null),
    );
    assert.ok(users.filter((u) => !u.accountEnabled).length >= 10);
    assert.ok(users.filter((u) => u.mail === null).length >= 10);
    assert.ok(
      new Set(users.map((u) => u.userPrincipalName.toLowerCase())).size === users.length,
      'UPNs are unique',
    );
    assert.ok(new Set(users.map((u) => u.id)).size === users.length, 'ids are unique');
    assert.equal(t.group(0).displayName, 'All Users');
    assert.equal(t.members(0).length, 1000, 'one very large group holds every user');
    const nesting = Array.from({ length: 50 }, (_, j) => t.members(j)).filter((m) => m.some(isGroupCode));
    assert.ok(nesting.length >= 2, 'several groups nest other groups');
    assert.ok(
      t.members(1).every((code) => code <= groupCode(2)),
      'All Departments holds department groups',
    );
    assert.ok(Array.from({ length: 50 }, (_, j) => t.members(j).length).includes(0), 'one group is empty');
  });

  it('generates 100,000 users, 1,000 groups and ~500,000 memberships in well under a few seconds', () => {
    const started = performance.now();
    const t = generateTenant(1, 100_000, 1000);
    const elapsedMs = performance.now() - started;
    assert.ok(elapsedMs < 2000, `took ${Math.round(elapsedMs)} ms`);
    assert.ok(t.membershipCount > 400_000 && t.membershipCount < 650_000, `${t.membershipCount} memberships`);
    const pageStarted = performance.now();
    for (let i = 50_000; i < 51_000; i++) t.user(i);
    assert.ok(performance.now() - pageStarted < 200, 'a thousand users are rebuilt quickly');
  });

  it('serves the same first Graph page for the same seed', async () => {
    const firstPage = async (): Promise<unknown> => {
      const emulator = await startEmulator({ users: 200, groups: 10, seed: 99 });
      try {
        const page = await graphGet(
          emulator,
          '/users?$top=25&$select=id,displayName,userPrincipalName,mail',
          await appToken(emulator),
        );
        return page.body.value;
      } finally {
        await emulator.close();
      }
    };
    assert.deepEqual(await firstPage(), await firstPage());
  });
});
