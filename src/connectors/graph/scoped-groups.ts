import type { GroupRef } from '../../domain/policy/policy.js';
import type { GraphPage } from './graph-client.js';
import type { PullSession } from './pull-session.js';

/**
 * When the policy limits users to selected (or mapped) groups, the pull fetches only those groups
 * and their members, never the whole tenant. Groups named by display name are looked up once per
 * run; with `scope.nested`, the groups nested inside are fetched too, so their memberships let
 * policy flatten nesting. Returns null when the scope is the whole tenant.
 */
export async function scopedGroupIds(session: PullSession): Promise<string[] | null> {
  const { scope, groups } = session.policy;
  let refs: readonly GroupRef[];
  if (scope.users === 'groups') refs = scope.groups;
  else if (scope.users === 'mappedGroups') refs = groups.mappings.map((mapping) => mapping.directoryGroup);
  else return null;
  const ids = new Set<string>();
  for (const ref of refs) {
    if ('id' in ref) {
      ids.add(ref.id);
      continue;
    }
    const filter = encodeURIComponent(`displayName eq '${ref.name.replaceAll("'", "''")}'`);
    const page = await session.client.get<GraphPage<{ id: string }>>(`/groups?$filter=${filter}&$select=id`);
    for (const group of page.value) ids.add(group.id);
  }
  if (scope.nested) {
    for (const id of [...ids]) {
      for await (const group of pages<{ id: string }>(
        session,
        `/groups/${id}/transitiveMembers/microsoft.graph.group?$select=id`,
      )) {
        ids.add(group.id);
      }
    }
  }
  return [...ids].sort();
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
