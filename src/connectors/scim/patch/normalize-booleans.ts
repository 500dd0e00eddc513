/**
 * `normalizeScimBooleans`: Entra's string booleans in POST and PUT bodies (entra.md; Azure
 * SCIMReferenceCode #21), e.g. `"active": "True"` or `"emails": [{"primary": "false"}]`, become
 * real booleans before the body is validated and stored. Only attributes the schema types as
 * boolean are touched, wherever they sit: top level, sub-attributes, extension objects,
 * URN-qualified keys and an object keyed by the core schema URN (`{"urn:…:core:2.0:User":
 * {"active": "False"}}`, whose keys canonical-resource.ts stores as core attributes). A string
 * on a boolean attribute that is not true/false is invalidValue.
 * Names are matched case-insensitively but left as sent; other values are left untouched.
 */
import { readAttrPath } from '../filter/parse.js';
import { type JsonObject, isPlainObject } from '../filter/attribute-values.js';
import { scimBadRequest } from '../filter/errors.js';
import {
  type AttributeDefinition,
  type ScimResourceType,
  findAttribute,
  isCoreSchemaUrn,
  isExtensionSchemaUrn,
  locateAttribute,
} from '../schema/attribute-schema.js';
import { parseEntraBoolean } from './entra-quirks.js';
import { setOwn } from './json-values.js';

function toBoolean(value: unknown, label: string): unknown {
  if (typeof value !== 'string') return value;
  const parsed = parseEntraBoolean(value);
  if (parsed === undefined)
    throw scimBadRequest('invalidValue', `"${label}" must be true or false, not "${value}"`);
  return parsed;
}

function normalizeValue(definition: AttributeDefinition | undefined, value: unknown, label: string): unknown {
  if (definition === undefined) return value;
  if (definition.type === 'boolean') {
    return Array.isArray(value) ? value.map((item) => toBoolean(item, label)) : toBoolean(value, label);
  }
  if (definition.type !== 'complex') return value;
  const normalizeElement = (element: unknown): unknown => {
    if (!isPlainObject(element)) return element;
    const copy: JsonObject = {};
    for (const [key, inner] of Object.entries(element)) {
      const sub = findAttribute(definition.subAttributes, key);
      setOwn(copy, key, sub?.type === 'boolean' ? toBoolean(inner, `${label}.${key}`) : inner);
    }
    return copy;
  };
  return Array.isArray(value) ? value.map(normalizeElement) : normalizeElement(value);
}

function normalizeAttributes(
  object: JsonObject,
  resourceType: ScimResourceType,
  uri: string | undefined,
): JsonObject {
  const copy: JsonObject = {};
  for (const [key, value] of Object.entries(object)) {
    if (uri === undefined && isCoreSchemaUrn(key, resourceType) && isPlainObject(value)) {
      // Its keys are read as a body's own keys are: plain or qualified core names.
      setOwn(copy, key, normalizeAttributes(value, resourceType, undefined));
      continue;
    }
    if (uri === undefined && isExtensionSchemaUrn(key, resourceType) && isPlainObject(value)) {
      setOwn(copy, key, normalizeAttributes(value, resourceType, key));
      continue;
    }
    // A URN-qualified key (`urn:…:User:active`) or a plain attribute name.
    const path = uri === undefined ? readAttrPath(key) : { uri, attribute: key };
    const location =
      path === undefined || path.subAttribute !== undefined ? undefined : locateAttribute(resourceType, path);
    setOwn(copy, key, normalizeValue(location?.definition, value, key));
  }
  return copy;
}

/** Returns a copy of a POST/PUT `body` with string booleans on boolean attributes made booleans. */
export function normalizeScimBooleans(
  body: Record<string, unknown>,
  resourceType: ScimResourceType,
): Record<string, unknown> {
  return normalizeAttributes(body, resourceType, undefined);
}
