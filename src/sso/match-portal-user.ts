import type { Executor } from '../store/database.js';
import type { UserRow } from '../store/schema.js';
import type { EntraIdentity } from './check-entra-claims.js';
import { portalRoleOf, rolesFromColumn, type PortalRole } from './portal-role.js';
import { SsoError } from './sso-error.js';

/**
 * Finds the platform user behind an Entra sign-in and decides whether they may use the portal:
 * - matched by Entra object id (users.external_id) first, because it never changes; then by email,
 *   for users created locally or before their directory was connected;
 * - the user must be active: a person blocked in Entra is deactivated by sync and stays out;
 * - their roles must grant portal access (ReadOnly, User, Admin, EnterpriseAdmin).
 */
export async function matchPortalUser(
  db: Executor,
  organizationId: string,
  identity: EntraIdentity,
): Promise<{ user: UserRow; role: PortalRole }> {
  let user = await db
    .selectFrom('users')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .where('external_id', '=', identity.objectId)
    .executeTakeFirst();
  if (!user && identity.email !== undefined) {
    user = await db
      .selectFrom('users')
      .selectAll()
      .where('organization_id', '=', organizationId)
      .where('email_key', '=', identity.email)
      .executeTakeFirst();
  }
  if (!user) {
    throw new SsoError(
      'unknown_user',
      'Your account is not a user of this organization yet. Ask an admin to sync or add you.',
    );
  }
  if (user.status !== 'active')
    throw new SsoError('user_inactive', 'Your account is not active in this organization');
  const role = portalRoleOf(rolesFromColumn(user.roles));
  if (role === undefined) {
    throw new SsoError(
      'no_portal_role',
      'Your account has no role that grants portal access (ReadOnly, User, Admin or EnterpriseAdmin)',
    );
  }
  return { user, role };
}
