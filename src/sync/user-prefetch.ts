import type { SourceUser } from '../domain/source-user.js';
import type { Executor } from '../store/database.js';
import type { DirectoryUserPolicy } from '../store/directory-user-policy.js';
import type { DirectoryUserRow, UserRow } from '../store/schema.js';
import { statementBatches } from '../store/statement-shapes.js';
import { usersByIds } from '../store/users.js';
import type { DirectoryUserInput } from './change.js';

/** An answer the prefetch can give: `value` may be undefined ("there is none"). */
export interface Known<T> {
  value: T;
}

interface Scope {
  trx: Executor;
  organizationId: string;
  connectionId: string;
}

/**
 * What projecting a run of user upserts reads, loaded for the whole run in a handful of queries
 * instead of about six per user: the directory rows, their policy state, the platform users they
 * link to or match by object id, who holds their email, and the platform groups their directory
 * groups project onto. On PostgreSQL every read is a round trip, so this is most of a Graph page's
 * cost.
 *
 * An answer is given only for a key that was loaded and that nothing in the run has written since;
 * anything else returns undefined and the caller reads the database as it always does. Writers
 * say what they wrote (`wroteDirectoryUser`, `wroteUser`), or `forget()` everything.
 */
export class UserPrefetch {
  readonly #directoryUsers = new Map<string, DirectoryUserRow | undefined>();
  readonly #policies = new Map<string, DirectoryUserPolicy | undefined>();
  readonly #users = new Map<string, UserRow | undefined>();
  readonly #usersByObjectId = new Map<string, UserRow | undefined>();
  readonly #emailOwners = new Map<string, string | undefined>();
  readonly #platformGroups = new Map<string, string[]>();
  #valid = true;

  static async load(scope: Scope, inputs: readonly DirectoryUserInput[]): Promise<UserPrefetch> {
    const prefetch = new UserPrefetch();
    const ids = unique(inputs.map((input) => input.id));
    const { trx, organizationId, connectionId } = scope;
    for (const id of ids) {
      prefetch.#directoryUsers.set(id, undefined);
      prefetch.#policies.set(id, undefined);
      prefetch.#platformGroups.set(id, []);
    }
    const linked: string[] = [];
    for (const batch of statementBatches(ids, 512)) {
      const rows = await trx
        .selectFrom('directory_users')
        .selectAll()
        .where('connection_id', '=', connectionId)
        .where('id', 'in', batch)
        .execute();
      for (const row of rows) {
        prefetch.#directoryUsers.set(row.id, row);
        if (row.user_id !== null) linked.push(row.user_id);
      }
      const policies = await trx
        .selectFrom('directory_user_policy')
        .selectAll()
        .where('connection_id', '=', connectionId)
        .where('directory_user_id', 'in', batch)
        .execute();
      for (const row of policies) {
        prefetch.#policies.set(row.directory_user_id, {
          source: JSON.parse(row.source) as SourceUser,
          inScope: row.in_scope === 1,
          deleteAfter: row.delete_after,
        });
      }
      const groups = await trx
        .selectFrom('directory_memberships as m')
        .innerJoin('directory_groups as g', (join) =>
          join.onRef('g.connection_id', '=', 'm.connection_id').onRef('g.id', '=', 'm.group_id'),
        )
        .select(['m.member_id', 'g.group_id'])
        .where('m.connection_id', '=', connectionId)
        .where('m.member_id', 'in', batch)
        .where('g.group_id', 'is not', null)
        .execute();
      for (const row of groups) {
        const list = prefetch.#platformGroups.get(row.member_id) ?? [];
        if (row.group_id !== null && !list.includes(row.group_id)) list.push(row.group_id);
        prefetch.#platformGroups.set(row.member_id, list);
      }
    }
    for (const batch of statementBatches(unique(linked), 512)) {
      for (const id of batch) prefetch.#users.set(id, undefined);
      for (const row of await usersByIds(trx, organizationId, batch)) prefetch.#users.set(row.id, row);
    }
    const objectIds = unique(
      inputs.flatMap((input) => (input.source.objectId ? [input.source.objectId] : [])),
    );
    for (const batch of statementBatches(objectIds, 512)) {
      for (const id of batch) prefetch.#usersByObjectId.set(id, undefined);
      // Several users may share an object id only through bad data; the lookup this replaces
      // takes any one of them, so the first found is as good.
      const rows = await trx
        .selectFrom('users')
        .selectAll()
        .where('organization_id', '=', organizationId)
        .where('external_id', 'in', batch)
        .execute();
      for (const row of rows) {
        if (row.external_id !== null && prefetch.#usersByObjectId.get(row.external_id) === undefined) {
          prefetch.#usersByObjectId.set(row.external_id, row);
        }
      }
    }
    // Policy may map email from another attribute; keys not loaded here are read when asked.
    const emailKeys = unique(inputs.flatMap((input) => (input.emailKey ? [input.emailKey] : [])));
    for (const batch of statementBatches(emailKeys, 512)) {
      for (const key of batch) prefetch.#emailOwners.set(key, undefined);
      const rows = await trx
        .selectFrom('users')
        .select(['id', 'email_key'])
        .where('organization_id', '=', organizationId)
        .where('email_key', 'in', batch)
        .execute();
      for (const row of rows) prefetch.#emailOwners.set(row.email_key, row.id);
    }
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

  /** Something outside the tracked writes changed users: answer nothing more. */
  forget(): void {
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

/** The prefetched answer when there is one, else the database read. */
export async function knownOr<T>(known: Known<T> | undefined, read: () => Promise<T>): Promise<T> {
  return known === undefined ? read() : known.value;
}
