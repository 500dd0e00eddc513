import type { AttributeMapping } from './attribute-mapping.js';
import type { ScopeFilter } from './evaluate-scope.js';

/** A directory group named in a policy: by its object id (stable) or by its display name (readable). */
export type GroupRef = { readonly id: string } | { readonly name: string };

/** Directory group → platform group: an existing platform group by id, or one created (or reused) by name. */
export interface GroupMapping {
  readonly directoryGroup: GroupRef;
  readonly platformGroup: { readonly id: string } | { readonly create: string };
  /** Take users out of the platform group when they leave the directory group; defaults to lifecycle's. */
  readonly autoRemove?: boolean;
}

export interface RoleRule {
  readonly group: GroupRef;
  readonly role: string;
}

/**
 * A connection's provisioning policy as policy code reads it, every default filled in. The stored
 * form (connections.policy) is the same shape with any member left out; `validatePolicy` checks it
 * and `resolvePolicy` lays it over the defaults.
 */
export interface Policy {
  readonly scope: {
    /** `all`; members of the `groups` listed; or members of groups that have a mapping. */
    readonly users: 'all' | 'groups' | 'mappedGroups';
    readonly groups: readonly GroupRef[];
    /** Count members of nested groups as members of the groups that contain them. */
    readonly nested: boolean;
    /** A further condition over attributes and membership, ANDed with `users`. */
    readonly filter: ScopeFilter | null;
  };
  /** Platform field → expression. Fields left out use the connector's default mapping. */
  readonly attributeMapping: AttributeMapping;
  /** Platform fields the organization defines beyond the standard ones, usable in the mapping. */
  readonly customFields: readonly string[];
  readonly groups: {
    /** Directory groups without a mapping become platform groups (`mirror`) or are ignored. */
    readonly unmapped: 'mirror' | 'ignore';
    readonly mappings: readonly GroupMapping[];
  };
  readonly roles: {
    /** Take app roles from the source (SCIM `roles`, Graph app role assignments). */
    readonly fromSource: boolean;
    /** Members of a directory group get a role. */
    readonly rules: readonly RoleRule[];
  };
  readonly lifecycle: {
    /** What a user removed from the directory becomes. */
    readonly onDelete: 'delete' | 'deactivate';
    /** Take users out of a platform group when they leave the directory group. */
    readonly autoRemoveFromGroups: boolean;
    /** What a user who leaves the scope becomes: inactive, or deleted once the grace period ends. */
    readonly outOfScope: 'deactivate' | 'delete';
    readonly deleteAfterDays: number;
  };
  readonly newUsers: {
    /** Queue one enrollment email for each user the platform gets from this connection. */
    readonly enrollmentEmail: boolean;
    /** Credential types issued to each new user and revoked when the user is deactivated. */
    readonly credentials: readonly string[];
  };
}

export function defaultPolicy(connectorKind: 'scim' | 'graph'): Policy {
  return {
    scope: { users: 'all', groups: [], nested: false, filter: null },
    attributeMapping: {},
    customFields: [],
    groups: { unmapped: 'mirror', mappings: [] },
    roles: { fromSource: true, rules: [] },
    lifecycle: {
      onDelete: connectorKind === 'scim' ? 'delete' : 'deactivate',
      autoRemoveFromGroups: true,
      outOfScope: 'deactivate',
      deleteAfterDays: 30,
    },
    newUsers: { enrollmentEmail: false, credentials: [] },
  };
}

/**
 * Lays a stored policy over the defaults. Stored policies were validated by `validatePolicy`
 * when set, so this trusts their shape; a member left out takes its default.
 */
export function resolvePolicy(connectorKind: 'scim' | 'graph', stored: Record<string, unknown>): Policy {
  const base = defaultPolicy(connectorKind);
  const part = <K extends keyof Policy>(key: K): Partial<Policy[K]> => stored[key] ?? {};
  return {
    scope: { ...base.scope, ...part('scope') },
    attributeMapping: (stored.attributeMapping ?? {}) as AttributeMapping,
    customFields: (stored.customFields ?? []) as readonly string[],
    groups: { ...base.groups, ...part('groups') },
    roles: { ...base.roles, ...part('roles') },
    lifecycle: { ...base.lifecycle, ...part('lifecycle') },
    newUsers: { ...base.newUsers, ...part('newUsers') },
  };
}

/** A directory group as policy sees it: its id in the connection, Entra's object id, its name. */
export interface DirectoryGroupFacts {
  readonly id: string;
  readonly externalId: string | null;
  readonly displayName: string;
}

/**
 * Admins copy object ids from the Entra portal: for Graph that is the group's id, for SCIM its
 * externalId (Entra's objectId), so an id matches either. Names compare case-insensitively, as Entra does.
 */
export function groupRefMatches(ref: GroupRef, group: DirectoryGroupFacts): boolean {
  if ('id' in ref) return ref.id === group.id || (group.externalId !== null && ref.id === group.externalId);
  return ref.name.toLowerCase() === group.displayName.toLowerCase();
}
