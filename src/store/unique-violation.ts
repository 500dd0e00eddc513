/**
 * Tells a unique-constraint violation apart from other database errors, on either engine:
 * better-sqlite3 reports `SQLITE_CONSTRAINT_UNIQUE` / `SQLITE_CONSTRAINT_PRIMARYKEY`,
 * node-postgres reports SQLSTATE 23505.
 */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as { code?: unknown }).code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/** The constraint or column named by a unique violation, for messages that name the attribute. */
export function violatedConstraint(error: unknown): string {
  if (typeof error !== 'object' || error === null) return '';
  const { constraint, message } = error as { constraint?: string; message?: string };
  return constraint ?? message ?? '';
}

/**
 * Whether a unique index of the database refused the write behind this error (a RosterError made
 * from one keeps it as its cause). Roster checks uniqueness before it writes; the index refusing
 * anyway means a concurrent transaction committed the same value after the check.
 */
export function raisedByUniqueIndex(error: unknown): boolean {
  for (let current = error; typeof current === 'object' && current !== null;) {
    if (isUniqueViolation(current)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
