import type { Migration, MigrationProvider } from 'kysely';
import * as core from './0001-core.js';
import * as graph from './0002-graph.js';
import * as policy from './0003-policy.js';
import * as eventsApi from './0004-events-api.js';
import * as sso from './0005-sso.js';
import * as membershipMemberIndex from './0006-membership-member-index.js';
import * as policyPending from './0007-policy-pending.js';
import * as syncRunHolder from './0008-sync-run-holder.js';
import * as scrubScimPasswords from './0009-scrub-scim-passwords.js';
import * as scrubScimUserGroups from './0010-scrub-scim-user-groups.js';
import * as userActivatedAt from './0011-user-activated-at.js';
import * as userSsoObjectId from './0012-user-sso-object-id.js';

/**
 * Migrations are listed in code rather than read from a folder, so the compiled build and the
 * TypeScript sources run the very same list. Names sort in the order they apply.
 */
const migrations: Record<string, Migration> = {
  '0001-core': core,
  '0002-graph': graph,
  '0003-policy': policy,
  '0004-events-api': eventsApi,
  '0005-sso': sso,
  '0006-membership-member-index': membershipMemberIndex,
  '0007-policy-pending': policyPending,
  '0008-sync-run-holder': syncRunHolder,
  '0009-scrub-scim-passwords': scrubScimPasswords,
  '0010-scrub-scim-user-groups': scrubScimUserGroups,
  '0011-user-activated-at': userActivatedAt,
  '0012-user-sso-object-id': userSsoObjectId,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
