/**
 * Portal roles, from the Entra app roles a user holds (issue 4: ReadOnly, User, Admin and
 * EnterpriseAdmin grant portal access; no role means app access only). A user holding several
 * roles gets the strongest. ReadOnly and User see; Admin and EnterpriseAdmin also change things.
 */
export const portalRoles = ['ReadOnly', 'User', 'Admin', 'EnterpriseAdmin'] as const;
export type PortalRole = (typeof portalRoles)[number];

/** The operator of the installation acts as EnterpriseAdmin in whichever organization they open. */
export const operatorRole: PortalRole = 'EnterpriseAdmin';

export function isPortalRole(value: string): value is PortalRole {
  return (portalRoles as readonly string[]).includes(value);
}

/** The strongest portal role among `roles`, or undefined when none grants portal access. */
export function portalRoleOf(roles: readonly string[]): PortalRole | undefined {
  let best: PortalRole | undefined;
  for (const role of roles) {
    // Entra app role values are case-sensitive in tokens, but admins type them by hand in manifests.
    const known = portalRoles.find((candidate) => candidate.toLowerCase() === role.toLowerCase());
    if (
      known !== undefined &&
      (best === undefined || portalRoles.indexOf(known) > portalRoles.indexOf(best))
    ) {
      best = known;
    }
  }
  return best;
}

/** Whether the role may change settings, connections and users, rather than only look. */
export function canChange(role: string): boolean {
  return role === 'Admin' || role === 'EnterpriseAdmin';
}

/** Parses the JSON roles column of a platform user; anything unexpected counts as no role. */
export function rolesFromColumn(column: string): string[] {
  try {
    const parsed: unknown = JSON.parse(column);
    if (!Array.isArray(parsed)) return [];
    return parsed.flatMap((entry: unknown) => {
      if (typeof entry === 'string') return [entry];
      // SCIM roles arrive as objects ({ value, display, primary }); the value is the app role.
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
