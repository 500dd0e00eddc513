/**
 * Evaluates a parsed filter against resources in memory (RFC 7644 §3.4.2.2), for the queries the
 * store cannot push down to SQL and for PATCH value paths.
 *
 * Rules:
 * - Attribute names resolve case-insensitively through the schema; each comparison follows the
 *   attribute's type and `caseExact` (compare.ts).
 * - A multi-valued attribute matches when any of its values matches; a complex attribute
 *   compared without a sub-attribute compares its `value` (`emails co "@example.com"`).
 * - `ne` matches when no value is equal, so it matches an absent attribute; `eq null` matches an
 *   absent attribute and `ne null` a present one (RFC 7643 §2.5: null means unassigned).
 * - `[ ]` selects values of a complex attribute that satisfy the inner filter, whose names are
 *   sub-attributes of that attribute.
 * - Attributes never returned (`password`) cannot be filtered on: that would reveal them.
 * The filter is checked once, when compiled; the returned predicate never throws.
 */
import { type AttrPath, type Filter, formatAttrPath } from './ast.js';
import {
  type JsonObject,
  comparableValue,
  getOwnValue,
  isPlainObject,
  isPresentValue,
  readAttributeValues,
  toValueList,
} from './attribute-values.js';
import { buildValueTest } from './compare.js';
import { ScimFilterError } from './errors.js';
import {
  type AttributeDefinition,
  type ScimResourceType,
  findAttribute,
  locateAttribute,
  resolveAttribute,
} from '../schema/attribute-schema.js';

type Predicate = (target: unknown) => boolean;

/** Where names in the filter are looked up: a resource, or the values of one complex attribute. */
type Scope =
  | { readonly kind: 'resource'; readonly resourceType: ScimResourceType }
  | { readonly kind: 'values'; readonly parent: AttributeDefinition | undefined; readonly label: string };

interface Operand {
  readonly definition: AttributeDefinition | undefined;
  readonly label: string;
  readonly read: (target: unknown) => unknown[];
}

function invalid(message: string): never {
  throw new ScimFilterError(`Invalid filter: ${message}`, 'invalidFilter');
}

function operand(path: AttrPath, scope: Scope): Operand {
  if (scope.kind === 'resource') {
    const { resourceType } = scope;
    return {
      definition: resolveAttribute(resourceType, path),
      label: formatAttrPath(path),
      read: (target) => (isPlainObject(target) ? readAttributeValues(target, resourceType, path).values : []),
    };
  }
  if (path.uri !== undefined || path.subAttribute !== undefined) {
    invalid(`"${formatAttrPath(path)}" inside "${scope.label}[ ]" must be a plain sub-attribute name`);
  }
  const name = path.attribute;
  return {
    definition: findAttribute(scope.parent?.subAttributes, name),
    label: `${scope.label}.${name}`,
    // A value of a simple multi-valued attribute is addressed as `value` (RFC 7644 §3.5.2.2).
    read: (target) =>
      isPlainObject(target)
        ? toValueList(getOwnValue(target, name))
        : name.toLowerCase() === 'value'
          ? toValueList(target)
          : [],
  };
}

function compileComparison(node: Extract<Filter, { kind: 'comparison' }>, scope: Scope): Predicate {
  const { definition, label, read } = operand(node.path, scope);
  if (definition?.returned === 'never') invalid(`"${label}" is never returned, so it cannot be filtered on`);
  const { operator, value } = node;
  if (value === null) {
    if (operator !== 'eq' && operator !== 'ne')
      invalid(`"${operator} null" is meaningless; use "eq null" or "pr"`);
    const present = (target: unknown) => read(target).some((item) => isPresentValue(item));
    return operator === 'eq' ? (target) => !present(target) : present;
  }
  // RFC 7644 §3.4.2.2: a complex attribute without a sub-attribute is compared by its `value`.
  const compared =
    definition?.type === 'complex'
      ? (findAttribute(definition.subAttributes, 'value') ?? definition)
      : definition;
  const test = buildValueTest(compared, operator === 'ne' ? 'eq' : operator, value, label);
  const matches = (target: unknown) => read(target).some((item) => test(comparableValue(item, definition)));
  return operator === 'ne' ? (target) => !matches(target) : matches;
}

function compileValuePath(node: Extract<Filter, { kind: 'valuePath' }>, scope: Scope): Predicate {
  if (scope.kind !== 'resource') invalid('value paths cannot be nested (RFC 7644 errata 4690)');
  const label = formatAttrPath(node.path);
  const parent = locateAttribute(scope.resourceType, node.path)?.definition;
  if (parent !== undefined && node.path.subAttribute === undefined && parent.type !== 'complex') {
    invalid(`"${label}[ ]" needs a complex attribute such as emails; "${label}" is a ${parent.type}`);
  }
  const inner = compileValueFilter(node.filter, parent, label);
  const { read } = operand(node.path, scope);
  return (target) => read(target).some(inner);
}

function compileNode(node: Filter, scope: Scope): Predicate {
  switch (node.kind) {
    case 'and': {
      const parts = node.filters.map((child) => compileNode(child, scope));
      return (target) => parts.every((part) => part(target));
    }
    case 'or': {
      const parts = node.filters.map((child) => compileNode(child, scope));
      return (target) => parts.some((part) => part(target));
    }
    case 'not': {
      const inner = compileNode(node.filter, scope);
      return (target) => !inner(target);
    }
    case 'present': {
      const { read } = operand(node.path, scope);
      return (target) => read(target).some((item) => isPresentValue(item));
    }
    case 'comparison':
      return compileComparison(node, scope);
    case 'valuePath':
      return compileValuePath(node, scope);
  }
}

/** Checks `filter` against the schema once and returns a predicate over resources. */
export function compileFilter(
  filter: Filter,
  resourceType: ScimResourceType,
): (resource: Record<string, unknown>) => boolean {
  return compileNode(filter, { kind: 'resource', resourceType });
}

/** A predicate over the values of a complex attribute, as in `emails[type eq "work"]`. */
export function compileValueFilter(
  filter: Filter,
  parent: AttributeDefinition | undefined,
  label: string,
): (value: unknown) => boolean {
  return compileNode(filter, { kind: 'values', parent, label });
}

/** Whether `resource` satisfies `filter`; compile once with `compileFilter` to test many. */
export function matchesFilter(filter: Filter, resource: JsonObject, resourceType: ScimResourceType): boolean {
  return compileFilter(filter, resourceType)(resource);
}
