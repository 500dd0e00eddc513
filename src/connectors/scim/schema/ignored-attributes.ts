/**
 * Attributes whose values a client sends are never kept, read from the schema's characteristics
 * (RFC 7643 §2.2, §7):
 * - `returned: "never"` (`password`, writeOnly): Roster has no use for a password (platform
 *   sign-in has credentials of its own), and a kept one would leak through every read of the
 *   directory object: SCIM answers, the REST API's `sources`, audit entries, the platform's
 *   attributes. It is dropped from POST, PUT and PATCH alike, so a PATCH that only sets it
 *   succeeds and changes nothing, as Entra expects.
 * - `readOnly` (`id`, `meta`, a User's `groups`): the server computes them. RFC 7644 §3.3 and
 *   §3.5.1 say values sent for them in POST and PUT "SHALL be ignored"; PATCH still refuses to
 *   change them (RFC 7644 §3.5.2, `mutability`).
 */
import { isPlainObject } from '../filter/attribute-values.js';
import {
  type AttributeLocation,
  type ScimResourceType,
  COMMON_ATTRIBUTES,
  isCoreSchemaUrn,
  schemasFor,
} from './attribute-schema.js';

/** Whether the located attribute is never stored, whatever the request (`password`). */
export function isNeverStored(location: AttributeLocation | undefined): boolean {
  return location?.definition?.returned === 'never';
}

/** Whether a POST or PUT value for the located attribute is dropped (`password`, `groups`, `id`). */
export function isIgnoredInResourceBody(location: AttributeLocation | undefined): boolean {
  return isNeverStored(location) || location?.definition?.mutability === 'readOnly';
}

/** Lower-cased names of the core and common attributes a stored resource never holds. */
function ignoredTopLevelNames(resourceType: ScimResourceType): ReadonlySet<string> {
  const core = schemasFor(resourceType)[0]?.attributes ?? [];
  return new Set(
    [...core, ...COMMON_ATTRIBUTES]
      .filter((definition) =>
        isIgnoredInResourceBody({ extensionUrn: undefined, name: definition.name, definition }),
      )
      .map((definition) => definition.name.toLowerCase()),
  );
}

const ignoredNames: Readonly<Record<ScimResourceType, ReadonlySet<string>>> = {
  User: ignoredTopLevelNames('User'),
  Group: ignoredTopLevelNames('Group'),
};

/**
 * Whether a stored top-level key is one of the attributes above: by name (`groups`, any case) or
 * by its fully qualified name (`urn:…:core:2.0:User:groups`), which rows written before qualified
 * core names were read as core attributes hold verbatim.
 */
function isIgnoredKey(key: string, resourceType: ScimResourceType): boolean {
  const names = ignoredNames[resourceType];
  if (names.has(key.toLowerCase())) return true;
  const colon = key.lastIndexOf(':');
  return (
    colon > 0 &&
    isCoreSchemaUrn(key.slice(0, colon), resourceType) &&
    names.has(key.slice(colon + 1).toLowerCase())
  );
}

/** Whether a stored key is an object keyed by the core schema URN, as those rows may hold too. */
function isCoreObject(
  key: string,
  value: unknown,
  resourceType: ScimResourceType,
): value is Record<string, unknown> {
  return isCoreSchemaUrn(key, resourceType) && isPlainObject(value);
}

/**
 * A stored resource without the attributes above, in any of the spellings a row may hold them
 * under (plain, fully qualified, or inside an object keyed by the core schema URN): rows written
 * before they were dropped still hold them, and must neither be answered nor carried into the next
 * write. Extension objects are left alone: an attribute named `groups` or `password` there is the
 * extension's own.
 */
export function withoutIgnoredAttributes(
  resource: Record<string, unknown>,
  resourceType: ScimResourceType,
): Record<string, unknown> {
  const holdsIgnored = Object.entries(resource).some(
    ([key, value]) => isIgnoredKey(key, resourceType) || isCoreObject(key, value, resourceType),
  );
  if (!holdsIgnored) return resource;
  const kept: [string, unknown][] = [];
  for (const [key, value] of Object.entries(resource)) {
    if (isIgnoredKey(key, resourceType)) continue;
    if (isCoreObject(key, value, resourceType)) {
      const inner = withoutIgnoredAttributes(value, resourceType);
      // An object left empty held nothing but ignored attributes (RFC 7643 §2.5: `{}` is unassigned).
      if (Object.keys(inner).length > 0) kept.push([key, inner]);
      continue;
    }
    kept.push([key, value]);
  }
  // fromEntries defines own keys: a stored `__proto__` stays a key, never a prototype.
  return Object.fromEntries(kept);
}
