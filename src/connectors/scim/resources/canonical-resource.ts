import { invalidInput } from '../../../errors.js';
import {
  type ScimResourceType,
  canonicalSchemaUrn,
  findAttribute,
  isExtensionSchemaUrn,
  locateAttribute,
} from '../schema/attribute-schema.js';

/** Keys the server owns (RFC 7643 §3.1): never stored from a request body. */
const serverOwned = new Set(['id', 'meta', 'schemas']);

/**
 * Rewrites a POST or PUT body into the shape we store: attribute names in their schema's spelling
 * (names are case-insensitive, RFC 7643 §2.1), extension attributes under their schema URN
 * (RFC 7643 §3.3), and server-owned attributes dropped. Entra may send custom extension attributes
 * as flat keys (`urn:…:CustomExt:2.0:User:costCenter`) without listing the URN in `schemas`; they
 * are folded under their URN like any other extension attribute.
 */
export function canonicalizeResource(
  body: Record<string, unknown>,
  resourceType: ScimResourceType,
): Record<string, unknown> {
  const resource: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    if (serverOwned.has(key.toLowerCase()) || value === null || value === undefined) continue;
    if (isExtensionSchemaUrn(key, resourceType) && !isPlainObject(value)) {
      // RFC 7643 §3.3: an extension's key holds an object of its attributes. Anything else would
      // later be written into as an object (it was a 500, found by scim-fuzz.e2e.test.ts).
      throw invalidInput(`${key} must be an object of the extension's attributes`, key);
    }
    if (isExtensionSchemaUrn(key, resourceType) && isPlainObject(value)) {
      const urn = canonicalSchemaUrn(key);
      const target = (resource[urn] ??= {}) as Record<string, unknown>;
      for (const [name, inner] of Object.entries(value)) {
        if (inner === null || inner === undefined) continue;
        const location = locateAttribute(resourceType, { uri: urn, attribute: name });
        target[location?.name ?? name] = inner;
      }
      continue;
    }
    const split = splitQualifiedName(key, resourceType);
    if (split) {
      const target = (resource[split.urn] ??= {}) as Record<string, unknown>;
      target[split.name] = value;
      continue;
    }
    const location = locateAttribute(resourceType, { attribute: key });
    const name = location?.name ?? key;
    resource[name] = canonicalizeValue(value, location?.definition?.subAttributes);
  }
  return resource;
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

/** `urn:…:enterprise:2.0:User:department` → the extension URN and the attribute name. */
export function splitQualifiedName(
  key: string,
  resourceType: ScimResourceType,
): { urn: string; name: string } | undefined {
  if (!key.toLowerCase().startsWith('urn:')) return undefined;
  const colon = key.lastIndexOf(':');
  const urn = key.slice(0, colon);
  if (!isExtensionSchemaUrn(urn, resourceType)) return undefined;
  const canonical = canonicalSchemaUrn(urn);
  const location = locateAttribute(resourceType, { uri: canonical, attribute: key.slice(colon + 1) });
  return { urn: canonical, name: location?.name ?? key.slice(colon + 1) };
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
