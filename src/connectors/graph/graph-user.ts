import type { AttributeMapping, MappingExpression } from '../../domain/policy/attribute-mapping.js';
import { defaultMappings } from '../../domain/policy/attribute-mapping.js';
import type { Change } from '../../sync/change.js';

/** A user as `users/delta` returns it: selected properties, or `@removed` for a deleted one. */
export interface GraphUser {
  id: string;
  '@removed'?: { reason?: string };
  [property: string]: unknown;
}

/** Properties read whatever the mapping: identity, sign-in state and guest recognition. */
const alwaysSelected = ['id', 'userPrincipalName', 'mail', 'accountEnabled', 'userType'];

/**
 * `$select` for `users/delta`: what the organization's mapping reads, and nothing more, because
 * Graph tracks changes only for selected properties and each one costs bandwidth.
 */
export function userSelect(mapping: AttributeMapping): string[] {
  const names = new Set(alwaysSelected);
  for (const expression of Object.values({ ...defaultMappings.graph, ...mapping }))
    collectSources(expression, names);
  return [...names].filter((name) => /^[A-Za-z][A-Za-z0-9_]*$/.test(name)).sort();
}

/**
 * `$select` outside delta queries: `manager` is a relationship there (it needs `$expand`), only
 * `users/delta` tracks it as a selected property.
 */
export function plainUserSelect(mapping: AttributeMapping): string[] {
  return userSelect(mapping).filter((name) => name !== 'manager');
}

function collectSources(expression: MappingExpression, into: Set<string>): void {
  if (typeof expression === 'string') into.add(expression.split('.')[0] ?? expression);
  else if ('source' in expression) into.add(expression.source.split('.')[0] ?? expression.source);
  else if ('firstOf' in expression) expression.firstOf.forEach((e) => collectSources(e, into));
  else if ('join' in expression) expression.join.forEach((e) => collectSources(e, into));
  else if ('lower' in expression) collectSources(expression.lower, into);
}

/**
 * Entra marks B2B guests with `userType: Guest`; older invitations and some tenants leave it
 * unset, but a guest's userPrincipalName always carries `#EXT#`.
 */
export function entraUserType(user: Record<string, unknown>): string {
  if (typeof user.userType === 'string' && user.userType !== '') return user.userType;
  return typeof user.userPrincipalName === 'string' && user.userPrincipalName.includes('#EXT#')
    ? 'Guest'
    : 'Member';
}

/**
 * Flattens a Graph user to the names a mapping refers to: scalars by their Graph name, arrays
 * as `<name>.first` (`businessPhones.first`) and joined under their own name.
 */
export function flattenGraphUser(user: Record<string, unknown>): Record<string, string | undefined> {
  const flat: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(user)) {
    if (name.startsWith('@') || value === null || value === undefined) continue;
    if (Array.isArray(value)) {
      const strings = value.filter((item): item is string => typeof item === 'string');
      flat[`${name}.first`] = strings[0];
      flat[name] = strings.join(', ');
    } else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      flat[name] = String(value);
    }
  }
  flat.userType = entraUserType(user);
  return flat;
}

/**
 * Where a stored Graph user keeps the values of the app roles assigned to it. Graph reports
 * assignments apart from the user (see app-role-assignments.ts) and never in users/delta, so they
 * are kept beside the received properties, under an instance-annotation name no Graph property
 * can take; mappings never see it (flattenGraphUser skips `@` names).
 */
export const appRolesKey = '@roster.appRoles';

/** The app role values stored with a Graph user. */
export function storedAppRoles(attributes: Record<string, unknown> | undefined): string[] {
  const roles = attributes?.[appRolesKey];
  return Array.isArray(roles) ? roles.filter((role): role is string => typeof role === 'string') : [];
}

/**
 * A Graph user becomes a `user.upsert` change. `previous` is the stored object: a delta answer
 * may carry only changed properties (`Prefer: return=minimal`, or Entra's own habits), so the
 * received ones are laid over what we had. `roles` are the values of the app roles assigned to
 * the user; left out (assignments unknown this run), the stored ones stand.
 */
export function graphUserChange(
  user: GraphUser,
  previous?: Record<string, unknown>,
  roles?: readonly string[],
): Change {
  const merged: Record<string, unknown> = { ...previous, ...user };
  delete merged['@removed'];
  if (roles !== undefined) {
    const values = [...new Set(roles)].sort();
    if (values.length > 0) merged[appRolesKey] = values;
    else delete merged[appRolesKey];
  }
  // `$select=manager` on users/delta reports the relationship as `manager@delta`: kept as the manager's object id.
  if ('manager@delta' in user) {
    const manager = (user['manager@delta'] as { id?: unknown; '@removed'?: unknown }[] | null)?.[0];
    merged.manager =
      manager && manager['@removed'] === undefined && typeof manager.id === 'string' ? manager.id : null;
    delete merged['manager@delta'];
  }
  const userName =
    typeof merged.userPrincipalName === 'string' && merged.userPrincipalName !== ''
      ? merged.userPrincipalName
      : user.id;
  const mail = typeof merged.mail === 'string' && merged.mail !== '' ? merged.mail : undefined;
  // "Sign-in blocked" deactivates; an absent flag (not selected, or not yet replicated) is not a block.
  const active = merged.accountEnabled !== false;
  return {
    kind: 'user.upsert',
    user: {
      id: user.id,
      externalId: user.id,
      userName,
      active,
      emailKey: (mail ?? userName).toLowerCase(),
      attributes: merged,
      source: {
        connectorKind: 'graph',
        objectId: user.id,
        userName,
        active,
        attributes: flattenGraphUser(merged),
        roles: storedAppRoles(merged),
      },
    },
  };
}
