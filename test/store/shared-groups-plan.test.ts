import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CompiledQuery } from 'kysely';
import { reachingViaConnection } from '../../src/store/shared-groups.js';
import { openTestStore } from '../support/engines.js';

/**
 * Removing a member from a group checks whether the users still reach it through another
 * connection of the organization. With a large tenant pulled from Graph beside a SCIM connection,
 * SQLite walked every one of the Graph connection's memberships for that check: half a second for
 * each member Entra removed, whatever the size of the group. The check must read only the
 * memberships of the users it asks about.
 */
test('the cross-connection membership check reads only the memberships of the users asked about (SQLite plan)', async () => {
  const { store, cleanup } = await openTestStore('sqlite');
  try {
    const compiled = reachingViaConnection(store.db, 'connection', 'platform-group', [
      'user-1',
      'user-2',
    ]).compile();
    const plan = await store.db.executeQuery<{ detail: string }>(
      CompiledQuery.raw(`explain query plan ${compiled.sql}`, [...compiled.parameters]),
    );
    const steps = plan.rows.map((row) => row.detail);
    const memberships = steps.filter((step) => /\b(m|directory_memberships)\b/.test(step));
    assert.ok(memberships.length > 0, steps.join('\n'));
    for (const step of memberships) assert.match(step, /member_id=\?/, steps.join('\n'));
    assert.ok(
      steps.some((step) => /directory_users_user \(user_id=\?\)/.test(step)),
      `the users are found by their platform user id:\n${steps.join('\n')}`,
    );
  } finally {
    await cleanup();
  }
});
