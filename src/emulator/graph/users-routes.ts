/**
 * Graph v1.0 user reads: "List users", "Get user" (by id or userPrincipalName), "List manager",
 * "List memberOf" / "List transitiveMemberOf", `/me` for delegated tokens, and `/users/$count`.
 * `$expand=manager` (optionally `manager($select=…)`) is supported on list and get.
 */
import type { RequestContext } from '../http-io.js';
import { sendJson } from '../http-io.js';
import type { EmulatorRuntime } from '../runtime.js';
import { groupCode, userCode } from '../directory-types.js';
import {
  codesSource,
  directGroupsOfUser,
  renderItem,
  transitiveGroupsOf,
  userItem,
  usersSource,
  type Cast,
  type RenderOptions,
} from './directory-objects.js';
import { graphErrors } from './graph-error.js';
import {
  contextUrl,
  selectFragment,
  sendGraphJson,
  sendListPage,
  type ListSource,
} from './graph-response.js';
import { isEventual, parseQuery, parseSelect, queryOption, type ODataQuery } from './odata-query.js';
import { evaluateFilter } from './filter-evaluate.js';
import { matchesSearch } from './odata-search.js';
import { groupSpec, userSpec } from './resource-shapes.js';

/** `manager` or `manager($select=id,displayName)`; anything else is not a user relationship here. */
function parseExpandManager(expand: string | null): RenderOptions['expandManager'] {
  if (expand === null || expand.trim() === '') return null;
  const match = /^manager(?:\(\s*\$?select=([^)]*)\))?$/i.exec(expand.trim());
  if (!match)
    throw graphErrors.badRequest(
      `Could not find a property named '${expand}' on type 'microsoft.graph.user'.`,
    );
  return { select: parseSelect(match[1] ?? null, userSpec, false) };
}

function requireUserIndex(rt: EmulatorRuntime, idOrUpn: string): number {
  const index = rt.store.users.indexOf(idOrUpn);
  if (index < 0 || !rt.store.users.isActive(index)) throw graphErrors.notFound(idOrUpn);
  return index;
}

export function listUsers(ctx: RequestContext, rt: EmulatorRuntime): void {
  const query = parseQuery(ctx.url, ctx.req, userSpec);
  const options: RenderOptions = {
    select: query.select,
    typed: false,
    expandManager: parseExpandManager(query.expand),
  };
  sendListPage(rt, ctx, query, usersSource(rt, options), selectFragment('users', query.select));
}

/** `GET /users/$count` and friends: plain-text count, advanced queries only. */
export function sendCount(ctx: RequestContext, query: ODataQuery, source: ListSource): void {
  if (!isEventual(ctx.req)) throw graphErrors.countNeedsConsistencyLevel();
  let count = 0;
  for (let p = 0; p < source.size; p++) {
    const item = source.at(p);
    if (item === null) continue;
    if (query.filter !== null && !evaluateFilter(query.filter, item.resource, item.record)) continue;
    if (query.search !== null && !matchesSearch(query.search, item.resource, item.record)) continue;
    count++;
  }
  sendJson(ctx, 200, count, { 'odata-version': '4.0' }, 'text/plain; charset=utf-8');
}

export function countUsers(ctx: RequestContext, rt: EmulatorRuntime): void {
  const query = parseQuery(ctx.url, ctx.req, userSpec);
  sendCount(ctx, query, usersSource(rt, { select: null, typed: false }));
}

export function getUser(ctx: RequestContext, rt: EmulatorRuntime, idOrUpn: string): void {
  const index = requireUserIndex(rt, idOrUpn);
  const select = parseSelect(queryOption(ctx.url.searchParams, 'select'), userSpec, false);
  const expandManager = parseExpandManager(queryOption(ctx.url.searchParams, 'expand'));
  const item = userItem(rt, index)!;
  sendGraphJson(ctx, 200, {
    '@odata.context': contextUrl(ctx, `${selectFragment('users', select)}/$entity`),
    ...renderItem(rt, item, { select, typed: false, expandManager }),
  });
}

export function getMe(ctx: RequestContext, rt: EmulatorRuntime, oid: string | null): void {
  if (oid === null) {
    throw graphErrors.badRequest('/me request is only valid with delegated authentication flow.');
  }
  getUser(ctx, rt, oid);
}

export function getManager(ctx: RequestContext, rt: EmulatorRuntime, idOrUpn: string): void {
  const manager = rt.store.managerOf(requireUserIndex(rt, idOrUpn));
  const item = manager >= 0 ? userItem(rt, manager) : null;
  if (item === null) throw graphErrors.notFound('manager');
  const select = parseSelect(queryOption(ctx.url.searchParams, 'select'), userSpec, false);
  sendGraphJson(ctx, 200, {
    '@odata.context': contextUrl(ctx, 'directoryObjects/$entity'),
    ...renderItem(rt, item, { select, typed: true }),
  });
}

export function listUserMemberOf(
  ctx: RequestContext,
  rt: EmulatorRuntime,
  idOrUpn: string,
  transitive: boolean,
  cast: Cast,
  countSegment: boolean,
): void {
  const index = requireUserIndex(rt, idOrUpn);
  const groups = transitive ? transitiveGroupsOf(rt, userCode(index)) : directGroupsOfUser(rt, index);
  const query = parseQuery(ctx.url, ctx.req, groupSpec);
  // Only groups are modelled as containers here, so a user cast yields nothing.
  const source = codesSource(rt, Int32Array.from(groups, groupCode), cast === 'user' ? 'user' : cast, {
    select: query.select,
    typed: true,
  });
  if (countSegment) return sendCount(ctx, query, source);
  sendListPage(
    rt,
    ctx,
    query,
    source,
    cast === 'group' ? selectFragment('groups', query.select) : 'directoryObjects',
  );
}
