import type { ScopeFilter } from '../../domain/policy/evaluate-scope.js';
import type { GroupRef, Policy } from '../../domain/policy/policy.js';
import { RosterError } from '../../errors.js';
import type { GraphPage } from './graph-client.js';
import { GraphError } from './graph-error.js';
import type { PullSession } from './pull-session.js';

/** The groups a scoped pull reads: `scope`, whose members are the users; `all`, with those the policy names elsewhere. */
export interface ScopedGroups {
  readonly scope: readonly string[];
  readonly all: readonly string[];
}

/**
 * When the policy limits users to selected (or mapped) groups, the pull fetches only those groups
 * and their members, never the whole tenant. Groups the policy names elsewhere (mappings, role
 * rules, `memberOf` in the filter) are read too, for their memberships only: without them a
 * mapping or a role rule on another group would never apply to the users in scope. Groups named
 * by display name are looked up once per run; with `scope.nested`, the groups nested inside are
 * fetched too, so their memberships let policy flatten nesting. Returns null when the scope is
 * the whole tenant.
 */
export async function scopedGroupIds(session: PullSession): Promise<ScopedGroups | null> {
  const { scope, groups } = session.policy;
  let refs: readonly GroupRef[];
  if (scope.users === 'groups') refs = scope.groups;
  else if (scope.users === 'mappedGroups') refs = groups.mappings.map((mapping) => mapping.directoryGroup);
  else return null;
  const ids = new Set<string>();
  const missing: string[] = [];
  for (const ref of refs) {
    const found = await findGroupIds(session, ref);
    if (found.length === 0) missing.push(describe(ref));
    for (const id of found) ids.add(id);
  }
  if (refs.length > 0 && ids.size === 0) {
    // Read literally, a scope of groups none of which exists lets nobody in, and the run would
    // deactivate everyone: a typo in a name must not do that.
    const field = scope.users === 'groups' ? 'scope.groups' : 'groups.mappings';
    throw new RosterError(
      'invalid_input',
      `None of the groups the policy's scope names exists in the directory (${missing.join(', ')}); ` +
        `nothing was changed. Correct them in the policy's ${field}.`,
      { field },
    );
  }
  if (missing.length > 0) {
    session.warn({
      code: 'scope_group_not_found',
      message: `The policy's scope names groups the directory does not have: ${missing.join(', ')}.`,
      remedy: 'Correct or remove them in the policy; their former members leave as the lifecycle says.',
    });
  }
  const named = new Set<string>();
  const namedMissing: string[] = [];
  for (const ref of groupsPolicyNames(session.policy)) {
    if ('id' in ref ? ids.has(ref.id) : refs.some((r) => 'name' in r && sameName(r.name, ref.name))) continue;
    const found = await findGroupIds(session, ref);
    if (found.length === 0) namedMissing.push(describe(ref));
    for (const id of found) if (!ids.has(id)) named.add(id);
  }
  if (namedMissing.length > 0) {
    session.warn({
      code: 'policy_group_not_found',
      message:
        `The policy's group mappings, role rules or scope filter name groups the directory does not ` +
        `have: ${namedMissing.join(', ')}.`,
      remedy: 'Correct or remove them in the policy.',
    });
  }
  if (scope.nested) {
    await addNestedGroups(session, ids);
    await addNestedGroups(session, named);
  }
  const all = new Set([...ids, ...named]);
  return { scope: [...ids].sort(), all: [...all].sort() };
}

/**
 * Adds the groups nested (at any depth) inside the given ones. A Microsoft 365 group cannot contain
 * groups, and Graph answers the group cast on one with 400 Request_UnsupportedQuery
 * (group-list-transitivemembers): for such a group that means "none nested", not a failed run.
 */
async function addNestedGroups(session: PullSession, ids: Set<string>): Promise<void> {
  for (const id of [...ids]) {
    try {
      for await (const group of pages<{ id: string }>(
        session,
        `/groups/${id}/transitiveMembers/microsoft.graph.group?$select=id`,
      )) {
        ids.add(group.id);
      }
    } catch (error) {
      if (!(
        error instanceof GraphError &&
        error.httpStatus === 400 &&
        error.graphCode === 'Request_UnsupportedQuery'
      ))
        throw error;
    }
  }
}

/** Groups the policy names outside its scope: mapped ones, role rules' and the filter's `memberOf`. */
export function groupsPolicyNames(policy: Policy): GroupRef[] {
  const refs: GroupRef[] = [
    ...policy.groups.mappings.map((mapping) => mapping.directoryGroup),
    ...policy.roles.rules.map((rule) => rule.group),
  ];
  const visit = (filter: ScopeFilter): void => {
    if ('and' in filter) filter.and.forEach(visit);
    else if ('or' in filter) filter.or.forEach(visit);
    else if ('not' in filter) visit(filter.not);
    else if ('memberOf' in filter) refs.push(filter.memberOf);
  };
  if (policy.scope.filter !== null) visit(policy.scope.filter);
  const seen = new Set<string>();
  return refs.filter((ref) => {
    const key = 'id' in ref ? `id:${ref.id}` : `name:${ref.name.trim().toLowerCase()}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function sameName(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}

function describe(ref: GroupRef): string {
  return 'id' in ref ? `id ${ref.id}` : `"${ref.name}"`;
}

/** The directory's groups a reference names: by id (if it exists), or every group of that name. */
async function findGroupIds(session: PullSession, ref: GroupRef): Promise<string[]> {
  if ('id' in ref) {
    try {
      await session.client.get(`/groups/${encodeURIComponent(ref.id)}?$select=id`);
      return [ref.id];
    } catch (error) {
      if (error instanceof GraphError && error.httpStatus === 404) return [];
      throw error;
    }
  }
  const filter = encodeURIComponent(`displayName eq '${ref.name.replaceAll("'", "''")}'`);
  const page = await session.client.get<GraphPage<{ id: string }>>(`/groups?$filter=${filter}&$select=id`);
  return page.value.map((group) => group.id);
}

/** Follows `@odata.nextLink` through a collection. */
export async function* pages<T>(session: PullSession, url: string): AsyncGenerator<T> {
  let next: string | undefined = url;
  while (next !== undefined) {
    const page: GraphPage<T> = await session.client.get<GraphPage<T>>(next);
    yield* page.value;
    next = page['@odata.nextLink'];
  }
}
