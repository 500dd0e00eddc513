/**
 * What a client-credentials token may do, read from its `roles` claim (the application
 * permissions an admin consented to), and what is missing for each part of a sync.
 */
export interface PermissionReport {
  /** Consented application permissions; null when the token could not be read. */
  roles: string[] | null;
  missing: { neededFor: 'users' | 'groups'; anyOf: string[] }[];
}

/** Least privilege first, as Microsoft lists them for `users/delta` and `groups/delta`. */
export const requiredPermissions = {
  users: ['User.Read.All', 'User.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'],
  groups: [
    'Group.Read.All',
    'GroupMember.Read.All',
    'Group.ReadWrite.All',
    'Directory.Read.All',
    'Directory.ReadWrite.All',
  ],
} as const;

export function checkPermissions(accessToken: string): PermissionReport {
  const roles = rolesOf(accessToken);
  const missing: PermissionReport['missing'] = [];
  for (const neededFor of ['users', 'groups'] as const) {
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
