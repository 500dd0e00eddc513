/**
 * Checking and evaluating a parsed `$filter` against a directory resource.
 *
 * Support follows "Advanced query capabilities on Microsoft Entra ID objects":
 * - eq, in, startsWith, any() work by default on filterable properties;
 * - `ne` and `not` work "only with advanced queries" (`ConsistencyLevel: eventual` + `$count=true`),
 *   and `endsWith` only with advanced queries on `mail` and `userPrincipalName`;
 * - without them Graph answers 400 Request_UnsupportedQuery "Unsupported Query.".
 * String comparisons are case-insensitive, as directory string matching is.
 */
import { graphErrors } from './graph-error.js';
import type { FilterExpr, LambdaBody, Literal } from './odata-filter.js';
import type { ResourceSpec } from './resource-shapes.js';

/** Resolves property names to their canonical spelling and rejects what Graph rejects. */
export function checkFilter(expr: FilterExpr, resource: ResourceSpec, advanced: boolean): FilterExpr {
  const canonical = (property: string): string => {
    const spec = resource.properties.get(property.toLowerCase());
    if (!spec) {
      throw graphErrors.badRequest(
        `Could not find a property named '${property}' on type '${resource.type}'.`,
      );
    }
    if (!spec.filterable) {
      throw graphErrors.unsupportedQuery(
        `Unsupported or invalid query filter clause specified for property '${spec.name}' of resource '${resource.label}'.`,
      );
    }
    return spec.name;
  };
  const needAdvanced = (): void => {
    if (!advanced) throw graphErrors.unsupportedQuery();
  };
  const walk = (e: FilterExpr): FilterExpr => {
    switch (e.kind) {
      case 'and':
      case 'or':
        return { kind: e.kind, left: walk(e.left), right: walk(e.right) };
      case 'not':
        needAdvanced();
        return { kind: 'not', operand: walk(e.operand) };
      case 'compare':
        if (e.op === 'ne') needAdvanced();
        return { ...e, property: canonical(e.property) };
      case 'in':
        return { ...e, property: canonical(e.property) };
      case 'function': {
        const property = canonical(e.property);
        if (e.name === 'endswith') {
          if (!resource.properties.get(property.toLowerCase())?.endsWith)
            throw graphErrors.unsupportedQuery();
          needAdvanced();
        }
        return { ...e, property };
      }
      case 'lambda':
        if (e.body.kind === 'function' && e.body.name === 'endswith') needAdvanced();
        return { ...e, property: canonical(e.property) };
    }
  };
  return walk(expr);
}

const lowerIfString = (v: unknown): unknown => (typeof v === 'string' ? v.toLowerCase() : v);

function compare(actual: unknown, op: string, expected: Literal): boolean {
  const a = lowerIfString(actual ?? null);
  const b = lowerIfString(expected);
  switch (op) {
    case 'eq':
      return a === b;
    case 'ne':
      return a !== b;
    default: {
      if (a === null || b === null) return false;
      const x = a as string | number | boolean;
      const y = b as string | number | boolean;
      if (op === 'gt') return x > y;
      if (op === 'ge') return x >= y;
      if (op === 'lt') return x < y;
      return x <= y;
    }
  }
}

function applyFunction(name: string, actual: unknown, expected: Literal): boolean {
  if (typeof actual !== 'string' || typeof expected !== 'string') return false;
  const a = actual.toLowerCase();
  const b = expected.toLowerCase();
  return name === 'startswith' ? a.startsWith(b) : a.endsWith(b);
}

function lambdaHolds(body: LambdaBody, item: unknown): boolean {
  return body.kind === 'compare'
    ? compare(item, body.op, body.value)
    : applyFunction(body.name, item, body.value);
}

export function evaluateFilter<T>(expr: FilterExpr, resource: ResourceSpec<T>, record: T): boolean {
  switch (expr.kind) {
    case 'and':
      return evaluateFilter(expr.left, resource, record) && evaluateFilter(expr.right, resource, record);
    case 'or':
      return evaluateFilter(expr.left, resource, record) || evaluateFilter(expr.right, resource, record);
    case 'not':
      return !evaluateFilter(expr.operand, resource, record);
    case 'compare':
      return compare(resource.value(record, expr.property), expr.op, expr.value);
    case 'in': {
      const actual = resource.value(record, expr.property);
      return expr.values.some((v) => compare(actual, 'eq', v));
    }
    case 'function':
      return applyFunction(expr.name, resource.value(record, expr.property), expr.value);
    case 'lambda': {
      const items = resource.value(record, expr.property);
      if (!Array.isArray(items)) return false;
      return expr.quantifier === 'any'
        ? items.some((item) => lambdaHolds(expr.body, item))
        : items.every((item) => lambdaHolds(expr.body, item));
    }
  }
}

/**
 * Delta supports only `id eq '…'` clauses joined by `or`, up to 50 ids ("user: delta",
 * "group: delta"). Returns the ids, or throws 400 for anything else.
 */
export function deltaIdFilter(expr: FilterExpr): string[] {
  const ids: string[] = [];
  const walk = (e: FilterExpr): void => {
    if (e.kind === 'or') {
      walk(e.left);
      walk(e.right);
    } else if (
      e.kind === 'compare' &&
      e.op === 'eq' &&
      e.property.toLowerCase() === 'id' &&
      typeof e.value === 'string'
    ) {
      ids.push(e.value.toLowerCase());
    } else {
      throw graphErrors.unsupportedQuery(
        "Delta supports $filter only on the id property: id eq '<id>' [or id eq '<id>'].",
      );
    }
  };
  walk(expr);
  if (ids.length > 50) throw graphErrors.unsupportedQuery('Delta $filter is limited to 50 objects.');
  return ids;
}
