import { getConnection } from '../../store/connections.js';
import { getDirectoryUsers } from '../../store/directory.js';
import { directoryGroupFacts } from '../../store/directory-memberships.js';
import { chunks } from '../../store/statement-shapes.js';
import type { Change } from '../../sync/change.js';
import { GraphError } from './graph-error.js';
import { appRolesKey, graphUserChange, storedAppRoles } from './graph-user.js';
import { graphSettingsOf } from './graph-settings.js';
import { requiredPermissions } from './permissions.js';
import type { PullProgress, PullSession } from './pull-session.js';
import { pages } from './scoped-groups.js';

/**
 * Graph app role assignments: the roles users hold in the enterprise application Roster signs in
 * as. Entra keeps them on the application's service principal, not on the user, and users/delta
 * never reports them, so every pull (full or delta) reads them again:
 *
 * 1. `GET /servicePrincipals(appId='{clientId}')?$select=id,appRoles`: the app's own service
 *    principal and its app roles, id → value. A disabled role, or one without a value (the
 *    default access role), grants nothing.
 * 2. `GET /servicePrincipals/{id}/appRoleAssignedTo`, paged: principalType `User` grants the role
 *    to that user, `Group` to each direct member of the group ("All direct members of the group
 *    will be considered assigned"; members of nested groups are not), `ServicePrincipal` to no one.
 * 3. A group's direct members are the directory memberships the pull stores, current as of this
 *    run's groups round. An assigned group Roster does not store (outside a scoped pull's groups)
 *    is listed once per run (`/groups/{id}/members/microsoft.graph.user`): one request per such
 *    group, never one per user.
 *
 * Reading needs Application.Read.All (or Directory.Read.All). When it fails the pull keeps every
 * user's stored roles and records a warning: a missing permission never strips anyone's roles.
 */
export interface AppRoleAssignments {
  /** Role values assigned to users directly, by user id. */
  readonly users: ReadonlyMap<string, ReadonlySet<string>>;
  /** Role values assigned to groups, by group id. */
  readonly groups: ReadonlyMap<string, ReadonlySet<string>>;
  /** Direct user members of assigned groups the connection did not store when the assignments were read. */
  readonly unstoredGroupMembers: ReadonlyMap<string, readonly string[]>;
}

/** The role values each synced user should hold; undefined when this run does not know (stored ones stand). */
export interface AppRoleResolver {
  rolesOf(userId: string): readonly string[] | undefined;
  /** Drops what it holds once the rounds are done, before the roles are applied. */
  forget(): void;
}

interface AppRole {
  id?: unknown;
  value?: unknown;
  isEnabled?: unknown;
}

interface AppRoleAssignment {
  appRoleId?: unknown;
  principalId?: unknown;
  principalType?: unknown;
}

/** Reads the assignments, or returns null after recording a warning when Graph refuses. */
export async function readAppRoleAssignments(session: PullSession): Promise<AppRoleAssignments | null> {
  const { clientId } = graphSettingsOf(await getConnection(session.db, session.connectionId));
  try {
    const key = encodeURIComponent(clientId.replaceAll("'", "''"));
    const principal = await session.client.get<{ id?: unknown; appRoles?: unknown }>(
      `/servicePrincipals(appId='${key}')?$select=id,appRoles`,
    );
    if (typeof principal.id !== 'string') {
      throw new GraphError('upstream', 'Microsoft Graph returned a service principal without an id', {
        graphCode: 'malformed_service_principal',
      });
    }
    const values = appRoleValues(principal.appRoles);
    const users = new Map<string, Set<string>>();
    const groups = new Map<string, Set<string>>();
    for await (const assignment of pages<AppRoleAssignment>(
      session,
      `/servicePrincipals/${encodeURIComponent(principal.id)}/appRoleAssignedTo?$select=appRoleId,principalId,principalType&$top=999`,
    )) {
      const value = typeof assignment.appRoleId === 'string' ? values.get(assignment.appRoleId) : undefined;
      if (value === undefined || typeof assignment.principalId !== 'string') continue;
      const holders =
        assignment.principalType === 'User'
          ? users
          : assignment.principalType === 'Group'
            ? groups
            : undefined;
      if (holders === undefined) continue;
      const held = holders.get(assignment.principalId) ?? new Set<string>();
      held.add(value);
      holders.set(assignment.principalId, held);
    }
    const unstored = await unstoredGroups(session, [...groups.keys()]);
    const unstoredGroupMembers = new Map<string, string[]>();
    for (const groupId of unstored)
      unstoredGroupMembers.set(groupId, await directUserMembers(session, groupId));
    return { users, groups, unstoredGroupMembers };
  } catch (error) {
    if (!(error instanceof GraphError)) throw error;
    session.logger.warn(
      { connectionId: session.connectionId, graphCode: error.graphCode, httpStatus: error.httpStatus },
      'Graph app role assignments could not be read; roles left as they were',
    );
    session.warn({
      code: 'roles_unavailable',
      graphCode: error.graphCode,
      message: `App role assignments could not be read (${error.message}); every user's roles were left as they were.`,
      remedy:
        error.httpStatus === 403
          ? `Grant the application permission ${requiredPermissions.roles[0]} (or Directory.Read.All) with admin consent, or set the policy's roles.fromSource to false.`
          : 'The next sync reads the assignments again.',
    });
    return null;
  }
}

/** App role id → value, for the enabled roles that carry a value. */
function appRoleValues(appRoles: unknown): Map<string, string> {
  const values = new Map<string, string>();
  if (!Array.isArray(appRoles)) return values;
  for (const role of appRoles as AppRole[]) {
    if (role.isEnabled === false || typeof role.id !== 'string') continue;
    if (typeof role.value === 'string' && role.value.trim() !== '') values.set(role.id, role.value);
  }
  return values;
}

async function unstoredGroups(session: PullSession, groupIds: readonly string[]): Promise<string[]> {
  const stored = await storedGroupIds(session, groupIds);
  return groupIds.filter((id) => !stored.has(id));
}

async function storedGroupIds(session: PullSession, groupIds: readonly string[]): Promise<Set<string>> {
  return new Set(
    (await directoryGroupFacts(session.db, session.connectionId, groupIds)).map((group) => group.id),
  );
}

async function directUserMembers(session: PullSession, groupId: string): Promise<string[]> {
  const ids: string[] = [];
  try {
    for await (const user of pages<{ id: string }>(
      session,
      `/groups/${encodeURIComponent(groupId)}/members/microsoft.graph.user?$select=id&$top=999`,
    )) {
      ids.push(user.id);
    }
  } catch (error) {
    // An assignment can outlive its group for a while (replication): a group gone grants nothing.
    if (error instanceof GraphError && error.httpStatus === 404) return [];
    throw error;
  }
  return ids;
}

/**
 * The role values each user holds now: direct assignments, and those of the groups the user is a
 * direct member of, as the connection stores its memberships at this moment.
 */
export async function effectiveAppRoles(
  session: PullSession,
  assignments: AppRoleAssignments,
): Promise<Map<string, readonly string[]>> {
  // Users share a few role sets: each user points at one interned, sorted array, so 100,000 users
  // in an assigned group cost a map entry each, not a set each.
  const held = new Map<string, readonly string[]>();
  const interned = new Map<string, readonly string[]>();
  const grant = (userId: string, values: ReadonlySet<string> | undefined): void => {
    if (values === undefined) return;
    const current = held.get(userId) ?? [];
    const merged = [...new Set([...current, ...values])].sort();
    if (merged.length === current.length) return;
    const key = merged.join('\u0000');
    let shared = interned.get(key);
    if (shared === undefined) {
      shared = Object.freeze(merged);
      interned.set(key, shared);
    }
    held.set(userId, shared);
  };
  for (const [userId, values] of assignments.users) grant(userId, values);
  const groupIds = [...assignments.groups.keys()];
  const stored = await storedGroupIds(session, groupIds);
  for (const chunk of chunks([...stored])) {
    const rows = await session.db
      .selectFrom('directory_memberships')
      .select(['group_id', 'member_id'])
      .where('connection_id', '=', session.connectionId)
      .where('member_type', '=', 'user')
      .where('group_id', 'in', chunk)
      .execute();
    for (const row of rows) grant(row.member_id, assignments.groups.get(row.group_id));
  }
  for (const [groupId, members] of assignments.unstoredGroupMembers) {
    if (stored.has(groupId)) continue;
    for (const userId of members) grant(userId, assignments.groups.get(groupId));
  }
  return held;
}

/** What the users and groups rounds give each user they touch. */
export async function appRoleResolver(
  session: PullSession,
  assignments: AppRoleAssignments | null,
): Promise<AppRoleResolver> {
  if (assignments === null) return { rolesOf: () => undefined, forget: () => undefined };
  const effective = await effectiveAppRoles(session, assignments);
  return { rolesOf: (userId) => effective.get(userId) ?? [], forget: () => effective.clear() };
}

/** Stored users changed per transaction when assignments change. */
const batchSize = 500;

/**
 * After the users and groups rounds: every stored user whose assigned roles differ from what it
 * holds becomes a `user.upsert` of its stored object with the new roles, through the same road as
 * any other change (events, audit, counts). Only those users are touched: the ones holding roles
 * now, and the ones the assignments name.
 */
export async function applyAppRoleAssignments(
  session: PullSession,
  assignments: AppRoleAssignments,
  progress: PullProgress,
): Promise<void> {
  progress.phase = 'roles';
  const effective = await effectiveAppRoles(session, assignments);
  // Users holding roles now, found by the key their stored object carries (JSON.stringify writes
  // no spaces); only their ids are kept, so a tenant of any size costs a list of ids here.
  const holders = await session.db
    .selectFrom('directory_users')
    .select('id')
    .where('connection_id', '=', session.connectionId)
    .where('attributes', 'like', `%${JSON.stringify(appRolesKey)}:[%`)
    .execute();
  const candidates = [
    ...effective.keys(),
    ...holders.map((row) => row.id).filter((id) => !effective.has(id)),
  ];
  // A batch at a time, read, compared and applied: the stored objects of every user with a role
  // never sit in memory together (100,000 users in one assigned group would be 150 MB of them).
  for (const chunk of chunks(candidates, batchSize)) {
    const changes: Change[] = [];
    for (const row of await getDirectoryUsers(session.db, session.connectionId, chunk)) {
      const attributes = JSON.parse(row.attributes) as Record<string, unknown>;
      const next = effective.get(row.id) ?? [];
      if (!sameRoles(storedAppRoles(attributes), next))
        changes.push(graphUserChange({ id: row.id }, attributes, next));
    }
    if (changes.length === 0) continue;
    await session.checkpoint();
    await session.transaction(async (trx) => {
      await session.apply(trx, changes);
      await session.onPage(trx, progress);
    });
  }
}

function sameRoles(a: readonly string[], b: readonly string[]): boolean {
  const left = [...new Set(a)].sort();
  const right = [...new Set(b)].sort();
  return left.length === right.length && left.every((role, i) => role === right[i]);
}
