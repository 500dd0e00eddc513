/**
 * The typed tree of an RFC 7644 §3.4.2.2 filter and of a §3.5.2 PATCH path.
 *
 * Names are kept as the client wrote them (attribute names are case-insensitive, RFC 7643 §2.1);
 * only schema URNs we know are rewritten to their canonical spelling. Evaluation resolves names
 * against the schema, so `USERNAME eq "x"` and `userName eq "x"` mean the same thing.
 */

/** `[URI ":"] ATTRNAME ["." subAttr]` (RFC 7644 §3.4.2.2 `attrPath`). */
export interface AttrPath {
  /** Schema URN prefix, e.g. `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User`. */
  readonly uri?: string;
  readonly attribute: string;
  readonly subAttribute?: string;
}

export type CompareOperator = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le';

/** `compValue`: a JSON literal (RFC 7644 §3.4.2.2). */
export type CompValue = string | number | boolean | null;

/** `attrPath SP compareOp SP compValue` */
export interface ComparisonFilter {
  readonly kind: 'comparison';
  readonly path: AttrPath;
  readonly operator: CompareOperator;
  readonly value: CompValue;
}

/** `attrPath SP "pr"` */
export interface PresentFilter {
  readonly kind: 'present';
  readonly path: AttrPath;
}

/** `and` / `or` with two or more operands; chains like `a and b and c` are flattened. */
export interface LogicalFilter {
  readonly kind: 'and' | 'or';
  readonly filters: readonly Filter[];
}

/** `"not" "(" FILTER ")"` */
export interface NotFilter {
  readonly kind: 'not';
  readonly filter: Filter;
}

/**
 * `attrPath "[" valFilter "]"`: at least one value of a (usually multi-valued complex) attribute
 * satisfies `filter`, whose paths name sub-attributes of `path` (e.g. `type` in
 * `emails[type eq "work"]`).
 */
export interface ValuePathFilter {
  readonly kind: 'valuePath';
  readonly path: AttrPath;
  readonly filter: Filter;
}

export type Filter = ComparisonFilter | PresentFilter | LogicalFilter | NotFilter | ValuePathFilter;

/**
 * `PATH = attrPath / valuePath [subAttr]` (RFC 7644 §3.5.2), e.g. `name.givenName`,
 * `members[value eq "2819c223"]`, `emails[type eq "work"].value`.
 */
export interface PatchPath {
  readonly attrPath: AttrPath;
  /** The `valFilter` of a value path; its paths name sub-attributes of `attrPath`. */
  readonly valueFilter?: Filter;
  /** The sub-attribute after a value path: `value` in `emails[type eq "work"].value`. */
  readonly subAttribute?: string;
}

export const COMPARE_OPERATORS: readonly CompareOperator[] = [
  'eq',
  'ne',
  'co',
  'sw',
  'ew',
  'gt',
  'ge',
  'lt',
  'le',
];

/** Formats a path back to its text form, for error messages. */
export function formatAttrPath(path: AttrPath): string {
  const name = path.subAttribute === undefined ? path.attribute : `${path.attribute}.${path.subAttribute}`;
  return path.uri === undefined ? name : `${path.uri}:${name}`;
}
