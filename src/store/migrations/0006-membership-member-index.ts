import type { Kysely } from 'kysely';

/**
 * Membership lookups by member ("which groups is this user in?") must not depend on the group's
 * size. With the member index lacking `group_id`, SQLite's planner preferred the covering primary
 * key on `connection_id` alone and scanned every membership of the connection for each user. A
 * covering `(connection_id, member_id, group_id)` index is the better path on both engines.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('directory_memberships_member').execute();
  await db.schema
    .createIndex('directory_memberships_member')
    .on('directory_memberships')
    .columns(['connection_id', 'member_id', 'group_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('directory_memberships_member').execute();
  await db.schema
    .createIndex('directory_memberships_member')
    .on('directory_memberships')
    .columns(['connection_id', 'member_id'])
    .execute();
}
