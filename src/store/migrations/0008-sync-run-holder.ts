import type { Kysely } from 'kysely';

/**
 * The process that queued or runs a sync (`host:pid`, as in leases). A run whose process died
 * (killed CLI, crashed server) stayed `queued` or `running` for ever; with its holder known, a
 * live process can tell it is orphaned and close its record.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('sync_runs').addColumn('holder', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('sync_runs').dropColumn('holder').execute();
}
