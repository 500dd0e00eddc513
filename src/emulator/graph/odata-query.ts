/**
 * OData system query options as Graph's directory endpoints accept them: `$select`, `$filter`,
 * `$search`, `$count`, `$orderby`, `$top`, `$expand`, `$skiptoken`, `$deltatoken`. Names match
 * case-insensitively and the `$` is optional ("Use query parameters": "the $ prefix is optional"
 * in v1.0). Advanced queries are on when the request has `ConsistencyLevel: eventual`.
 */
import type { IncomingMessage } from 'node:http';
import { header } from '../http-io.js';
import { checkFilter } from './filter-evaluate.js';
import { graphErrors } from './graph-error.js';
import { FilterSyntaxError, parseFilter, type FilterExpr } from './odata-filter.js';
import { parseSearch, type SearchExpr } from './odata-search.js';
import type { ResourceSpec } from './resource-shapes.js';

export interface ODataQuery {
  select: string[] | null;
  filter: FilterExpr | null;
  search: SearchExpr | null;
  count: boolean;
  orderBy: { property: string; descending: boolean } | null;
  top: number | null;
  expand: string | null;
  skipToken: string | null;
  deltaToken: string | null;
  /** `ConsistencyLevel: eventual` was sent. */
  eventual: boolean;
}

export function queryOption(params: URLSearchParams, name: string): string | null {
  for (const [key, value] of params) {
    const bare = key.startsWith('$') ? key.slice(1) : key;
    if (bare.toLowerCase() === name) return value;
  }
  return null;
}

export function isEventual(req: IncomingMessage): boolean {
  return header(req, 'consistencylevel')?.trim().toLowerCase() === 'eventual';
}

/** Validates `$select` names against the resource (navigation properties allowed when tracked). */
export function parseSelect(
  raw: string | null,
  resource: ResourceSpec,
  allowNavigation: boolean,
): string[] | null {
  if (raw === null || raw.trim() === '') return null;
  const names = raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  return names.map((name) => {
    const lower = name.toLowerCase();
    const spec = resource.properties.get(lower);
    if (spec) return spec.name;
    if (allowNavigation && resource.navigation.has(lower)) return lower;
    throw graphErrors.badRequest(`Could not find a property named '${name}' on type '${resource.type}'.`);
  });
}

export function parseTop(raw: string | null): number | null {
  if (raw === null) return null;
  const top = Number(raw);
  if (!Number.isInteger(top) || top < 1 || top > 999) {
    throw graphErrors.unsupportedQuery(
      `Invalid page size specified: '${raw}'. Must be between 1 and 999 inclusive.`,
    );
  }
  return top;
}

export function parseFilterOption(raw: string | null): FilterExpr | null {
  if (raw === null || raw.trim() === '') return null;
  try {
    return parseFilter(raw);
  } catch (error) {
    if (error instanceof FilterSyntaxError)
      throw graphErrors.badRequest(`Invalid filter clause: ${error.message}.`);
    throw error;
  }
}

export function parseQuery(url: URL, req: IncomingMessage, resource: ResourceSpec): ODataQuery {
  const params = url.searchParams;
  const eventual = isEventual(req);
  const count = queryOption(params, 'count')?.toLowerCase() === 'true';
  // Advanced queries need both the header and $count=true (aad-advanced-queries).
  const advanced = eventual && count;
  const filterRaw = parseFilterOption(queryOption(params, 'filter'));
  const searchRaw = queryOption(params, 'search');
  if (searchRaw !== null && !eventual) throw graphErrors.searchNeedsConsistencyLevel();
  const orderRaw = queryOption(params, 'orderby');
  let orderBy: ODataQuery['orderBy'] = null;
  if (orderRaw !== null && orderRaw.trim() !== '') {
    const [name = '', direction = 'asc'] = orderRaw.trim().split(/\s+/);
    const spec = resource.properties.get(name.toLowerCase());
    if (!spec)
      throw graphErrors.badRequest(`Could not find a property named '${name}' on type '${resource.type}'.`);
    orderBy = { property: spec.name, descending: direction.toLowerCase() === 'desc' };
    // "Using $filter and $orderBy together is supported only with advanced queries."
    if ((filterRaw !== null || searchRaw !== null) && !advanced) {
      throw graphErrors.unsupportedQuery('Sorting not supported for current query.');
    }
  }
  return {
    select: parseSelect(queryOption(params, 'select'), resource, false),
    filter: filterRaw === null ? null : checkFilter(filterRaw, resource, advanced),
    search: searchRaw === null ? null : parseSearch(searchRaw, resource),
    // Without ConsistencyLevel, `$count=true` is silently ignored (aad-advanced-queries).
    count: count && eventual,
    orderBy,
    top: parseTop(queryOption(params, 'top')),
    expand: queryOption(params, 'expand'),
    skipToken: queryOption(params, 'skiptoken'),
    deltaToken: queryOption(params, 'deltatoken'),
    eventual,
  };
}
