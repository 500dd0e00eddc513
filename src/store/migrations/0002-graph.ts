import type { Kysely } from 'kysely';

/**
 * Graph pull: sync-run records, the lease that keeps one run per connection across processes,
 * the delta position of each connection (stored in the same transaction as a page's changes, so
 * a killed run resumes), and the marks of a full resync's mark-and-sweep.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('sync_runs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) =>
      c.notNull().references('organizations.id').onDelete('cascade'),
    )
    .addColumn('connection_id', 'text', (c) => c.notNull().references('connections.id').onDelete('cascade'))
    .addColumn('trigger', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('dry_run', 'integer', (c) => c.notNull())
    .addColumn('full', 'integer', (c) => c.notNull())
    .addColumn('cancel_requested', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text')
    .addColumn('finished_at', 'text')
    .addColumn('counts', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('errors', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('progress', 'text', (c) => c.notNull().defaultTo('{}'))
    .execute();
  await db.schema
    .createIndex('sync_runs_connection')
    .on('sync_runs')
    .columns(['connection_id', 'created_at'])
    .execute();

  await db.schema
    .createTable('sync_leases')
    .addColumn('connection_id', 'text', (c) =>
      c.primaryKey().references('connections.id').onDelete('cascade'),
    )
    .addColumn('run_id', 'text', (c) => c.notNull())
    .addColumn('holder', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('graph_sync_state')
    .addColumn('connection_id', 'text', (c) => c.notNull().references('connections.id').onDelete('cascade'))
    .addColumn('resource', 'text', (c) => c.notNull())
    .addColumn('delta_link', 'text')
    .addColumn('next_link', 'text')
    .addColumn('round_kind', 'text')
    .addColumn('round_id', 'text')
    .addColumn('sweep', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('graph_sync_state_pk', ['connection_id', 'resource'])
    .execute();

  await db.schema
    .createTable('graph_seen')
    .addColumn('connection_id', 'text', (c) => c.notNull().references('connections.id').onDelete('cascade'))
    .addColumn('round_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('group_id', 'text', (c) => c.notNull())
    .addColumn('object_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('graph_seen_pk', ['connection_id', 'round_id', 'kind', 'group_id', 'object_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['graph_seen', 'graph_sync_state', 'sync_leases', 'sync_runs']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
