import { sql, type Kysely, type RawBuilder } from 'kysely';

/** A JSON text column to scrub, with the key of its rows. */
export interface JsonColumn {
  readonly table: string;
  readonly key: readonly string[];
  readonly column: string;
  /** Which rows may hold what is removed, beside holding the word at all (default: every row). */
  readonly scope?: RawBuilder<unknown>;
  readonly scrub: (value: unknown) => unknown;
}

/**
 * Rewrites stored JSON text without what `scrub` removes, for migrations that take values out of
 * what was kept (0009, 0010). Only rows whose text mentions `word` are read, so the scan stays in
 * the database; text that is not JSON, or that scrubbing leaves as it was, is not written.
 */
export async function scrubJsonColumns(
  db: Kysely<unknown>,
  word: string,
  columns: readonly JsonColumn[],
): Promise<void> {
  for (const { table, key, column, scope, scrub } of columns) {
    const rows = await sql<Record<string, string | null>>`
      select ${sql.join(key.map((k) => sql.ref(k)))}, ${sql.ref(column)} as value
      from ${sql.table(table)}
      where ${scope ?? sql`1 = 1`} and lower(${sql.ref(column)}) like ${`%${word}%`}`.execute(db);
    for (const row of rows.rows) {
      const text = row.value;
      if (typeof text !== 'string') continue;
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        continue;
      }
      const scrubbed = JSON.stringify(scrub(parsed));
      if (scrubbed === text) continue;
      const where = sql.join(
        key.map((k) => sql`${sql.ref(k)} = ${row[k]}`),
        sql` and `,
      );
      await sql`update ${sql.table(table)} set ${sql.ref(column)} = ${scrubbed} where ${where}`.execute(db);
    }
  }
}
