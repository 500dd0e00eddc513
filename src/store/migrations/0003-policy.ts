import type { Kysely } from 'kysely';

/**
 * Policy: what the engine keeps to re-decide a directory user when its memberships change (the
 * source user as the connector described it, whether it is in scope, the deletion deadline of a
 * user who left the scope), credentials issued to users, and the enrollment-email outbox.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('directory_user_policy')
    .addColumn('connection_id', 'text', (c) => c.notNull().references('connections.id').onDelete('cascade'))
    .addColumn('directory_user_id', 'text', (c) => c.notNull())
    .addColumn('organization_id', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('in_scope', 'integer', (c) => c.notNull())
    .addColumn('delete_after', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('directory_user_policy_pk', ['connection_id', 'directory_user_id'])
    .execute();
  await db.schema
    .createIndex('directory_user_policy_deadline')
    .on('directory_user_policy')
    .columns(['delete_after'])
    .execute();

  await db.schema
    .createTable('credentials')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) =>
      c.notNull().references('organizations.id').onDelete('cascade'),
    )
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('connection_id', 'text')
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('issued_at', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .addColumn('revoked_reason', 'text')
    .execute();
  await db.schema
    .createIndex('credentials_user')
    .on('credentials')
    .columns(['organization_id', 'user_id', 'status'])
    .execute();

  await db.schema
    .createTable('enrollment_emails')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) =>
      c.notNull().references('organizations.id').onDelete('cascade'),
    )
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('connection_id', 'text')
    .addColumn('recipient', 'text', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('next_attempt_at', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'text')
    // One enrollment email per user, ever: a user synced again is not enrolled twice.
    .addUniqueConstraint('enrollment_emails_user', ['organization_id', 'user_id'])
    .execute();
  await db.schema
    .createIndex('enrollment_emails_due')
    .on('enrollment_emails')
    .columns(['status', 'next_attempt_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['enrollment_emails', 'credentials', 'directory_user_policy']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
