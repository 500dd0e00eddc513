import type { Executor } from '../store/database.js';
import { insertDirectoryUsers } from '../store/directory.js';
import {
  saveDirectoryUserPolicies,
  type DirectoryUserPolicy,
  type PolicyKey,
} from '../store/directory-user-policy.js';
import type { DirectoryUserRow, UserRow } from '../store/schema.js';
import { insertUsers } from '../store/users.js';

/**
 * The rows a run of user upserts creates — new directory users, their policy state, new platform
 * users — held and written with one multi-row insert per table, instead of four statements per
 * user. On PostgreSQL each statement is a round trip, and those were most of a Graph full sync.
 *
 * Held rows are not in the database until `flush()`. Whatever reads these tables, or writes a row
 * with a foreign key to a held one (a group membership), flushes first: `UserPrefetch` does it
 * before any read it cannot answer, the road before adding memberships, and the run when it
 * ends. A run that fails drops its held rows, as a rollback would.
 */
export class PendingUserRows {
  readonly #directoryUsers = new Map<string, DirectoryUserRow>();
  // By directory user: a later state replaces an earlier one, as the upsert would (and PostgreSQL
  // refuses one statement that upserts the same row twice).
  readonly #policies = new Map<string, { key: PolicyKey; state: DirectoryUserPolicy; now: string }>();
  readonly #users: UserRow[] = [];

  addDirectoryUser(row: DirectoryUserRow): void {
    this.#directoryUsers.set(row.id, { ...row });
  }

  /** Links a held directory user to its platform user; false when the row is not held. */
  link(directoryUserId: string, userId: string): boolean {
    const row = this.#directoryUsers.get(directoryUserId);
    if (row === undefined) return false;
    row.user_id = userId;
    return true;
  }

  addPolicy(key: PolicyKey, state: DirectoryUserPolicy, now: string): void {
    this.#policies.set(key.directoryUserId, { key, state, now });
  }

  addUser(row: UserRow): void {
    this.#users.push(row);
  }

  async flush(db: Executor): Promise<void> {
    const directoryUsers = [...this.#directoryUsers.values()];
    const policies = [...this.#policies.values()];
    const users = this.#users.splice(0);
    this.#directoryUsers.clear();
    this.#policies.clear();
    if (directoryUsers.length > 0) await insertDirectoryUsers(db, directoryUsers);
    if (policies.length > 0) await saveDirectoryUserPolicies(db, policies);
    if (users.length > 0) await insertUsers(db, users);
  }
}
