/**
 * `sortBy` (RFC 7644 §3.4.2.3): the value a resource sorts by.
 * - The attribute is found through the schema, so a fully qualified name
 *   (`urn:…:enterprise:2.0:User:employeeNumber`) sorts like its short form.
 * - A multi-valued attribute sorts by its primary value, else its first.
 * - A complex attribute named without a sub-attribute sorts by its `value`.
 * - Strings compare case-insensitively unless the attribute is `caseExact`.
 * - Resources without a value sort last, in either order.
 */
import type { AttrPath } from './filter/ast.js';
import {
  attributeContainer,
  comparableValue,
  getOwnValue,
  isPlainObject,
} from './filter/attribute-values.js';
import { type ScimResourceType, locateAttribute, resolveAttribute } from './schema/attribute-schema.js';

export type SortKey = string | number | boolean;

export function sortKeyOf(
  resource: Record<string, unknown>,
  resourceType: ScimResourceType,
  path: AttrPath,
): SortKey | undefined {
  const location = locateAttribute(resourceType, path);
  const container = location === undefined ? undefined : attributeContainer(resource, location);
  if (location === undefined || container === undefined) return undefined;
  let value = getOwnValue(container, location.name);
  if (Array.isArray(value)) {
    value = value.find((item) => isPlainObject(item) && item.primary === true) ?? value[0];
  }
  value =
    path.subAttribute === undefined
      ? comparableValue(value, location.definition)
      : isPlainObject(value)
        ? getOwnValue(value, path.subAttribute)
        : undefined;
  if (typeof value === 'string') {
    return resolveAttribute(resourceType, path)?.caseExact === true ? value : value.toLowerCase();
  }
  return typeof value === 'number' || typeof value === 'boolean' ? value : undefined;
}

/** Sorts entries by their key, stably; those without a key go last in either order. */
export function sortByKey<E extends { key: SortKey | undefined }>(entries: E[], descending: boolean): E[] {
  return entries.sort((a, b) => {
    if (a.key === undefined) return b.key === undefined ? 0 : 1;
    if (b.key === undefined) return -1;
    const order = a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
    return descending ? -order : order;
  });
}
