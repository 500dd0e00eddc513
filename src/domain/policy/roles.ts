import { groupRefMatches, type DirectoryGroupFacts, type Policy } from './policy.js';

/**
 * Roles. A user's roles come from the source (Entra app roles over SCIM `roles`, Graph app role
 * assignments) and from group → role rules. The four canonical roles open the web portal; a user
 * without one has app access only. Other role names pass through for the host app to read.
 */
export const portalRoles = ['ReadOnly', 'User', 'Admin', 'EnterpriseAdmin'] as const;
export type PortalRole = (typeof portalRoles)[number];

/** What a portal role may do; each role may do everything the role before it may. */
export type PortalAction = 'portal:read' | 'portal:write' | 'users:manage' | 'organization:manage';

const allowed: Readonly<Record<PortalRole, readonly PortalAction[]>> = {
  ReadOnly: ['portal:read'],
  User: ['portal:read', 'portal:write'],
  Admin: ['portal:read', 'portal:write', 'users:manage'],
  EnterpriseAdmin: ['portal:read', 'portal:write', 'users:manage', 'organization:manage'],
};

/** The canonical spelling of a role name, so `admin` from one source and `Admin` from a rule are one role. */
export function canonicalRole(role: string): string {
  const key = role
    .trim()
    .toLowerCase()
    .replace(/[\s_-]/g, '');
  return portalRoles.find((canonical) => canonical.toLowerCase() === key) ?? role.trim();
}

export function hasPortalAccess(roles: readonly string[]): boolean {
  return roles.some((role) => (portalRoles as readonly string[]).includes(canonicalRole(role)));
}

export function roleAllows(role: string, action: PortalAction): boolean {
  const canonical = canonicalRole(role);
  if (!(portalRoles as readonly string[]).includes(canonical)) return false;
  return allowed[canonical as PortalRole].includes(action);
}

/** Source roles (when the policy takes them) and rule roles, canonical, without duplicates, sorted. */
export function decideRoles(
  policy: Policy,
  sourceRoles: readonly string[],
  groups: readonly DirectoryGroupFacts[],
): string[] {
  const roles = new Set<string>();
  if (policy.roles.fromSource)
    for (const role of sourceRoles) if (role.trim() !== '') roles.add(canonicalRole(role));
  for (const rule of policy.roles.rules) {
    if (groups.some((group) => groupRefMatches(rule.group, group))) roles.add(canonicalRole(rule.role));
  }
  return [...roles].sort();
}
