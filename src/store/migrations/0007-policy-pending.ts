import type { Kysely } from 'kysely';

/**
 * Whether a connection's stored policy has been applied to the objects already synced. Setting a
 * policy raises it; a reconcile (by hand, or the next Graph sync) lowers it. Without it a policy
 * that widened the scope or added a role rule reached only the users a later change touched.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('connections')
    .addColumn('policy_pending', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('connections').dropColumn('policy_pending').execute();
}
