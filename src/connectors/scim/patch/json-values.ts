/**
 * Small, safe helpers for the JSON values a PATCH writes: copying with a depth limit, writing own
 * properties without ever touching a prototype, and comparing values the way the schema compares
 * them (RFC 7643 §2.2 `caseExact`).
 */
import { type JsonObject, isPlainObject } from '../filter/attribute-values.js';
import { scimBadRequest } from '../filter/errors.js';
import { type AttributeDefinition, findAttribute } from '../schema/attribute-schema.js';

/**
 * SCIM values are at most three levels deep (list, complex value, sub-attribute; RFC 7643
 * §2.3.8); unknown attributes get some room, but deeply nested input is refused, not recursed.
 */
export const MAX_VALUE_DEPTH = 16;

/** Defines an own, enumerable property: `__proto__` stays an ordinary key, never a prototype. */
export function setOwn(object: JsonObject, key: string, value: unknown): void {
  Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Copies a JSON value, refusing anything that is not JSON or is nested too deeply. */
export function cloneJson(value: unknown, label: string, depth = 0): unknown {
  if (depth > MAX_VALUE_DEPTH) {
    throw scimBadRequest(
      'invalidValue',
      `The value of "${label}" is nested more than ${MAX_VALUE_DEPTH} levels deep`,
    );
  }
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (Number.isFinite(value)) return value;
  } else if (Array.isArray(value)) {
    return value.map((item) => cloneJson(item, label, depth + 1));
  } else if (isPlainObject(value)) {
    const copy: JsonObject = {};
    for (const [key, inner] of Object.entries(value)) setOwn(copy, key, cloneJson(inner, label, depth + 1));
    return copy;
  }
  throw scimBadRequest('invalidValue', `The value of "${label}" is not a JSON value`);
}

/** Deep equality of JSON values, with strings compared per `caseExact` where the schema knows it. */
export function sameValue(a: unknown, b: unknown, definition?: AttributeDefinition, depth = 0): boolean {
  if (typeof a === 'string' && typeof b === 'string') {
    return definition === undefined || definition.caseExact || definition.type !== 'string'
      ? a === b
      : a.toLowerCase() === b.toLowerCase();
  }
  if (a === b) return true;
  if (depth > MAX_VALUE_DEPTH + 2) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return (
      a.length === b.length && a.every((item, index) => sameValue(item, b[index], definition, depth + 1))
    );
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const keysA = Object.keys(a).filter((key) => a[key] !== null && a[key] !== undefined);
    const keysB = Object.keys(b).filter((key) => b[key] !== null && b[key] !== undefined);
    if (keysA.length !== keysB.length) return false;
    return keysA.every((key) => {
      if (!Object.hasOwn(b, key)) return false;
      const sub = definition?.type === 'complex' ? findAttribute(definition.subAttributes, key) : undefined;
      return sameValue(a[key], b[key], sub, depth + 1);
    });
  }
  return false;
}

/** RFC 7643 §2.5: null, `[]` and `{}` all mean unassigned. */
export function isUnassigned(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (Array.isArray(value)) return value.length === 0;
  return isPlainObject(value) && Object.keys(value).length === 0;
}
