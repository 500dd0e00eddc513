import { validatePolicy } from '../../../src/domain/policy/validate-policy.js';
import type { SourceUser } from '../../../src/domain/source-user.js';
import type { Store } from '../../../src/store/database.js';
import { createConnection } from '../../../src/store/connections.js';
import { createOrganization } from '../../../src/store/organizations.js';
import { applyChanges } from '../../../src/sync/apply-changes.js';
import type { Change, DirectoryUserInput } from '../../../src/sync/change.js';
import type { Outcome } from '../../../src/sync/outcome.js';
import type { StoredEvent } from '../../../src/store/events.js';

/**
 * A bench for policy engine tests: one organization with one connection on a store, a `policy`
 * to apply changes under, and builders for the changes connectors send.
 */
export interface PolicyBench {
  readonly store: Store;
  readonly organizationId: string;
  readonly connectionId: string;
  apply(
    changes: Change[],
    options?: { policy?: unknown; onReject?: 'throw' | 'record'; now?: string; dryRun?: boolean },
  ): Promise<{ outcome: Outcome; events: StoredEvent[] }>;
}

export const now = '2026-11-24T10:00:00.000Z';

let organizations = 0;

export async function policyBench(store: Store, kind: 'scim' | 'graph' = 'scim'): Promise<PolicyBench> {
  organizations += 1;
  const organization = await createOrganization(store.db, {
    slug: `org-${organizations}`,
    name: 'Acme',
    now,
  });
  const connection = await createConnection(store.db, {
    organizationId: organization.id,
    kind,
    name: 'Entra',
    now,
  });
  return {
    store,
    organizationId: organization.id,
    connectionId: connection.id,
    apply: (changes, options = {}) =>
      store.transaction((trx) =>
        applyChanges(
          {
            trx,
            organizationId: organization.id,
            connectionId: connection.id,
            connectorKind: kind,
            policy: validatePolicy(options.policy ?? {}, kind),
            now: options.now ?? now,
            onReject: options.onReject ?? 'throw',
            dryRun: options.dryRun,
          },
          changes,
        ),
      ),
  };
}

/** A user as Entra sends it over SCIM, flattened as the SCIM connector does. */
export function scimUser(
  id: string,
  attributes: Partial<Record<string, string>> = {},
  options: { active?: boolean; roles?: string[] } = {},
): Change {
  const active = options.active ?? true;
  const flat = {
    userName: `${id}@acme.test`,
    'name.givenName': 'Ada',
    'name.familyName': 'Lovelace',
    'emails.work': `${id}@acme.test`,
    ...attributes,
  };
  const source: SourceUser = {
    connectorKind: 'scim',
    objectId: `oid-${id}`,
    userName: flat.userName,
    active,
    attributes: flat,
    roles: options.roles ?? [],
  };
  const user: DirectoryUserInput = {
    id,
    externalId: `oid-${id}`,
    userName: flat.userName,
    active,
    emailKey: flat['emails.work'] ?? null,
    attributes: { userName: flat.userName },
    source,
  };
  return { kind: 'user.upsert', user };
}

export function group(id: string, displayName = id): Change {
  return { kind: 'group.upsert', group: { id, externalId: `oid-${id}`, displayName, attributes: {} } };
}

export function addMembers(groupId: string, ...members: string[]): Change {
  return {
    kind: 'members.add',
    groupId,
    members: members.map((member) =>
      member.startsWith('group:')
        ? { id: member.slice(6), type: 'group' as const }
        : { id: member, type: 'user' as const },
    ),
  };
}

export function removeMembers(groupId: string, ...memberIds: string[]): Change {
  return { kind: 'members.remove', groupId, memberIds };
}

export async function platformUsers(bench: PolicyBench) {
  const rows = await bench.store.db
    .selectFrom('users')
    .selectAll()
    .where('organization_id', '=', bench.organizationId)
    .orderBy('email')
    .execute();
  return rows.map((row) => ({
    email: row.email,
    status: row.status,
    roles: JSON.parse(row.roles) as string[],
    id: row.id,
  }));
}

/** Emails of the members of the platform group named `name`. */
export async function platformMembers(bench: PolicyBench, name: string): Promise<string[]> {
  const rows = await bench.store.db
    .selectFrom('group_members')
    .innerJoin('groups', 'groups.id', 'group_members.group_id')
    .innerJoin('users', 'users.id', 'group_members.user_id')
    .select('users.email')
    .where('groups.organization_id', '=', bench.organizationId)
    .where('groups.display_name', '=', name)
    .orderBy('users.email')
    .execute();
  return rows.map((row) => row.email);
}
