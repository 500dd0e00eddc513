/**
 * Directory objects as Graph renders them, and the collections that list them. Collections of
 * the abstract `directoryObject` (members, memberOf, manager) tag each item with `@odata.type`
 * (`#microsoft.graph.user`, `#microsoft.graph.group`), as Graph does; OData casts
 * (`/members/microsoft.graph.user`) narrow them to one type.
 */
import { indexOfCode, isGroupCode, userCode } from '../directory-types.js';
import type { EmulatorRuntime } from '../runtime.js';
import type { Listed, ListSource } from './graph-response.js';
import { groupSpec, project, selectedProperties, userSpec, type ResourceSpec } from './resource-shapes.js';

export type Cast = 'user' | 'group' | null;

export const odataType = (resource: ResourceSpec): string => `#${resource.type}`;

export function userItem(rt: EmulatorRuntime, index: number): Listed | null {
  return rt.store.users.isActive(index) ? { resource: userSpec, record: rt.store.users.record(index) } : null;
}

export function groupItem(rt: EmulatorRuntime, index: number): Listed | null {
  return rt.store.groups.isActive(index)
    ? { resource: groupSpec, record: rt.store.groups.record(index) }
    : null;
}

export function codeItem(rt: EmulatorRuntime, code: number): Listed | null {
  return isGroupCode(code) ? groupItem(rt, indexOfCode(code)) : userItem(rt, indexOfCode(code));
}

export interface RenderOptions {
  select: readonly string[] | null;
  /** Add `@odata.type` (directoryObject collections). */
  typed: boolean;
  /** `$expand=manager` on users: the manager's selected properties. */
  expandManager?: { select: readonly string[] | null } | null;
}

export function renderItem(
  rt: EmulatorRuntime,
  item: Listed,
  options: RenderOptions,
): Record<string, unknown> {
  // Built in place rather than spread: this runs for every object of every page.
  const out: Record<string, unknown> = options.typed ? { '@odata.type': odataType(item.resource) } : {};
  project(item.resource, item.record, selectedProperties(item.resource, options.select), out);
  if (options.expandManager && item.resource === userSpec) {
    const userIndex = rt.store.users.indexOf((item.record as { id: string }).id);
    const manager = rt.store.managerOf(userIndex);
    const managerItem = manager >= 0 ? userItem(rt, manager) : null;
    if (managerItem !== null) {
      out.manager = renderItem(rt, managerItem, { select: options.expandManager.select, typed: true });
    }
  }
  return out;
}

export function usersSource(rt: EmulatorRuntime, options: RenderOptions): ListSource {
  return {
    size: rt.store.users.size,
    at: (i) => userItem(rt, i),
    render: (item) => renderItem(rt, item, options),
  };
}

export function groupsSource(rt: EmulatorRuntime, options: RenderOptions): ListSource {
  return {
    size: rt.store.groups.size,
    at: (j) => groupItem(rt, j),
    render: (item) => renderItem(rt, item, options),
  };
}

/** A collection of member codes (members, transitiveMembers), optionally cast to one type. */
export function codesSource(
  rt: EmulatorRuntime,
  codes: ArrayLike<number>,
  cast: Cast,
  options: RenderOptions,
): ListSource {
  const itemOptions: RenderOptions = { ...options, typed: cast === null };
  return {
    size: codes.length,
    at: (p) => {
      const code = codes[p];
      if (code === undefined) return null;
      if (cast === 'user' && isGroupCode(code)) return null;
      if (cast === 'group' && !isGroupCode(code)) return null;
      return codeItem(rt, code);
    },
    render: (item) => renderItem(rt, item, itemOptions),
  };
}

/**
 * All members of a group, nested groups resolved: users and the nested groups themselves, each
 * once ("List group transitive members"). Cached until any membership changes.
 */
const transitiveCache = new WeakMap<EmulatorRuntime, { version: number; byGroup: Map<number, Int32Array> }>();

export function transitiveMemberCodes(rt: EmulatorRuntime, group: number): Int32Array {
  const version = rt.store.memberships.version;
  let cache = transitiveCache.get(rt);
  if (!cache || cache.version !== version) transitiveCache.set(rt, (cache = { version, byGroup: new Map() }));
  const cached = cache.byGroup.get(group);
  if (cached) return cached;
  const seen = new Set<number>();
  const pending = [group];
  const visitedGroups = new Set<number>([group]);
  while (pending.length > 0) {
    const g = pending.pop()!;
    for (const code of rt.store.memberships.members(g)) {
      if (isGroupCode(code)) {
        const nested = indexOfCode(code);
        if (!rt.store.groups.isActive(nested)) continue;
        seen.add(code);
        if (!visitedGroups.has(nested)) {
          visitedGroups.add(nested);
          pending.push(nested);
        }
      } else if (rt.store.users.isActive(code)) {
        seen.add(code);
      }
    }
  }
  const result = Int32Array.from(seen).sort();
  cache.byGroup.set(group, result);
  return result;
}

/** Groups that contain the object directly or through nesting (transitiveMemberOf). */
export function transitiveGroupsOf(rt: EmulatorRuntime, code: number): number[] {
  const found = new Set<number>();
  const pending = [code];
  while (pending.length > 0) {
    const current = pending.pop()!;
    for (const g of rt.store.memberships.groupsOf(current)) {
      if (!rt.store.groups.isActive(g) || found.has(g)) continue;
      found.add(g);
      pending.push(-(g + 1));
    }
  }
  return [...found].sort((a, b) => a - b);
}

export const directGroupsOfUser = (rt: EmulatorRuntime, user: number): number[] =>
  rt.store.memberships.groupsOf(userCode(user)).filter((g) => rt.store.groups.isActive(g));
