/**
 * What a client-credentials token may do, read from its `roles` claim (the application
 * permissions an admin consented to), and what is missing for each part of a sync.
 */
export interface PermissionReport {
  /** Consented application permissions; null when the token could not be read. */
  roles: string[] | null;
  missing: { neededFor: PermissionNeed; anyOf: string[] }[];
}

/** `roles`: app role assignments, read when the policy takes roles from the source. */
export type PermissionNeed = 'users' | 'groups' | 'roles';

/**
 * Least privilege first, as Microsoft lists them for `users/delta`, `groups/delta` and "List
 * appRoleAssignments granted for a service principal" (`appRoleAssignedTo`; reading the app's
 * own service principal needs no permission).
 */
export const requiredPermissions = {
  users: ['User.Read.All', 'User.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'],
  groups: [
    'Group.Read.All',
    'GroupMember.Read.All',
    'Group.ReadWrite.All',
    'Directory.Read.All',
    'Directory.ReadWrite.All',
  ],
  roles: [
    'Application.Read.All',
    'Application.ReadWrite.All',
    'Application.ReadWrite.OwnedBy',
    'Directory.Read.All',
    'Directory.ReadWrite.All',
  ],
} as const;

/** What the token lacks; `appRoles` adds the permission for app role assignments (roles.fromSource). */
export function checkPermissions(
  accessToken: string,
  options: { appRoles?: boolean } = {},
): PermissionReport {
  const roles = rolesOf(accessToken);
  const missing: PermissionReport['missing'] = [];
  const needs: PermissionNeed[] =
    options.appRoles === true ? ['users', 'groups', 'roles'] : ['users', 'groups'];
  for (const neededFor of needs) {
    const anyOf = requiredPermissions[neededFor];
    if (roles !== null && !anyOf.some((role) => roles.includes(role)))
      missing.push({ neededFor, anyOf: [...anyOf] });
  }
  return { roles, missing };
}

/**
 * Reads the `roles` claim without verifying the signature: the token is ours, fresh from the
 * token endpoint over TLS, and only Graph needs to trust it. A token without `roles` means no
 * application permission has admin consent.
 */
export function rolesOf(accessToken: string): string[] | null {
  const payload = accessToken.split('.')[1];
  if (payload === undefined) return null;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { roles?: unknown };
    return Array.isArray(claims.roles)
      ? claims.roles.filter((role): role is string => typeof role === 'string')
      : [];
  } catch {
    return null;
  }
}
