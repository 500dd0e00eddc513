/**
 * Graph response plumbing: OData JSON content type, `@odata.context`, and server-driven paging
 * with an opaque `$skiptoken` in an absolute `@odata.nextLink` ("Paging Microsoft Graph data in
 * your app": follow the whole nextLink URL; `$top` 1–999, default 100 for directory objects).
 */
import type { RequestContext } from '../http-io.js';
import { sendJson } from '../http-io.js';
import type { EmulatorRuntime } from '../runtime.js';
import { evaluateFilter } from './filter-evaluate.js';
import { graphErrors } from './graph-error.js';
import { matchesSearch } from './odata-search.js';
import type { ODataQuery } from './odata-query.js';
import type { ResourceSpec } from './resource-shapes.js';

export const graphContentType =
  'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';

export function sendGraphJson(
  ctx: RequestContext,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  sendJson(ctx, status, body, { 'odata-version': '4.0', ...headers }, graphContentType);
}

/** `v1.0` or `beta`, as requested, so links stay on the version the client uses. */
export const apiVersion = (ctx: RequestContext): string => ctx.url.pathname.split('/')[1] ?? 'v1.0';

export const contextUrl = (ctx: RequestContext, fragment: string): string =>
  `${ctx.origin}/${apiVersion(ctx)}/$metadata#${fragment}`;

export const selectFragment = (entitySet: string, select: readonly string[] | null): string =>
  select === null ? entitySet : `${entitySet}(${select.join(',')})`;

/** Percent-encoding that leaves `$`, `,` and `'` readable, as Graph's own links do. */
export const encodeQueryValue = (value: string): string =>
  encodeURIComponent(value).replace(/%24/g, '$').replace(/%2C/gi, ',').replace(/%27/g, "'");

/** The request URL with `$skiptoken` replaced: other options stay, as in Graph's nextLinks. */
export function nextLink(ctx: RequestContext, skipToken: string): string {
  const parts: string[] = [];
  for (const [key, value] of ctx.url.searchParams) {
    if (key.replace(/^\$/, '').toLowerCase() !== 'skiptoken')
      parts.push(`${encodeQueryValue(key)}=${encodeQueryValue(value)}`);
  }
  parts.push(`$skiptoken=${skipToken}`);
  return `${ctx.origin}${ctx.url.pathname}?${parts.join('&')}`;
}

interface PageTokenPayload {
  t: 'page';
  p: string;
  c: number;
}

export function sealPageToken(rt: EmulatorRuntime, ctx: RequestContext, cursor: number): string {
  const payload: PageTokenPayload = { t: 'page', p: ctx.url.pathname.toLowerCase(), c: cursor };
  return rt.stateTokens.seal(payload);
}

export function openPageToken(rt: EmulatorRuntime, ctx: RequestContext, token: string): number {
  const payload = rt.stateTokens.open(token) as Partial<PageTokenPayload> | null;
  if (
    payload?.t !== 'page' ||
    payload.p !== ctx.url.pathname.toLowerCase() ||
    typeof payload.c !== 'number'
  ) {
    throw graphErrors.expiredPageToken();
  }
  return payload.c;
}

/** One listable item: a record and the resource it belongs to (members mix users and groups). */
export interface Listed {
  resource: ResourceSpec;
  record: unknown;
}

export interface ListSource {
  /** Positions run from 0 to size - 1. */
  size: number;
  /** The item at a position, or null when nothing is listed there (e.g. a deleted object). */
  at(position: number): Listed | null;
  render(item: Listed): Record<string, unknown>;
}

function sortKey(item: Listed, property: string): string {
  const value = item.resource.value(item.record, property);
  return typeof value === 'string' ? value.toLowerCase() : JSON.stringify(value ?? '');
}

/** Serves one page of a collection: filter, search, optional sort, count, nextLink. */
export function sendListPage(
  rt: EmulatorRuntime,
  ctx: RequestContext,
  query: ODataQuery,
  source: ListSource,
  contextFragment: string,
): void {
  const top = query.top ?? 100;
  const start = query.skipToken === null ? 0 : openPageToken(rt, ctx, query.skipToken);
  const matches = (item: Listed): boolean =>
    (query.filter === null || evaluateFilter(query.filter, item.resource, item.record)) &&
    (query.search === null || matchesSearch(query.search, item.resource, item.record));

  const value: Record<string, unknown>[] = [];
  let next: number | null = null;
  let total: number | null = null;
  if (query.orderBy !== null || query.count) {
    // Sorting and counting need every match; the cursor is then an offset into the sorted list.
    const all: Listed[] = [];
    for (let p = 0; p < source.size; p++) {
      const item = source.at(p);
      if (item !== null && matches(item)) all.push(item);
    }
    const order = query.orderBy;
    if (order !== null) {
      const direction = order.descending ? -1 : 1;
      all.sort((a, b) => direction * sortKey(a, order.property).localeCompare(sortKey(b, order.property)));
    }
    total = all.length;
    for (const item of all.slice(start, start + top)) value.push(source.render(item));
    next = start + top < all.length ? start + top : null;
  } else {
    // Unsorted: the cursor is a position, so objects added or removed meanwhile never shift a page.
    let p = start;
    for (; p < source.size && value.length < top; p++) {
      const item = source.at(p);
      if (item !== null && matches(item)) value.push(source.render(item));
    }
    for (let q = p; q < source.size; q++) {
      const item = source.at(q);
      if (item !== null && matches(item)) {
        next = q;
        break;
      }
    }
  }
  const body: Record<string, unknown> = { '@odata.context': contextUrl(ctx, contextFragment) };
  if (total !== null) body['@odata.count'] = total;
  if (next !== null) body['@odata.nextLink'] = nextLink(ctx, sealPageToken(rt, ctx, next));
  body.value = value;
  sendGraphJson(ctx, 200, body);
}
