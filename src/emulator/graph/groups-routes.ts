/**
 * Graph v1.0 group reads: "List groups", "Get group", "List group members" and "List group
 * transitive members" (with `@odata.type` on each member, optional OData casts
 * `/microsoft.graph.user` and `/microsoft.graph.group`, and the `$count` segment), `/groups/$count`.
 */
import type { RequestContext } from '../http-io.js';
import type { EmulatorRuntime } from '../runtime.js';
import {
  codesSource,
  groupItem,
  groupsSource,
  renderItem,
  transitiveMemberCodes,
  type Cast,
} from './directory-objects.js';
import { graphErrors } from './graph-error.js';
import { contextUrl, selectFragment, sendGraphJson, sendListPage } from './graph-response.js';
import { parseQuery, parseSelect, queryOption } from './odata-query.js';
import { directoryObjectSpec, groupSpec, userSpec } from './resource-shapes.js';
import { sendCount } from './users-routes.js';

export function requireGroupIndex(rt: EmulatorRuntime, id: string): number {
  const index = rt.store.groups.indexOf(id);
  if (index < 0 || !rt.store.groups.isActive(index)) throw graphErrors.notFound(id);
  return index;
}

export function listGroups(ctx: RequestContext, rt: EmulatorRuntime): void {
  const query = parseQuery(ctx.url, ctx.req, groupSpec);
  if (query.expand !== null)
    throw graphErrors.badRequest('$expand is not supported on this collection by the emulator.');
  sendListPage(
    rt,
    ctx,
    query,
    groupsSource(rt, { select: query.select, typed: false }),
    selectFragment('groups', query.select),
  );
}

export function countGroups(ctx: RequestContext, rt: EmulatorRuntime): void {
  const query = parseQuery(ctx.url, ctx.req, groupSpec);
  sendCount(ctx, query, groupsSource(rt, { select: null, typed: false }));
}

export function getGroup(ctx: RequestContext, rt: EmulatorRuntime, id: string): void {
  const index = requireGroupIndex(rt, id);
  const select = parseSelect(queryOption(ctx.url.searchParams, 'select'), groupSpec, false);
  sendGraphJson(ctx, 200, {
    '@odata.context': contextUrl(ctx, `${selectFragment('groups', select)}/$entity`),
    ...renderItem(rt, groupItem(rt, index)!, { select, typed: false }),
  });
}

export function listGroupMembers(
  ctx: RequestContext,
  rt: EmulatorRuntime,
  id: string,
  transitive: boolean,
  cast: Cast,
  countSegment: boolean,
): void {
  const index = requireGroupIndex(rt, id);
  // group-list-members, group-list-transitivemembers: "An attempt to filter by an OData cast that
  // represents an unsupported member type returns a 400 Bad Request error with the
  // Request_UnsupportedQuery code", e.g. a group cast on a Microsoft 365 group, which cannot
  // contain groups.
  if (cast === 'group' && rt.store.groups.record(index).groupTypes.includes('Unified'))
    throw graphErrors.unsupportedQuery();
  const codes = transitive ? transitiveMemberCodes(rt, index) : rt.store.memberships.members(index);
  const resource = cast === 'group' ? groupSpec : cast === 'user' ? userSpec : directoryObjectSpec;
  const query = parseQuery(ctx.url, ctx.req, resource);
  const source = codesSource(rt, codes, cast, { select: query.select, typed: true });
  if (countSegment) return sendCount(ctx, query, source);
  const fragment =
    cast === null ? 'directoryObjects' : selectFragment(cast === 'user' ? 'users' : 'groups', query.select);
  sendListPage(rt, ctx, query, source, fragment);
}
