import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Transaction } from 'kysely';
import { defaultPolicy, resolvePolicy } from '../../src/domain/policy/policy.js';
import { listCredentials } from '../../src/store/credentials.js';
import type { Database } from '../../src/store/schema.js';
import type { Store } from '../../src/store/database.js';
import { createConnection } from '../../src/store/connections.js';
import { readEvents } from '../../src/store/events.js';
import { createOrganization } from '../../src/store/organizations.js';
import { listUsers } from '../../src/store/users.js';
import { applyChanges } from '../../src/sync/apply-changes.js';
import { applyPage } from '../../src/sync/runs/apply-page.js';
import type { Change, DirectoryUserInput } from '../../src/sync/change.js';
import { engines, openTestStore } from '../support/engines.js';

const now = '2026-11-24T10:00:00.000Z';

function scimUser(
  id: string,
  overrides: Partial<Record<string, string>> = {},
  active = true,
): DirectoryUserInput {
  const attributes = {
    userName: `${id}@acme.test`,
    'name.givenName': 'Ada',
    'name.familyName': 'Lovelace',
    'emails.work': `${id}@acme.test`,
    ...overrides,
  };
  return {
    id,
    externalId: `oid-${id}`,
    userName: attributes.userName,
    active,
    emailKey: attributes['emails.work'] ?? null,
    attributes: { userName: attributes.userName },
    source: {
      connectorKind: 'scim',
      objectId: `oid-${id}`,
      userName: attributes.userName,
      active,
      attributes,
      roles: [],
    },
  };
}

for (const engine of engines) {
  describe(`the sync engine on ${engine}`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;
    let organizationId: string;
    let connectionId: string;

    before(async () => {
      ({ store, cleanup } = await openTestStore(engine));
      organizationId = (await createOrganization(store.db, { slug: 'acme', name: 'Acme', now })).id;
      connectionId = (await createConnection(store.db, { organizationId, kind: 'scim', name: 'Entra', now }))
        .id;
    });
    after(() => cleanup());

    const apply = (changes: Change[], policy = defaultPolicy('scim')) =>
      store.transaction((trx) =>
        applyChanges(
          {
            trx,
            organizationId,
            connectionId,
            connectorKind: 'scim',
            policy,
            now,
            onReject: 'throw',
          },
          changes,
        ),
      );

    test('creates a platform user and appends user.created in the same transaction', async () => {
      const { outcome } = await apply([{ kind: 'user.upsert', user: scimUser('u1') }]);
      assert.equal(outcome.counts.usersCreated, 1);
      const users = await listUsers(store.db, organizationId, { limit: 10 });
      assert.deepEqual(
        users.map((u) => [u.email, u.status, u.external_id]),
        [['u1@acme.test', 'active', 'oid-u1']],
      );
      const events = await readEvents(store.db, organizationId, { limit: 10 });
      assert.deepEqual(
        events.map((e) => e.type),
        ['user.created'],
      );
    });

    test('deactivates and reactivates with their own events', async () => {
      await apply([{ kind: 'user.upsert', user: scimUser('u1', {}, false) }]);
      await apply([{ kind: 'user.upsert', user: scimUser('u1', {}, true) }]);
      const events = await readEvents(store.db, organizationId, { limit: 10 });
      assert.deepEqual(
        events.map((e) => e.type),
        ['user.created', 'user.deactivated', 'user.reactivated'],
      );
      assert.deepEqual(
        events.map((e) => e.seq),
        [1, 2, 3],
      );
    });

    test('rejects a user without a family name and leaves nothing behind', async () => {
      await assert.rejects(
        apply([{ kind: 'user.upsert', user: scimUser('u2', { 'name.familyName': '' }) }]),
        {
          code: 'invalid_input',
          field: 'name.familyName',
        },
      );
      const users = await listUsers(store.db, organizationId, { limit: 10 });
      assert.equal(users.length, 1);
    });

    test('a failing change rolls back the whole batch', async () => {
      await assert.rejects(
        apply([
          { kind: 'user.upsert', user: scimUser('u3') },
          { kind: 'user.upsert', user: scimUser('u4', { userName: 'u3@acme.test' }) },
        ]),
        { code: 'conflict', field: 'userName' },
      );
      assert.equal((await listUsers(store.db, organizationId, { limit: 10 })).length, 1);
      assert.equal((await readEvents(store.db, organizationId, { limit: 10 })).length, 3);
    });

    test('keeps member counts as memberships are added and removed', async () => {
      await apply([
        { kind: 'user.upsert', user: scimUser('u5') },
        {
          kind: 'group.upsert',
          group: { id: 'g1', externalId: null, displayName: 'Finance', attributes: {} },
        },
        {
          kind: 'members.add',
          groupId: 'g1',
          members: [
            { id: 'u1', type: 'user' },
            { id: 'u5', type: 'user' },
          ],
        },
        { kind: 'members.add', groupId: 'g1', members: [{ id: 'u1', type: 'user' }] },
      ]);
      let group = await store.db.selectFrom('groups').selectAll().executeTakeFirstOrThrow();
      assert.equal(Number(group.member_count), 2);
      await apply([{ kind: 'members.remove', groupId: 'g1', memberIds: ['u5'] }]);
      group = await store.db.selectFrom('groups').selectAll().executeTakeFirstOrThrow();
      assert.equal(Number(group.member_count), 1);
      const types = (await readEvents(store.db, organizationId, { after: 3, limit: 20 })).map((e) => e.type);
      assert.deepEqual(types, [
        'user.created',
        'group.created',
        'group.member_added',
        'group.member_added',
        'group.member_removed',
      ]);
    });

    test('a user deleted in the directory but kept inactive leaves its platform groups', async () => {
      const base = defaultPolicy('scim');
      const keepInactive = { ...base, lifecycle: { ...base.lifecycle, onDelete: 'deactivate' as const } };
      await apply(
        [
          { kind: 'user.upsert', user: scimUser('u6') },
          { kind: 'members.add', groupId: 'g1', members: [{ id: 'u6', type: 'user' }] },
        ],
        keepInactive,
      );
      const count = async () =>
        Number(
          (await store.db.selectFrom('groups').select('member_count').executeTakeFirstOrThrow()).member_count,
        );
      assert.equal(await count(), 2);
      await apply([{ kind: 'user.delete', id: 'u6' }], keepInactive);
      assert.equal(await count(), 1);
      const users = await listUsers(store.db, organizationId, { limit: 10 });
      assert.equal(users.find((u) => u.email === 'u6@acme.test')?.status, 'inactive');
    });

    // A run of user upserts is read in a few queries up front (user-prefetch.ts); what an earlier
    // user of the same batch wrote must still be seen by the later ones.
    const recordingContext = (trx: Transaction<Database>, policy = defaultPolicy('scim')) => ({
      trx,
      organizationId,
      connectionId,
      connectorKind: 'scim' as const,
      policy,
      now,
      onReject: 'record' as const,
    });
    const applyRecording = (changes: Change[], policy = defaultPolicy('scim')) =>
      store.transaction((trx) => applyChanges(recordingContext(trx, policy), changes));

    test('in one batch, a second user with an email the first just took is refused', async () => {
      const { outcome } = await applyRecording([
        { kind: 'user.upsert', user: scimUser('p1', { 'emails.work': 'shared@acme.test' }) },
        { kind: 'user.upsert', user: scimUser('p2', { 'emails.work': 'shared@acme.test' }) },
      ]);
      assert.equal(outcome.counts.usersCreated, 1);
      assert.deepEqual(
        outcome.errors.map((error) => error.objectId),
        ['p2'],
      );
      assert.match(outcome.errors[0]?.message ?? '', /already used by another user/);
    });

    test('in one batch, the same user twice is created and then updated', async () => {
      const { outcome } = await applyRecording([
        { kind: 'user.upsert', user: scimUser('p3') },
        { kind: 'user.upsert', user: scimUser('p3', { 'name.givenName': 'Augusta' }) },
      ]);
      assert.equal(outcome.counts.usersCreated, 1);
      assert.equal(outcome.counts.usersUpdated, 1);
      assert.deepEqual(outcome.errors, []);
      const users = await listUsers(store.db, organizationId, { limit: 100 });
      assert.equal(users.find((u) => u.email === 'p3@acme.test')?.given_name, 'Augusta');
    });

    test('in one batch, an email given up by one user can be taken by the next', async () => {
      await applyRecording([
        { kind: 'user.upsert', user: scimUser('p4', { 'emails.work': 'desk@acme.test' }) },
      ]);
      const { outcome } = await applyRecording([
        { kind: 'user.upsert', user: scimUser('p4', { 'emails.work': 'p4@acme.test' }) },
        { kind: 'user.upsert', user: scimUser('p5', { 'emails.work': 'desk@acme.test' }) },
      ]);
      assert.deepEqual(outcome.errors, []);
      assert.equal(outcome.counts.usersCreated, 1);
      const users = await listUsers(store.db, organizationId, { limit: 100 });
      assert.equal(users.find((u) => u.email === 'desk@acme.test')?.user_name, 'p5@acme.test');
    });

    // The rows of new users in a batch are held and written together (pending-user-rows.ts).
    test('in one batch, new users are written, linked and given credentials', async () => {
      const policy = resolvePolicy('scim', { newUsers: { credentials: ['cloud_key'] } });
      const { outcome } = await applyRecording(
        ['h1', 'h2', 'h3'].map((id) => ({ kind: 'user.upsert', user: scimUser(id) })),
        policy,
      );
      assert.deepEqual(outcome.errors, []);
      assert.equal(outcome.counts.usersCreated, 3);
      const links = await store.db
        .selectFrom('directory_users')
        .select(['id', 'user_id'])
        .where('connection_id', '=', connectionId)
        .where('id', 'in', ['h1', 'h2', 'h3'])
        .orderBy('id')
        .execute();
      const users = await listUsers(store.db, organizationId, { limit: 100 });
      const idOf = (email: string) => users.find((u) => u.email === email)?.id;
      assert.deepEqual(
        links.map((row) => row.user_id),
        ['h1', 'h2', 'h3'].map((id) => idOf(`${id}@acme.test`)),
      );
      const credentials = await listCredentials(store.db, organizationId, { status: 'active' });
      assert.deepEqual(credentials.map((c) => c.userId).sort(), links.map((row) => row.user_id).sort());
    });

    test('in one batch, a new user already listed in a group joins its platform group', async () => {
      await applyRecording([
        {
          kind: 'group.upsert',
          group: { id: 'g-early', externalId: null, displayName: 'Early', attributes: {} },
        },
        { kind: 'members.add', groupId: 'g-early', members: [{ id: 'e1', type: 'user' }] },
      ]);
      const { outcome } = await applyRecording([
        { kind: 'user.upsert', user: scimUser('e1') },
        { kind: 'user.upsert', user: scimUser('e2') },
      ]);
      assert.deepEqual(outcome.errors, []);
      assert.equal(outcome.counts.membershipsAdded, 1);
      const members = await store.db
        .selectFrom('group_members')
        .innerJoin('groups', 'groups.id', 'group_members.group_id')
        .innerJoin('users', 'users.id', 'group_members.user_id')
        .select('users.email')
        .where('groups.display_name', '=', 'Early')
        .execute();
      assert.deepEqual(
        members.map((m) => m.email),
        ['e1@acme.test'],
      );
    });

    test('in one page, a userName taken by an earlier user is that object’s error alone', async () => {
      const { outcome } = await store.transaction((trx) =>
        applyPage(recordingContext(trx), [
          { kind: 'user.upsert', user: scimUser('t1', { userName: 'taken@acme.test' }) },
          { kind: 'user.upsert', user: scimUser('t2', { userName: 'taken@acme.test' }) },
          { kind: 'user.upsert', user: scimUser('t3') },
        ]),
      );
      assert.equal(outcome.counts.usersCreated, 2);
      assert.deepEqual(
        outcome.errors.map((error) => [error.objectId, error.field]),
        [['t2', 'userName']],
      );
    });
  });
}
