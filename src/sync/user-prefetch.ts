import type { Executor } from '../store/database.js';
import { getDirectoryUsers } from '../store/directory.js';
import { platformGroupsOfDirectoryUsers } from '../store/directory-memberships.js';
import {
  directoryUserPolicies,
  type DirectoryUserPolicy,
  type PolicyKey,
} from '../store/directory-user-policy.js';
import type { DirectoryUserRow, UserRow } from '../store/schema.js';
import { emailOwners, usersByExternalIds, usersByIds } from '../store/users.js';
import type { DirectoryUserInput } from './change.js';
import { PendingUserRows } from './pending-user-rows.js';

/** An answer the prefetch can give: `value` may be undefined ("there is none"). */
export interface Known<T> {
  value: T;
}

interface Scope {
  trx: Executor;
  organizationId: string;
  connectionId: string;
}

/** What the prefetch reads a user by: its id, its email, its Entra object id (`source.objectId`). */
export type PrefetchInput = Pick<DirectoryUserInput, 'id' | 'emailKey' | 'source'>;

/**
 * What projecting a run of user upserts reads, loaded for the whole run in a handful of queries
 * instead of about six per user: the directory rows, their policy state, the platform users they
 * link to or match by object id, who holds their email, and the platform groups their directory
 * groups project onto. On PostgreSQL every read is a round trip, so this is most of a Graph page's
 * cost.
 *
 * An answer is given only for a key that was loaded and that nothing in the run has written since;
 * anything else returns undefined and the caller reads the database (`knownOr`). Writers say what
 * they wrote (`wroteDirectoryUser`, `wroteUser`), or `forget()` everything.
 *
 * The rows the run creates are held here too (`hold…`, see `pending-user-rows.ts`) and written
 * together by `flush()`, which every read the prefetch cannot answer does first.
 */
export class UserPrefetch {
  readonly #trx: Executor;
  readonly #pending = new PendingUserRows();
  /**
   * Held rows wait for a flush only when the run has several users to write together. A single
   * user (a SCIM request) is written at once, so its errors come in the order it meets them: a
   * taken userName is a 409 before a taken email is a 400, as without holding.
   */
  readonly #batching: boolean;
  readonly #directoryUsers = new Map<string, DirectoryUserRow | undefined>();
  readonly #policies = new Map<string, DirectoryUserPolicy | undefined>();
  readonly #users = new Map<string, UserRow | undefined>();
  readonly #usersByObjectId = new Map<string, UserRow | undefined>();
  readonly #emailOwners = new Map<string, string | undefined>();
  readonly #platformGroups = new Map<string, string[]>();
  #valid = true;

  private constructor(trx: Executor, batching: boolean) {
    this.#trx = trx;
    this.#batching = batching;
  }

  /**
   * `minted`: ids made by the request itself (a SCIM POST). No directory row, policy state or
   * membership can refer to an id that did not exist before, so they are known absent unread.
   */
  static async load(
    scope: Scope,
    inputs: readonly PrefetchInput[],
    minted: ReadonlySet<string> = new Set(),
  ): Promise<UserPrefetch> {
    const { trx, organizationId, connectionId } = scope;
    const prefetch = new UserPrefetch(trx, inputs.length > 1);
    for (const id of minted) {
      prefetch.#directoryUsers.set(id, undefined);
      prefetch.#policies.set(id, undefined);
      prefetch.#platformGroups.set(id, []);
    }
    const ids = unique(inputs.map((input) => input.id)).filter((id) => !minted.has(id));
    const rows = new Map((await getDirectoryUsers(trx, connectionId, ids)).map((row) => [row.id, row]));
    const policies = await directoryUserPolicies(trx, connectionId, ids);
    const groups = await platformGroupsOfDirectoryUsers(trx, connectionId, ids);
    for (const id of ids) {
      prefetch.#directoryUsers.set(id, rows.get(id));
      prefetch.#policies.set(id, policies.get(id));
      prefetch.#platformGroups.set(id, groups.get(id) ?? []);
    }
    const linked = unique([...rows.values()].flatMap((row) => (row.user_id === null ? [] : [row.user_id])));
    const users = new Map((await usersByIds(trx, organizationId, linked)).map((user) => [user.id, user]));
    for (const id of linked) prefetch.#users.set(id, users.get(id));
    const objectIds = unique(
      inputs.flatMap((input) => (input.source.objectId ? [input.source.objectId] : [])),
    );
    const byObjectId = await usersByExternalIds(trx, organizationId, objectIds);
    for (const id of objectIds) prefetch.#usersByObjectId.set(id, byObjectId.get(id));
    // Policy may map email from another attribute; keys not loaded here are read when asked.
    const emailKeys = unique(inputs.flatMap((input) => (input.emailKey ? [input.emailKey] : [])));
    const owners = await emailOwners(trx, organizationId, emailKeys);
    for (const key of emailKeys) prefetch.#emailOwners.set(key, owners.get(key));
    return prefetch;
  }

  directoryUser(id: string): Known<DirectoryUserRow | undefined> | undefined {
    return this.#answer(this.#directoryUsers, id);
  }

  policy(directoryUserId: string): Known<DirectoryUserPolicy | undefined> | undefined {
    return this.#answer(this.#policies, directoryUserId);
  }

  platformGroups(directoryUserId: string): Known<string[]> | undefined {
    const known = this.#answer(this.#platformGroups, directoryUserId);
    return known?.value === undefined ? undefined : { value: [...known.value] };
  }

  user(userId: string): Known<UserRow | undefined> | undefined {
    return this.#answer(this.#users, userId);
  }

  userByObjectId(objectId: string): Known<UserRow | undefined> | undefined {
    return this.#answer(this.#usersByObjectId, objectId);
  }

  /** The id of the user holding this email key, if any. */
  emailOwner(emailKey: string): Known<string | undefined> | undefined {
    return this.#answer(this.#emailOwners, emailKey);
  }

  /** The directory row was written: read it from the database from now on. */
  wroteDirectoryUser(id: string): void {
    this.#directoryUsers.delete(id);
  }

  /** The directory user's policy state was written. */
  wrotePolicy(directoryUserId: string): void {
    this.#policies.delete(directoryUserId);
  }

  /** A platform user row was inserted, updated or deleted (pass it as it was and as it is). */
  wroteUser(...rows: readonly Pick<UserRow, 'id' | 'email_key' | 'external_id'>[]): void {
    for (const row of rows) {
      this.#users.delete(row.id);
      this.#emailOwners.delete(row.email_key);
      if (row.external_id !== null) this.#usersByObjectId.delete(row.external_id);
    }
  }

  /** A new directory user's row, written at the next flush (at once for a single user). */
  async holdDirectoryUser(row: DirectoryUserRow): Promise<void> {
    this.#pending.addDirectoryUser(row);
    this.wroteDirectoryUser(row.id);
    await this.#writeUnlessBatching();
  }

  /** A directory user's policy state, written (inserted or replaced) at the next flush. */
  async holdPolicy(key: PolicyKey, state: DirectoryUserPolicy, now: string): Promise<void> {
    this.#pending.addPolicy(key, state, now);
    this.wrotePolicy(key.directoryUserId);
    await this.#writeUnlessBatching();
  }

  /** A new platform user's row, written at the next flush. */
  async holdUser(row: UserRow): Promise<void> {
    this.#pending.addUser(row);
    this.wroteUser(row);
    await this.#writeUnlessBatching();
  }

  /** Links a held directory user to its platform user; false when the row is not held. */
  linkHeld(directoryUserId: string, userId: string): boolean {
    return this.#pending.link(directoryUserId, userId);
  }

  /** A single user's rows are written as they are held (see `#batching`). */
  async #writeUnlessBatching(): Promise<void> {
    if (!this.#batching) await this.flush();
  }

  /** Writes the held rows. */
  async flush(): Promise<void> {
    await this.#pending.flush(this.#trx);
  }

  /** Something outside the tracked writes changes users: write what is held, answer nothing more. */
  async forget(): Promise<void> {
    await this.flush();
    this.#valid = false;
  }

  #answer<K, V>(map: Map<K, V>, key: K): Known<V> | undefined {
    if (!this.#valid || !map.has(key)) return undefined;
    return { value: map.get(key) as V };
  }
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

/** The prefetched answer when there is one, else the database read (after the held rows are written). */
export async function knownOr<T>(
  prefetch: UserPrefetch | undefined,
  known: Known<T> | undefined,
  read: () => Promise<T>,
): Promise<T> {
  if (known !== undefined) return known.value;
  await prefetch?.flush();
  return read();
}
