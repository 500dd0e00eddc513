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
import {
  type AttributeLocation,
  type ScimResourceType,
  COMMON_ATTRIBUTES,
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
 * A stored resource without the attributes above: rows written before they were dropped still
 * hold them, and must neither be answered nor carried into the next write.
 */
export function withoutIgnoredAttributes(
  resource: Record<string, unknown>,
  resourceType: ScimResourceType,
): Record<string, unknown> {
  const names = ignoredNames[resourceType];
  if (!Object.keys(resource).some((key) => names.has(key.toLowerCase()))) return resource;
  return Object.fromEntries(Object.entries(resource).filter(([key]) => !names.has(key.toLowerCase())));
}
