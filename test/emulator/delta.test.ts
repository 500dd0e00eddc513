/**
 * Delta query against the emulator, following "Use delta query to track changes in Microsoft
 * Graph data", "user: delta" and "Get incremental changes for groups".
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { appToken, deltaRound, graphGet, type Json } from './support.js';

describe('users delta', () => {
  let emulator: Emulator;
  let token: string;
  before(async () => {
    emulator = await startEmulator({ users: 250, groups: 10, pageSizes: { usersDelta: 100 } });
    token = await appToken(emulator);
  });
  after(() => emulator.close());

  it('returns every user in the initial round, paged, and ends with a deltaLink', async () => {
    const round = await deltaRound(emulator, '/users/delta?$select=displayName,accountEnabled', token);
    assert.equal(round.pages.length, 3);
    assert.equal(round.items.length, 250);
    assert.ok(round.items.every((u) => Object.keys(u).join() === 'id,displayName,accountEnabled'));
    const next = round.pages[0]!['@odata.nextLink'] as string;
    assert.match(next, /\/v1\.0\/users\/delta\?\$skiptoken=[^&]+$/, 'the token carries $select, not the URL');
    assert.match(round.deltaLink, /\/v1\.0\/users\/delta\?\$deltatoken=[^&]+$/);
  });

  it('reports only changes in the next round, and nothing when nothing changed', async () => {
    const initial = await deltaRound(
      emulator,
      '/users/delta?$select=displayName,accountEnabled,jobTitle',
      token,
    );
    const quiet = await deltaRound(emulator, initial.deltaLink, token);
    assert.deepEqual(quiet.items, []);

    const [a, b, c, d] = emulator.tenant.listUsers({ offset: 20, limit: 4 });
    emulator.tenant.updateUser(a!.id, { displayName: 'Renamed Person' });
    emulator.tenant.disableUser(b!.id);
    emulator.tenant.deleteUser(c!.id);
    emulator.tenant.deleteUser(d!.id, { hard: true });
    const added = emulator.tenant.addUser({ displayName: 'Ny Användare' });
    const changes = await deltaRound(emulator, quiet.deltaLink, token);
    const byId = new Map(changes.items.map((u) => [u.id, u]));
    assert.equal(changes.items.length, 5);
    assert.deepEqual(byId.get(a!.id), {
      id: a!.id,
      displayName: 'Renamed Person',
      accountEnabled: true,
      jobTitle: a!.jobTitle,
    });
    assert.equal(byId.get(b!.id)!.accountEnabled, false);
    assert.deepEqual(byId.get(c!.id), { id: c!.id, '@removed': { reason: 'changed' } });
    assert.deepEqual(byId.get(d!.id), { id: d!.id, '@removed': { reason: 'deleted' } });
    assert.equal(byId.get(added.id)!.displayName, 'Ny Användare');

    // The old deltaLink can be replayed: the same changes come back.
    const replay = await deltaRound(emulator, quiet.deltaLink, token);
    assert.equal(replay.items.length, 5);
    assert.deepEqual(await deltaRound(emulator, changes.deltaLink, token).then((r) => r.items), []);
  });

  it('never loses a change made while a round is being paged', async () => {
    const first = await graphGet(emulator, '/users/delta?$select=displayName', token);
    const seen = first.body.value as Json[];
    const behind = seen[10]!.id as string;
    const ahead = emulator.tenant.listUsers({ offset: 200, limit: 1 })[0]!.id;
    emulator.tenant.updateUser(behind, { displayName: 'Changed Behind The Cursor' });
    emulator.tenant.updateUser(ahead, { displayName: 'Changed Ahead Of The Cursor' });
    const rest = await deltaRound(emulator, first.body['@odata.nextLink'] as string, token);
    assert.equal(rest.items.find((u) => u.id === ahead)?.displayName, 'Changed Ahead Of The Cursor');
    const next = await deltaRound(emulator, rest.deltaLink, token);
    assert.equal(next.items.find((u) => u.id === behind)?.displayName, 'Changed Behind The Cursor');
  });

  it('does not report a change to a property outside $select', async () => {
    const initial = await deltaRound(emulator, '/users/delta?$select=displayName', token);
    const user = emulator.tenant.listUsers({ offset: 40, limit: 1 })[0]!;
    emulator.tenant.updateUser(user.id, { jobTitle: 'Chief Tester' });
    assert.deepEqual((await deltaRound(emulator, initial.deltaLink, token)).items, []);
  });

  it('returns only changed properties with Prefer: return=minimal', async () => {
    const initial = await deltaRound(
      emulator,
      '/users/delta?$select=displayName,jobTitle,mobilePhone',
      token,
    );
    const user = emulator.tenant.listUsers({ offset: 50, limit: 1 })[0]!;
    emulator.tenant.updateUser(user.id, { jobTitle: null });
    const first = await graphGet(emulator, initial.deltaLink, token, { Prefer: 'return=minimal' });
    assert.equal(first.headers.get('preference-applied'), 'return=minimal');
    assert.deepEqual(first.body.value, [{ id: user.id, jobTitle: null }]);
  });

  it('tracks the manager relationship when manager is selected', async () => {
    const initial = await deltaRound(emulator, '/users/delta?$select=displayName,manager', token);
    const [user, manager] = emulator.tenant.listUsers({ offset: 60, limit: 2 });
    emulator.tenant.setManager(user!.id, manager!.id);
    const changes = await deltaRound(emulator, initial.deltaLink, token);
    assert.deepEqual(changes.items, [
      {
        id: user!.id,
        displayName: user!.displayName,
        'manager@delta': [{ '@odata.type': '#microsoft.graph.user', id: manager!.id }],
      },
    ]);
  });

  it('scopes a delta to ids with $filter=id eq … or id eq …', async () => {
    const [a, b] = emulator.tenant.listUsers({ offset: 70, limit: 2 });
    const round = await deltaRound(
      emulator,
      `/users/delta?$filter=id eq '${a!.id}' or id eq '${b!.id}'`,
      token,
    );
    assert.deepEqual(round.items.map((u) => u.id).sort(), [a!.id, b!.id].sort());
    const refused = await graphGet(emulator, "/users/delta?$filter=startswith(displayName,'a')", token);
    assert.equal(refused.status, 400);
  });

  it('starts from now with $deltatoken=latest', async () => {
    const latest = await graphGet(emulator, '/users/delta?$deltatoken=latest&$select=displayName', token);
    assert.deepEqual(latest.body.value, []);
    const user = emulator.tenant.listUsers({ offset: 80, limit: 1 })[0]!;
    emulator.tenant.updateUser(user.id, { displayName: 'From Now On' });
    const changes = await deltaRound(emulator, latest.body['@odata.deltaLink'] as string, token);
    assert.deepEqual(changes.items, [{ id: user.id, displayName: 'From Now On' }]);
  });

  it('answers an expired delta token with 410 Gone, syncStateNotFound and a Location to restart', async () => {
    const initial = await deltaRound(emulator, '/users/delta?$select=displayName', token);
    emulator.tenant.expireDeltaTokens();
    const gone = await graphGet(emulator, initial.deltaLink, token);
    assert.equal(gone.status, 410);
    assert.equal((gone.body.error as Json).code, 'syncStateNotFound');
    assert.equal(gone.headers.get('location'), `${emulator.graphUrl}/v1.0/users/delta?$select=displayName`);
    const restart = await deltaRound(emulator, gone.headers.get('location')!, token);
    assert.equal(restart.items.length, emulator.tenant.counts().users);
  });

  it('expires delta tokens after seven days', async () => {
    let now = new Date('2026-03-01T00:00:00Z');
    const clocked = await startEmulator({ users: 5, groups: 2, clock: { now: () => now } });
    try {
      const t = await appToken(clocked);
      const round = await deltaRound(clocked, '/users/delta', t);
      now = new Date(now.getTime() + 6 * 86_400_000);
      const stillValid = await graphGet(clocked, round.deltaLink, await appToken(clocked));
      assert.equal(stillValid.status, 200);
      now = new Date(now.getTime() + 2 * 86_400_000);
      const expired = await graphGet(clocked, round.deltaLink, await appToken(clocked));
      assert.equal(expired.status, 410);
    } finally {
      await clocked.close();
    }
  });
});

describe('groups delta', () => {
  let emulator: Emulator;
  let token: string;
  beforeEach(async () => {
    await emulator?.close();
    emulator = await startEmulator({
      users: 120,
      groups: 8,
      pageSizes: { groupsDelta: 3, membersPerDeltaPage: 50 },
    });
    token = await appToken(emulator);
  });
  after(() => emulator.close());

  /** Merges members@delta per group, as the docs tell clients to. */
  function merge(items: Json[]): Map<string, { props: Json; members: Set<string>; removed: Set<string> }> {
    const groups = new Map<string, { props: Json; members: Set<string>; removed: Set<string> }>();
    for (const item of items) {
      const id = item.id as string;
      const entry = groups.get(id) ?? { props: item, members: new Set<string>(), removed: new Set<string>() };
      for (const m of (item['members@delta'] as Json[] | undefined) ?? []) {
        (m['@removed'] ? entry.removed : entry.members).add(m.id as string);
      }
      groups.set(id, entry);
    }
    return groups;
  }

  it('returns members@delta in the initial round, splitting a large group across pages', async () => {
    const round = await deltaRound(emulator, '/groups/delta?$select=displayName,members', token);
    const allUsers = emulator.tenant.listGroups().find((g) => g.displayName === 'All Users')!;
    const chunks = round.items.filter((g) => g.id === allUsers.id);
    assert.equal(chunks.length, 3, 'a 120-member group spans three pages of 50 members');
    assert.ok(chunks.every((c) => c.displayName === 'All Users'));
    const merged = merge(round.items);
    for (const group of emulator.tenant.listGroups()) {
      const expected = emulator.tenant
        .listMembers(group.id)
        .map((m) => m.id)
        .sort();
      assert.deepEqual([...(merged.get(group.id)?.members ?? [])].sort(), expected, group.displayName);
    }
    const empty = round.items.find((g) => (g.displayName as string).startsWith('Empty Group'));
    assert.ok(empty && !('members@delta' in empty), 'an empty group has no members@delta');
    const nested = round.items.find((g) => g.displayName === 'All Departments')!;
    assert.ok(
      (nested['members@delta'] as Json[]).every((m) => m['@odata.type'] === '#microsoft.graph.group'),
    );
  });

  it('includes members@delta by default, when $select is not given', async () => {
    const round = await deltaRound(emulator, '/groups/delta', token);
    assert.ok(round.items.some((g) => 'members@delta' in g));
    assert.ok(round.items.every((g) => 'securityEnabled' in g));
  });

  it('reports added and removed members, and deleted users as removed members', async () => {
    const initial = await deltaRound(emulator, '/groups/delta?$select=displayName,members', token);
    const group = emulator.tenant.listGroups().find((g) => g.displayName.startsWith('Dept:'))!;
    const members = emulator.tenant.listMembers(group.id);
    const outsider = emulator.tenant
      .listUsers({ limit: 120 })
      .find((u) => !members.some((m) => m.id === u.id))!;
    emulator.tenant.addMember(group.id, outsider.id);
    emulator.tenant.removeMember(group.id, members[0]!.id);
    emulator.tenant.deleteUser(members[1]!.id);
    const changes = await deltaRound(emulator, initial.deltaLink, token);
    const entry = merge(changes.items).get(group.id)!;
    assert.deepEqual([...entry.members], [outsider.id]);
    assert.deepEqual([...entry.removed].sort(), [members[0]!.id, members[1]!.id].sort());
    const removedEntry = (changes.items.find((g) => g.id === group.id)!['members@delta'] as Json[]).find(
      (m) => m.id === members[0]!.id,
    );
    assert.deepEqual(removedEntry, {
      '@odata.type': '#microsoft.graph.user',
      id: members[0]!.id,
      '@removed': { reason: 'deleted' },
    });
  });

  it('reports renamed and deleted groups, and ignores member changes when members are not selected', async () => {
    const initial = await deltaRound(emulator, '/groups/delta?$select=displayName', token);
    const [renamed, deleted, touched] = emulator.tenant.listGroups({ offset: 2, limit: 3 });
    emulator.tenant.updateGroup(renamed!.id, { displayName: 'Renamed Group' });
    emulator.tenant.deleteGroup(deleted!.id);
    emulator.tenant.addMember(touched!.id, emulator.tenant.listUsers({ limit: 1 })[0]!.id);
    const changes = await deltaRound(emulator, initial.deltaLink, token);
    assert.deepEqual(
      changes.items.sort((x, y) => String(x.id).localeCompare(String(y.id))),
      [
        { id: renamed!.id, displayName: 'Renamed Group' },
        { id: deleted!.id, '@removed': { reason: 'changed' } },
      ].sort((x, y) => x.id.localeCompare(y.id)),
    );
  });
});
