import { policyReadsGroups } from '../domain/policy/evaluate-scope.js';
import type { DirectoryGroupFacts } from '../domain/policy/policy.js';
import { directoryGroupFacts, membersOfGroups, parentGroupIds } from '../store/directory-memberships.js';
import type { ApplyContext } from './context.js';

/** Nesting deeper than this is not followed: a bound keeps a cycle in imported data from looping. */
const maxDepth = 32;

/**
 * The directory groups policy sees for a user: direct ones, and with `scope.nested` every group
 * above them. Loaded only when the policy reads groups, so the plain "all users" path costs nothing.
 */
export async function loadUserGroups(
  ctx: ApplyContext,
  directoryUserId: string,
): Promise<DirectoryGroupFacts[]> {
  if (!policyReadsGroups(ctx.policy)) return [];
  const seen = new Set<string>(await parentGroupIds(ctx.trx, ctx.connectionId, [directoryUserId]));
  if (ctx.policy.scope.nested) {
    let frontier = [...seen];
    for (let depth = 0; frontier.length > 0 && depth < maxDepth; depth += 1) {
      const parents = await parentGroupIds(ctx.trx, ctx.connectionId, frontier);
      frontier = parents.filter((id) => !seen.has(id));
      for (const id of frontier) seen.add(id);
    }
  }
  return directoryGroupFacts(ctx.trx, ctx.connectionId, [...seen]);
}

/**
 * The directory users a membership change of these members affects: user members themselves,
 * and with nested scope every user below a group member.
 */
export async function affectedUsers(
  ctx: ApplyContext,
  members: readonly { id: string; type: 'user' | 'group' }[],
): Promise<string[]> {
  const users = new Set(members.filter((member) => member.type === 'user').map((member) => member.id));
  if (!ctx.policy.scope.nested) return [...users];
  const seenGroups = new Set(members.filter((member) => member.type === 'group').map((member) => member.id));
  let frontier = [...seenGroups];
  for (let depth = 0; frontier.length > 0 && depth < maxDepth; depth += 1) {
    const rows = await membersOfGroups(ctx.trx, ctx.connectionId, frontier);
    frontier = [];
    for (const row of rows) {
      if (row.member_type === 'user') users.add(row.member_id);
      else if (!seenGroups.has(row.member_id)) {
        seenGroups.add(row.member_id);
        frontier.push(row.member_id);
      }
    }
  }
  return [...users];
}
