/**
 * SCIM filters and paths (RFC 7644 §3.4.2.2, §3.5.2), pure and schema-aware.
 *
 *   parseFilter(text)              → Filter (typed tree, ast.ts)       throws ScimFilterError
 *   parseAttributePath(text)       → AttrPath                         (invalidPath)
 *   parsePatchPath(text)           → PatchPath                        (invalidPath / invalidFilter)
 *   compileFilter(filter, type)    → (resource) => boolean            checks the schema once
 *   matchesFilter(filter, resource, type)
 *   extractEqualityLookups(filter) → EqualityLookup[] | undefined     what SQL can answer directly
 */
export type {
  AttrPath,
  CompValue,
  CompareOperator,
  ComparisonFilter,
  Filter,
  LogicalFilter,
  NotFilter,
  PatchPath,
  PresentFilter,
  ValuePathFilter,
} from './ast.js';
export { formatAttrPath } from './ast.js';
export { ScimFilterError, ScimProtocolError, type ScimType } from './errors.js';
export { MAX_FILTER_DEPTH, parseFilter } from './parse.js';
export { parseAttributePath, parsePatchPath } from './parse-path.js';
export { MAX_FILTER_LENGTH } from './tokenize.js';
export { compileFilter, compileValueFilter, matchesFilter } from './evaluate.js';
export { type EqualityLookup, type LookupAttribute, extractEqualityLookups } from './equality-lookups.js';
