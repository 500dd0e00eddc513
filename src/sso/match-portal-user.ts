import type { Executor } from '../store/database.js';
import type { UserRow } from '../store/schema.js';
import type { EntraIdentity } from './check-entra-claims.js';
import { portalRoleOf, rolesFromColumn, type PortalRole } from './portal-role.js';
import { SsoError } from './sso-error.js';

/**
 * Finds the platform user behind an Entra sign-in and decides whether they may use the portal:
 * - matched by Entra object id (`oid`), which never changes and names one person: the user's own
 *   (`external_id`, synced from the directory) or the one bound at an earlier sign-in;
 * - the user must be active: a person blocked in Entra is deactivated by sync and stays out;
 * - their roles must grant portal access (ReadOnly, User, Admin, EnterpriseAdmin).
 */
export async function matchPortalUser(
  db: Executor,
  organizationId: string,
  identity: EntraIdentity,
): Promise<{ user: UserRow; role: PortalRole }> {
  const user =
    (await byObjectId(db, organizationId, identity.objectId)) ??
    (await byEmailOnce(db, organizationId, identity));
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

async function byObjectId(db: Executor, organizationId: string, objectId: string) {
  const bound = await db
    .selectFrom('users')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .where('sso_object_id', '=', objectId)
    .executeTakeFirst();
  return (
    bound ??
    (await db
      .selectFrom('users')
      .selectAll()
      .where('organization_id', '=', organizationId)
      .where('external_id', '=', objectId)
      .executeTakeFirst())
  );
}

/**
 * A user the directory did not tie to an Entra object id — a local user, or one pushed by SCIM
 * whose externalId is not the object id (Entra's default mapping fills it from mailNickname) — is
 * found by email once, and the object id that signed in is bound to it: from then on only that
 * person signs in as the user. A user tied to an object id (synced with it, or bound before) is
 * never found by email. Email and preferred_username are mutable and not verified, and Microsoft
 * says never to authorize on them: matched freely, anyone given a colleague's address in the
 * tenant signed in as that colleague.
 */
async function byEmailOnce(
  db: Executor,
  organizationId: string,
  identity: EntraIdentity,
): Promise<UserRow | undefined> {
  if (identity.email === undefined) return undefined;
  const candidate = await db
    .selectFrom('users')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .where('email_key', '=', identity.email)
    .executeTakeFirst();
  if (!candidate || candidate.sso_object_id !== null || isEntraObjectId(candidate.external_id))
    return undefined;
  // Conditional, so two people signing in at once with one address cannot both bind it.
  const bound = await db
    .updateTable('users')
    .set({ sso_object_id: identity.objectId })
    .where('id', '=', candidate.id)
    .where('sso_object_id', 'is', null)
    .executeTakeFirst();
  if (Number(bound.numUpdatedRows) !== 1) return undefined;
  return { ...candidate, sso_object_id: identity.objectId };
}

const objectIdPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Entra object ids are GUIDs; a SCIM externalId from mailNickname (or anything else) is not one. */
function isEntraObjectId(value: string | null): boolean {
  return value !== null && objectIdPattern.test(value);
}
