import type { Kysely } from 'kysely';

/**
 * The Entra object id a person signed in to the portal with, bound to a user that the directory
 * had not tied to one (a local user; a SCIM user whose externalId is not the object id, as with
 * Entra's default mapping from mailNickname). From then on only that object id signs in as the
 * user: before, any later sign-in with the same email did, whoever it was.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('users').addColumn('sso_object_id', 'text').execute();
  await db.schema
    .createIndex('users_sso_object_id')
    .on('users')
    .columns(['organization_id', 'sso_object_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('users_sso_object_id').execute();
  await db.schema.alterTable('users').dropColumn('sso_object_id').execute();
}
