import { canonicalRole, portalRoles, roleAllows, type PortalRole } from '../domain/policy/roles.js';

/**
 * Portal roles, from the roles policy gave the platform user (issue 4: ReadOnly, User, Admin and
 * EnterpriseAdmin grant portal access; no role means app access only). A user holding several
 * gets the strongest. ReadOnly and User see; Admin and EnterpriseAdmin also change settings,
 * connections and users (the policy's `users:manage`).
 */
export type { PortalRole };

/** The operator of the installation acts as EnterpriseAdmin in whichever organization they open. */
export const operatorRole: PortalRole = 'EnterpriseAdmin';

/** The strongest portal role among `roles`, or undefined when none grants portal access. */
export function portalRoleOf(roles: readonly string[]): PortalRole | undefined {
  let best = -1;
  for (const role of roles)
    best = Math.max(best, (portalRoles as readonly string[]).indexOf(canonicalRole(role)));
  return best < 0 ? undefined : portalRoles[best];
}

/** Whether the role may change settings, connections and users, rather than only look. */
export function canChange(role: string): boolean {
  return roleAllows(role, 'users:manage');
}

/** Parses the JSON roles column of a platform user; anything unexpected counts as no role. */
export function rolesFromColumn(column: string): string[] {
  try {
    const parsed: unknown = JSON.parse(column);
    if (!Array.isArray(parsed)) return [];
    return parsed.flatMap((entry: unknown) => {
      if (typeof entry === 'string') return [entry];
      // SCIM roles may be stored as objects ({ value, display, primary }); the value is the app role.
      if (
        entry !== null &&
        typeof entry === 'object' &&
        typeof (entry as { value?: unknown }).value === 'string'
      ) {
        return [(entry as { value: string }).value];
      }
      return [];
    });
  } catch {
    return [];
  }
}
