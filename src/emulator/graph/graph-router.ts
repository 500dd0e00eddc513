/**
 * Microsoft Graph v1.0 (also answered under `/beta`): the read APIs a directory sync uses.
 *
 *   GET /users  /users/$count  /users/{id|upn}  /users/{id}/manager
 *   GET /users/{id}/memberOf[/microsoft.graph.group]  /users/{id}/transitiveMemberOf[…]
 *   GET /users/delta  /groups/delta  (also `delta()`, `microsoft.graph.delta()`)
 *   GET /groups  /groups/$count  /groups/{id}
 *   GET /groups/{id}/members[/microsoft.graph.user|group][/$count]  …/transitiveMembers[…]
 *   GET /servicePrincipals[?$filter=appId eq '…']  /servicePrincipals/{id}  /servicePrincipals(appId='…')
 *   GET /servicePrincipals/{id}/appRoleAssignedTo   GET /organization   GET /me (delegated)
 *
 * Order of checks, as Graph: token (401) → route (400 unknown segment, 405 method) → throttling
 * (429) → permission (403) → handler. Every response carries `x-ms-resource-unit`, the request's
 * cost in the identity throttling model (GET users 2, members 3, transitiveMembers 5, other 1;
 * `$select` −1, `$expand` +1, `$top` under 20 −1; at least 1).
 */
import type { RequestContext } from '../http-io.js';
import type { EmulatorRuntime } from '../runtime.js';
import type { Cast } from './directory-objects.js';
import {
  authenticateGraphCaller,
  permissionsFor,
  requirePermission,
  type GraphCaller,
} from './graph-auth.js';
import { graphErrors } from './graph-error.js';
import { countGroups, getGroup, listGroupMembers, listGroups } from './groups-routes.js';
import { groupsDelta } from './groups-delta.js';
import { queryOption } from './odata-query.js';
import {
  getOrganization,
  getServicePrincipal,
  isOwnServicePrincipal,
  listAppRoleAssignedTo,
  listServicePrincipals,
} from './service-principals.js';
import { usersDelta } from './users-delta.js';
import { countUsers, getManager, getMe, getUser, listUserMemberOf, listUsers } from './users-routes.js';

interface Route {
  permissions: readonly string[];
  /** A caller this route answers without any of `permissions` (an app reading its own service principal). */
  exempt?: (caller: GraphCaller, rt: EmulatorRuntime) => boolean;
  baseCost: number;
  run(ctx: RequestContext, rt: EmulatorRuntime, caller: GraphCaller): void;
}

const isDelta = (s: string | undefined): boolean =>
  s !== undefined && /^(microsoft\.graph\.)?delta(\(\))?$/i.test(s);

function castOf(segment: string | undefined): Cast | undefined {
  if (segment === undefined) return null;
  const lower = segment.toLowerCase();
  if (lower === 'microsoft.graph.user') return 'user';
  if (lower === 'microsoft.graph.group') return 'group';
  return undefined;
}

/** `[cast][/$count]` after a relationship segment; undefined when the rest is not that. */
function castAndCount(rest: string[]): { cast: Cast; count: boolean } | undefined {
  const count = rest.at(-1) === '$count';
  const body = count ? rest.slice(0, -1) : rest;
  if (body.length > 1) return undefined;
  const cast = castOf(body[0]);
  return cast === undefined ? undefined : { cast, count };
}

function matchRoute(segments: string[]): Route {
  const [first = '', second, third, ...rest] = segments;
  const head = first.toLowerCase();
  const unknown = (): never => {
    throw graphErrors.segmentNotFound(segments.find((s, i) => i > 0 && s !== '') ?? first);
  };
  if (head === 'users') {
    const users = permissionsFor.users;
    if (second === undefined) return { permissions: users, baseCost: 2, run: (c, r) => listUsers(c, r) };
    if (second === '$count' && third === undefined)
      return { permissions: users, baseCost: 1, run: (c, r) => countUsers(c, r) };
    if (isDelta(second) && third === undefined)
      return { permissions: users, baseCost: 1, run: (c, r) => usersDelta(c, r) };
    if (third === undefined) return { permissions: users, baseCost: 1, run: (c, r) => getUser(c, r, second) };
    const relation = third.toLowerCase();
    if (relation === 'manager' && rest.length === 0) {
      return { permissions: users, baseCost: 1, run: (c, r) => getManager(c, r, second) };
    }
    const tail = castAndCount(rest);
    if ((relation === 'memberof' || relation === 'transitivememberof') && tail) {
      return {
        permissions: users,
        baseCost: relation === 'memberof' ? 1 : 5,
        run: (c, r) =>
          listUserMemberOf(c, r, second, relation === 'transitivememberof', tail.cast, tail.count),
      };
    }
    return unknown();
  }
  if (head === 'groups') {
    const groups = permissionsFor.groups;
    if (second === undefined) return { permissions: groups, baseCost: 1, run: (c, r) => listGroups(c, r) };
    if (second === '$count' && third === undefined)
      return { permissions: groups, baseCost: 1, run: (c, r) => countGroups(c, r) };
    if (isDelta(second) && third === undefined)
      return { permissions: groups, baseCost: 1, run: (c, r) => groupsDelta(c, r) };
    if (third === undefined)
      return { permissions: groups, baseCost: 1, run: (c, r) => getGroup(c, r, second) };
    const relation = third.toLowerCase();
    const tail = castAndCount(rest);
    if ((relation === 'members' || relation === 'transitivemembers') && tail) {
      const transitive = relation === 'transitivemembers';
      return {
        permissions: groups,
        baseCost: transitive ? 5 : 3,
        run: (c, r) => listGroupMembers(c, r, second, transitive, tail.cast, tail.count),
      };
    }
    return unknown();
  }
  const alternateKey = /^serviceprincipals(\(.*\))$/i.exec(first);
  if (head === 'serviceprincipals' || alternateKey) {
    const apps = permissionsFor.applications;
    const key = alternateKey?.[1] ?? second;
    const relation = alternateKey ? second : third;
    if (key === undefined)
      return { permissions: apps, baseCost: 1, run: (c, r) => listServicePrincipals(c, r) };
    if (relation === undefined) {
      // "A service principal can retrieve its own application and service principal details
      // without being granted any application permissions" (Get servicePrincipal).
      return {
        permissions: apps,
        exempt: (caller, r) => isOwnServicePrincipal(r, key, caller.appId),
        baseCost: 1,
        run: (c, r) => getServicePrincipal(c, r, key),
      };
    }
    if (relation.toLowerCase() === 'approleassignedto') {
      return { permissions: apps, baseCost: 1, run: (c, r) => listAppRoleAssignedTo(c, r, key) };
    }
    return unknown();
  }
  if (head === 'organization' && second === undefined) {
    return { permissions: permissionsFor.organization, baseCost: 1, run: (c, r) => getOrganization(c, r) };
  }
  if (head === 'me' && second === undefined) {
    return { permissions: permissionsFor.me, baseCost: 1, run: (c, r, caller) => getMe(c, r, caller.oid) };
  }
  return unknown();
}

export function resourceUnits(route: Route, url: URL): number {
  let cost = route.baseCost;
  if (queryOption(url.searchParams, 'select') !== null) cost -= 1;
  if (queryOption(url.searchParams, 'expand') !== null) cost += 1;
  const top = Number(queryOption(url.searchParams, 'top') ?? 'NaN');
  if (top < 20) cost -= 1;
  return Math.max(1, cost);
}

/** Facts the server logs about a Graph request once it is done. */
export interface GraphRequestNote {
  appId: string | null;
}

export async function handleGraphRequest(
  ctx: RequestContext,
  rt: EmulatorRuntime,
  note: GraphRequestNote,
): Promise<void> {
  const caller = await authenticateGraphCaller(ctx, rt);
  note.appId = caller.appId;
  const segments = ctx.url.pathname
    .split('/')
    .slice(2)
    .filter((s) => s !== '')
    .map((s) => decodeURIComponent(s));
  const route = matchRoute(segments);
  if (ctx.method !== 'GET') throw graphErrors.methodNotAllowed();
  const cost = resourceUnits(route, ctx.url);
  ctx.res.setHeader('x-ms-resource-unit', String(cost));
  const decision = rt.throttle.charge(caller.appId, rt.tenantId, cost, rt.now().getTime());
  for (const [name, value] of Object.entries(decision.headers)) ctx.res.setHeader(name, value);
  if (!decision.allowed) throw graphErrors.throttled(decision.retryAfterSeconds, decision.headers);
  if (!route.exempt?.(caller, rt)) requirePermission(caller, route.permissions);
  route.run(ctx, rt, caller);
}
