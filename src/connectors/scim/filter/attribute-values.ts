/**
 * Reads attribute values out of a stored SCIM resource, the way RFC 7643 lays it out: core and
 * common attributes at the top, extension attributes under their schema URN (§3.3), names
 * matched case-insensitively (§2.1). Shared by filter evaluation and PATCH.
 *
 * Only own enumerable keys are consulted, so a filter on `constructor` or `__proto__` sees
 * nothing rather than the object prototype.
 */
import type { AttrPath } from './ast.js';
import {
  type AttributeDefinition,
  type AttributeLocation,
  type ScimResourceType,
  locateAttribute,
} from '../schema/attribute-schema.js';

export type JsonObject = Record<string, unknown>;

export function isPlainObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The key of `object` that matches `name` case-insensitively, preferring an exact match. */
export function findOwnKey(object: JsonObject, name: string): string | undefined {
  if (Object.hasOwn(object, name)) return name;
  const lower = name.toLowerCase();
  return Object.keys(object).find((key) => key.toLowerCase() === lower);
}

export function getOwnValue(object: JsonObject, name: string): unknown {
  const key = findOwnKey(object, name);
  return key === undefined ? undefined : object[key];
}

/** RFC 7643 §2.5: unassigned, null and `[]` are the same state; a single value is a list of one. */
export function toValueList(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value.filter((item) => item !== undefined && item !== null) : [value];
}

/** The object holding a located attribute: the resource, or its extension object (RFC 7643 §3.3). */
export function attributeContainer(
  resource: JsonObject,
  location: AttributeLocation,
): JsonObject | undefined {
  if (location.extensionUrn === undefined) return resource;
  const extension = getOwnValue(resource, location.extensionUrn);
  return isPlainObject(extension) ? extension : undefined;
}

export interface ResolvedValues {
  readonly location: AttributeLocation | undefined;
  /** The values of the attribute, or of its sub-attribute across every value (flattened). */
  readonly values: unknown[];
}

/** Every value `path` names in `resource`: `emails.value` yields the value of each email. */
export function readAttributeValues(
  resource: JsonObject,
  resourceType: ScimResourceType,
  path: AttrPath,
): ResolvedValues {
  const location = locateAttribute(resourceType, path);
  const container = location === undefined ? undefined : attributeContainer(resource, location);
  if (location === undefined || container === undefined) return { location, values: [] };
  const values = toValueList(getOwnValue(container, location.name));
  if (path.subAttribute === undefined) return { location, values };
  const sub = path.subAttribute;
  return {
    location,
    values: values.flatMap((value) => (isPlainObject(value) ? toValueList(getOwnValue(value, sub)) : [])),
  };
}

/**
 * RFC 7644 §3.4.2.2 `pr`: "If the attribute has a non-empty value, or if it contains a non-empty
 * node for complex attributes, there is a match."
 */
export function isPresentValue(value: unknown, depth = 0): boolean {
  if (value === undefined || value === null || value === '') return false;
  // RFC 7643 §2.3.8: complex attributes hold no complex sub-attributes, so three levels
  // (list, value, sub-attribute) are all a SCIM value has; deeper data counts as present.
  if (depth > 3) return true;
  if (Array.isArray(value)) return value.some((item) => isPresentValue(item, depth + 1));
  if (isPlainObject(value)) return Object.values(value).some((item) => isPresentValue(item, depth + 1));
  return true;
}

/** For a complex value compared without a sub-attribute, RFC 7644 §3.4.2.2 compares its `value`. */
export function comparableValue(value: unknown, definition: AttributeDefinition | undefined): unknown {
  if (!isPlainObject(value)) return value;
  if (definition !== undefined && definition.type !== 'complex') return value;
  return getOwnValue(value, 'value');
}
