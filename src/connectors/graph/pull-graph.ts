import { groupsHandler } from './pull-groups.js';
import { pullResource } from './pull-resource.js';
import type { PullProgress, PullSession } from './pull-session.js';
import { usersHandler } from './pull-users.js';

/**
 * A Graph pull: users first, then groups, so every member a group names is already known to the
 * platform when its membership arrives. Each resource keeps its own delta position.
 */
export async function pullGraph(session: PullSession, options: { full: boolean }): Promise<PullProgress> {
  const progress: PullProgress = {
    phase: 'users',
    rounds: {},
    pages: 0,
    usersSeen: 0,
    groupsSeen: 0,
    resynced: [],
  };
  await pullResource(session, usersHandler(session), options, progress);
  await pullResource(session, groupsHandler(session), options, progress);
  progress.phase = 'done';
  return progress;
}
