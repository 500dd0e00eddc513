import {
  findDirectoryGroups,
  maxDirectoryGroupIds,
  searchDirectoryGroups,
  type Connection,
} from '../api/connections';
import { getGroup } from '../api/people';
import type { GroupNames } from './directory-group-picker';

/**
 * Names for the directory groups a policy names by id (mappings, role rules, scope groups), so a
 * page opened later reads "Roster Admins", not "group 19cc25e3…". The ids are the directory's own:
 * a SCIM resource id (what Entra pushed), the Entra object id a SCIM group carries as externalId, or
 * a Graph object id. They are found
 *
 * 1. among the connection's stored directory groups, by either id (`…/directory-groups?ids=`): every
 *    group Entra has pushed, or a Graph sync has read;
 * 2. on Graph, before the first sync stores any, through the tenant's group search, asked for the
 *    names the policy itself suggests: a mapping's platform group is named after its directory
 *    group unless the admin renamed it.
 *
 * A group found by neither keeps its short id.
 */
type Json = Record<string, unknown>;

const maxSearches = 10;

const obj = (value: unknown): Json => (value !== null && typeof value === 'object' ? (value as Json) : {});
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const idOf = (ref: unknown): string | undefined => {
  const id = obj(ref).id;
  return typeof id === 'string' ? id : undefined;
};

/** The directory group ids the policy names, without duplicates, sorted (a stable key). */
export function directoryGroupIds(policy: Json | undefined): string[] {
  if (!policy) return [];
  const refs = [
    ...list(obj(policy.groups).mappings).map((m) => obj(m).directoryGroup),
    ...list(obj(policy.roles).rules).map((r) => obj(r).group),
    ...list(obj(policy.scope).groups),
  ];
  return [...new Set(refs.map(idOf).filter((id): id is string => id !== undefined))].sort();
}

/** Names the policy suggests for its directory groups: the platform groups its mappings target. */
async function suggestedNames(policy: Json): Promise<string[]> {
  const names = await Promise.all(
    list(obj(policy.groups).mappings).map(async (m) => {
      const target = obj(obj(m).platformGroup);
      if (typeof target.create === 'string') return target.create;
      if (typeof target.id === 'string')
        return getGroup(target.id).then(
          (group) => group.displayName,
          () => undefined,
        );
      return undefined;
    }),
  );
  return [...new Set(names.filter((name): name is string => name !== undefined && name.trim() !== ''))];
}

export async function resolveDirectoryGroupNames(
  connection: Pick<Connection, 'id' | 'kind'>,
  policy: Json,
  ids: readonly string[],
): Promise<GroupNames> {
  const found = new Map<string, string>();
  const missing = new Set(ids);
  if (missing.size === 0) return found;
  const take = (id: string, name: string) => {
    if (!missing.has(id)) return;
    found.set(id, name);
    missing.delete(id);
  };
  for (let start = 0; start < ids.length; start += maxDirectoryGroupIds) {
    const stored = await findDirectoryGroups(connection.id, ids.slice(start, start + maxDirectoryGroupIds));
    for (const group of stored.data) take(group.id, group.displayName);
  }
  if (connection.kind !== 'graph' || missing.size === 0) return found;
  for (const name of (await suggestedNames(policy)).slice(0, maxSearches)) {
    if (missing.size === 0) break;
    // A failed search (Graph unreachable, consent missing) leaves the short ids; the page still works.
    const hits = await searchDirectoryGroups(connection.id, name).catch(() => ({ data: [] }));
    for (const hit of hits.data) take(hit.id, hit.displayName);
  }
  return found;
}
