import type { Kysely } from 'kysely';
import { scrubJsonColumns } from './scrub-json-columns.js';

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
  await scrubJsonColumns(
    db,
    'password',
    columns.map((column) => ({ ...column, scrub: withoutPasswords })),
  );
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
