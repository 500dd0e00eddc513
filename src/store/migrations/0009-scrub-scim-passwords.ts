import { sql, type Kysely } from 'kysely';

/**
 * SCIM `password` values stored before Roster dropped them on the way in (a user's attributes as
 * Entra sent them, the policy's copy of its source, audit before/after) are removed. Keys named
 * `password` in any case, or qualified (`…:User:password`), go at any depth; nothing else changes.
 */
const columns = [
  { table: 'directory_users', key: ['connection_id', 'id'], column: 'attributes' },
  { table: 'directory_user_policy', key: ['connection_id', 'directory_user_id'], column: 'source' },
  { table: 'audit_entries', key: ['id'], column: 'before' },
  { table: 'audit_entries', key: ['id'], column: 'after' },
] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const { table, key, column } of columns) {
    // Only rows whose text mentions the word are read: the scan stays in the database.
    const rows = await sql<Record<string, string | null>>`
      select ${sql.join(key.map((k) => sql.ref(k)))}, ${sql.ref(column)} as value
      from ${sql.table(table)}
      where lower(${sql.ref(column)}) like '%password%'`.execute(db);
    for (const row of rows.rows) {
      const text = row.value;
      if (typeof text !== 'string') continue;
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        continue;
      }
      const scrubbed = JSON.stringify(withoutPasswords(parsed));
      if (scrubbed === text) continue;
      const where = sql.join(
        key.map((k) => sql`${sql.ref(k)} = ${row[k]}`),
        sql` and `,
      );
      await sql`update ${sql.table(table)} set ${sql.ref(column)} = ${scrubbed} where ${where}`.execute(db);
    }
  }
}

export async function down(): Promise<void> {
  // What was removed is gone; there is nothing to restore.
}

function withoutPasswords(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutPasswords);
  if (value === null || typeof value !== 'object') return value;
  const kept: Record<string, unknown> = {};
  for (const [name, inner] of Object.entries(value)) {
    if (/(^|:)password$/i.test(name)) continue;
    kept[name] = withoutPasswords(inner);
  }
  return kept;
}
