import { sql, type Kysely } from 'kysely';

/**
 * When a user was first active. The enrollment email goes out the first time a user is active,
 * at creation or when a user created disabled is enabled (Entra's pre-hire accounts); without
 * this, every reactivation of a user who was active before the organization asked for enrollment
 * emails would have sent one out of the blue. Users already kept count as active since they were
 * created when they hold a seat, hold a credential or were sent an email; the others (created
 * disabled and never enabled) are enrolled when they are enabled.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('users').addColumn('activated_at', 'text').execute();
  await sql`
    update users set activated_at = created_at
    where status in ('active', 'pending')
       or exists (select 1 from credentials c where c.user_id = users.id)
       or exists (select 1 from enrollment_emails e where e.user_id = users.id)
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('users').dropColumn('activated_at').execute();
}
