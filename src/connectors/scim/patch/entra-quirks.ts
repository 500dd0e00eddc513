/**
 * Microsoft Entra ID's deviations from RFC 7644 PATCH, each in one named function (see
 * shared/reference/entra.md, "Entra SCIM quirks"). Each is strict by default: it changes only the
 * exact shape Entra is known to send and leaves anything else for the RFC rules to judge.
 * Entra sends both its legacy shapes and, with `aadOptscim062020` in the Tenant URL, the
 * compliant ones, so every function here stays on for both.
 */
import type { Filter } from '../filter/ast.js';
import { type JsonObject, getOwnValue, isPlainObject } from '../filter/attribute-values.js';
import {
  type AttributeDefinition,
  type ScimResourceType,
  findAttribute,
  isExtensionSchemaUrn,
} from '../schema/attribute-schema.js';

export type PatchOperationName = 'add' | 'replace' | 'remove';

/**
 * Entra sends `Add`, `Replace`, `Remove` without the flag. Microsoft: "Don't require a
 * case-sensitive match on structural elements". Returns undefined for any other word.
 */
export function normalizeEntraOperationName(op: string): PatchOperationName | undefined {
  const lower = op.toLowerCase();
  return lower === 'add' || lower === 'replace' || lower === 'remove' ? lower : undefined;
}

/**
 * Reads a structural member (`Operations`, `op`, `path`, `value`) case-insensitively, for the
 * same reason. Only own keys are read.
 */
export function readStructuralMember(object: JsonObject, name: string): unknown {
  return getOwnValue(object, name);
}

/**
 * Without the flag Entra disables a user with `"value":"False"`, and POST bodies may carry
 * `"active":"True"` (AzureAD/SCIMReferenceCode #21). Only the words true and false, in any case,
 * become booleans; callers use this only for boolean attributes.
 */
export function parseEntraBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value !== 'string') return undefined;
  const lower = value.trim().toLowerCase();
  return lower === 'true' ? true : lower === 'false' ? false : undefined;
}

export interface PathlessEntry {
  readonly path: string;
  readonly value: unknown;
}

/**
 * With the flag, Entra's path-less `replace` value holds dotted and URN-qualified keys, e.g.
 * `{"name.givenName": "Ann", "urn:…:enterprise:2.0:User:employeeNumber": "7"}`, besides the
 * RFC 7644 §3.5.2.3 form where an extension URN key holds an object of its attributes. Each key
 * becomes a path of its own. `schemas` is skipped: the server derives it from the attributes.
 */
export function expandPathlessReplaceKeys(
  value: JsonObject,
  resourceType: ScimResourceType,
): PathlessEntry[] {
  const entries: PathlessEntry[] = [];
  for (const [key, inner] of Object.entries(value)) {
    if (key.toLowerCase() === 'schemas') continue;
    if (isExtensionSchemaUrn(key, resourceType) && isPlainObject(inner)) {
      for (const [name, attributeValue] of Object.entries(inner)) {
        entries.push({ path: `${key}:${name}`, value: attributeValue });
      }
    } else {
      entries.push({ path: key, value: inner });
    }
  }
  return entries;
}

/**
 * Entra's PATCH `Add` of roles (SingleAppRoleAssignment, AppRoleAssignmentsComplex) sends each
 * role as JSON text inside `value`: `{"value": "{\"id\":\"…\",\"value\":\"Admin\",\"displayName\":\"Admin\"}"}`.
 * That text becomes a role `{value, display}`; `value` is preferred over `id`, as Microsoft
 * advises. Any other element is returned unchanged.
 */
export function parseEntraRoleValue(element: unknown): unknown {
  if (!isPlainObject(element)) return element;
  const text = getOwnValue(element, 'value');
  if (typeof text !== 'string' || !text.trim().startsWith('{')) return element;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return element;
  }
  if (!isPlainObject(parsed)) return element;
  const value = getOwnValue(parsed, 'value') ?? getOwnValue(parsed, 'id');
  if (typeof value !== 'string') return element;
  const display = getOwnValue(parsed, 'displayName') ?? getOwnValue(parsed, 'display');
  const rest = Object.fromEntries(Object.entries(element).filter(([key]) => key.toLowerCase() !== 'value'));
  return { ...rest, value, ...(typeof display === 'string' ? { display } : {}) };
}

/** Entra sets the Enterprise User `manager` to the manager's id as a plain string: `{value: id}`. */
export function normalizeEntraManagerValue(value: unknown): unknown {
  return typeof value === 'string' ? { value } : value;
}

/**
 * Entra replaces `emails[type eq "work"].value` even when the user has no work email yet, and
 * relies on the server creating `{type: "work", value}` (RFC 7644 §3.5.2.3 would answer noTarget).
 * The new element is built from a filter of `eq` terms joined by `and`; any other filter gives
 * undefined, and the RFC's noTarget stands.
 */
export function elementForEntraFilteredPath(
  filter: Filter,
  parent: AttributeDefinition | undefined,
): JsonObject | undefined {
  const terms = filter.kind === 'and' ? filter.filters : [filter];
  const element: JsonObject = {};
  for (const term of terms) {
    if (term.kind !== 'comparison' || term.operator !== 'eq' || term.value === null) return undefined;
    if (term.path.uri !== undefined || term.path.subAttribute !== undefined) return undefined;
    const name = findAttribute(parent?.subAttributes, term.path.attribute)?.name ?? term.path.attribute;
    if (Object.hasOwn(element, name)) return undefined;
    Object.defineProperty(element, name, {
      value: term.value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return element;
}
