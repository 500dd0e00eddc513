import { invalidInput } from '../../../errors.js';
import {
  type AttributeLocation,
  type ScimResourceType,
  canonicalSchemaUrn,
  findAttribute,
  isCoreSchemaUrn,
  isExtensionSchemaUrn,
  locateAttribute,
} from '../schema/attribute-schema.js';
import { isIgnoredInResourceBody } from '../schema/ignored-attributes.js';

/** `schemas` is the server's to write (RFC 7643 §3); `id` and `meta` are readOnly in the schema. */
const serverOwned = new Set(['id', 'meta', 'schemas']);

/**
 * Rewrites a POST or PUT body into the shape we store: attribute names in their schema's spelling
 * (names are case-insensitive, RFC 7643 §2.1), extension attributes under their schema URN
 * (RFC 7643 §3.3), and attributes a client's value is ignored for dropped (ignored-attributes.ts:
 * `password`, `groups`, `id`, `meta`). Entra may send custom extension attributes as flat keys
 * (`urn:…:CustomExt:2.0:User:costCenter`) without listing the URN in `schemas`; they are folded
 * under their URN like any other extension attribute. A fully qualified core name
 * (`urn:…:core:2.0:User:displayName`, RFC 7644 §3.10) is that core attribute.
 */
export function canonicalizeResource(
  body: Record<string, unknown>,
  resourceType: ScimResourceType,
): Record<string, unknown> {
  const resource: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    if (serverOwned.has(key.toLowerCase()) || value === null || value === undefined) continue;
    const isCore = isCoreSchemaUrn(key, resourceType);
    if ((isCore || isExtensionSchemaUrn(key, resourceType)) && !isPlainObject(value)) {
      // RFC 7643 §3.3: an extension's key holds an object of its attributes. Anything else would
      // later be written into as an object (it was a 500, found by scim-fuzz.e2e.test.ts).
      throw invalidInput(`${key} must be an object of the schema's attributes`, key);
    }
    if (isCore && isPlainObject(value)) {
      // Not RFC 7643's layout, but unambiguous: stored as the core attributes it holds, never as
      // an extension named after the core schema.
      Object.assign(resource, canonicalizeResource(value, resourceType));
      continue;
    }
    if (isExtensionSchemaUrn(key, resourceType) && isPlainObject(value)) {
      const urn = canonicalSchemaUrn(key);
      for (const [name, inner] of Object.entries(value)) {
        if (inner === null || inner === undefined) continue;
        store(resource, locateAttribute(resourceType, { uri: urn, attribute: name }), inner);
      }
      continue;
    }
    store(resource, locateBodyKey(key, resourceType), value);
  }
  return resource;
}

/** Puts a value where its attribute lives, unless the attribute is one a client cannot set. */
function store(
  resource: Record<string, unknown>,
  location: AttributeLocation | undefined,
  value: unknown,
): void {
  if (location === undefined || isIgnoredInResourceBody(location)) return;
  if (location.extensionUrn === undefined) {
    resource[location.name] = canonicalizeValue(value, location.definition?.subAttributes);
    return;
  }
  const target = (resource[location.extensionUrn] ??= {}) as Record<string, unknown>;
  target[location.name] = value;
}

function canonicalizeValue(value: unknown, subAttributes: Parameters<typeof findAttribute>[0]): unknown {
  if (subAttributes === undefined) return value;
  if (Array.isArray(value)) return value.map((item) => canonicalizeValue(item, subAttributes));
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [name, inner] of Object.entries(value)) {
    if (inner === null || inner === undefined) continue;
    out[findAttribute(subAttributes, name)?.name ?? name] = inner;
  }
  return out;
}

/**
 * Where a top-level body key belongs: a plain name (`displayName`), or a fully qualified one
 * (RFC 7644 §3.10) of the core schema (`urn:…:core:2.0:User:displayName`) or of an extension
 * (`urn:…:enterprise:2.0:User:department`). Any other key is an attribute outside our schema,
 * kept as sent; a name qualified by the other resource type's core schema is refused, as PATCH
 * refuses it.
 */
function locateBodyKey(key: string, resourceType: ScimResourceType): AttributeLocation {
  const split = splitQualifiedName(key, resourceType);
  if (split === undefined) {
    return locateAttribute(resourceType, { attribute: key }) ?? unknownAttribute(key);
  }
  const location = locateAttribute(resourceType, { uri: split.urn, attribute: split.name });
  if (location === undefined) {
    throw invalidInput(`${key} names a schema that ${resourceType} resources do not have`, key);
  }
  return location;
}

const unknownAttribute = (name: string): AttributeLocation => ({
  extensionUrn: undefined,
  name,
  definition: undefined,
});

/**
 * `urn:…:enterprise:2.0:User:department` → the schema URN and the attribute name, for the core
 * schemas and this resource type's extensions; undefined for anything else.
 */
function splitQualifiedName(
  key: string,
  resourceType: ScimResourceType,
): { urn: string; name: string } | undefined {
  if (!key.toLowerCase().startsWith('urn:')) return undefined;
  const colon = key.lastIndexOf(':');
  const urn = key.slice(0, colon);
  const isSchema =
    isCoreSchemaUrn(urn, 'User') || isCoreSchemaUrn(urn, 'Group') || isExtensionSchemaUrn(urn, resourceType);
  return isSchema ? { urn: canonicalSchemaUrn(urn), name: key.slice(colon + 1) } : undefined;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
