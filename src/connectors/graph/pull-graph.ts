import { groupsHandler } from './pull-groups.js';
import { pullResource } from './pull-resource.js';
import { pullScopedUsers } from './pull-scoped-users.js';
import type { PullProgress, PullSession } from './pull-session.js';
import { usersHandler } from './pull-users.js';
import { scopedGroupIds } from './scoped-groups.js';

/**
 * A Graph pull: users first, then groups, so every member a group names is already known to the
 * platform when its membership arrives. Each resource keeps its own delta position. A scope of
 * selected groups fetches only those groups (a filtered `groups/delta`) and their members.
 */
export async function pullGraph(
  session: PullSession,
  options: { full: boolean; previousScopeKey?: string | undefined },
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
  progress.scopeKey = groupIds === null ? 'all' : groupIds.join(',');
  // A changed scope makes the stored deltaLinks (bound to the old filter) useless: start over.
  const scopeChanged =
    options.previousScopeKey !== undefined && options.previousScopeKey !== progress.scopeKey;
  if (groupIds === null) {
    // Back from selected groups to the whole tenant: the users outside those groups were not
    // followed meanwhile, and the stored deltaLinks predate the change, so both rounds start over.
    const rounds = { full: options.full || scopeChanged };
    await pullResource(session, usersHandler(session), rounds, progress);
    await pullResource(session, groupsHandler(session), rounds, progress);
  } else if (groupIds.length > 0) {
    await pullScopedUsers(session, groupIds, progress);
    await pullResource(
      session,
      groupsHandler(session, groupIds),
      { full: options.full || scopeChanged },
      progress,
    );
  }
  progress.phase = 'done';
  return progress;
}
