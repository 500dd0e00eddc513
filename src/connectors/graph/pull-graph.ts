import { appRoleResolver, applyAppRoleAssignments, readAppRoleAssignments } from './app-role-assignments.js';
import { userSelect } from './graph-user.js';
import { groupsHandler } from './pull-groups.js';
import { pullResource } from './pull-resource.js';
import { pullScopedUsers } from './pull-scoped-users.js';
import type { PullProgress, PullSession } from './pull-session.js';
import { usersHandler } from './pull-users.js';
import { scopedGroupIds } from './scoped-groups.js';

/**
 * A Graph pull of the whole tenant: users first, then groups, so every member a group names is
 * already known to the platform when its membership arrives (a scoped pull goes the other way). Each resource keeps its own delta position. A scope of
 * selected groups fetches only those groups (a filtered `groups/delta`) and their members.
 *
 * With `roles.fromSource`, the app role assignments are read first, so users the rounds create
 * or change get their roles at once; after the groups round, users whose assigned roles changed
 * (delta rounds never report assignments) are updated. If they cannot be read, nobody's roles change.
 */
export async function pullGraph(
  session: PullSession,
  options: { full: boolean; previousScopeKey?: string | undefined; previousSelectKey?: string | undefined },
): Promise<PullProgress> {
  const progress: PullProgress = {
    phase: 'users',
    rounds: {},
    pages: 0,
    usersSeen: 0,
    groupsSeen: 0,
    resynced: [],
  };
  const groupIds = await scopedGroupIds(session);
  progress.scopeKey = groupIds === null ? 'all' : groupIds.all.join(',');
  // A changed scope makes the stored deltaLinks (bound to the old filter) useless: start over.
  const scopeChanged =
    options.previousScopeKey !== undefined && options.previousScopeKey !== progress.scopeKey;
  // A deltaLink keeps the `$select` it began with: a mapping that reads another property must
  // read every user again, or users who do not change in Entra would never get its value.
  progress.selectKey = userSelect(session.policy.attributeMapping).join(',');
  const selectChanged =
    options.previousSelectKey !== undefined && options.previousSelectKey !== progress.selectKey;
  const assignments = session.policy.roles.fromSource ? await readAppRoleAssignments(session) : null;
  const roles = await appRoleResolver(session, assignments);
  if (groupIds === null) {
    // Back from selected groups to the whole tenant: the users outside those groups were not
    // followed meanwhile, and the stored deltaLinks predate the change, so both rounds start over.
    const rounds = { full: options.full || scopeChanged };
    await pullResource(
      session,
      usersHandler(session, roles),
      { full: rounds.full || selectChanged },
      progress,
    );
    await pullResource(session, groupsHandler(session, roles), rounds, progress);
  } else if (groupIds.scope.length > 0) {
    // Groups first here: scope is decided from memberships, so the groups in scope (and, after a
    // scope change, the sweep of those that left it) must be stored before their members are
    // decided. Users first deactivated everyone the new groups bring, and reactivated them a
    // moment later. A membership may name a user not stored yet; the user joins on arrival.
    await pullResource(
      session,
      groupsHandler(session, roles, groupIds.all, groupIds.scope),
      { full: options.full || scopeChanged },
      progress,
    );
    await pullScopedUsers(session, groupIds.scope, progress, roles);
  }
  roles.forget();
  if (assignments !== null) await applyAppRoleAssignments(session, assignments, progress);
  progress.phase = 'done';
  return progress;
}
