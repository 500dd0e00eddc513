/**
 * Checks a PATCH value against the attribute's schema and brings it into the stored shape:
 * sub-attribute names in canonical spelling (RFC 7643 §2.1), a single value of a multi-valued
 * attribute wrapped in a list, and Entra's known shapes (string booleans, role JSON text,
 * manager id strings) converted by their named functions. A value of the wrong type is
 * `invalidValue` (RFC 7644 §3.12). Values are otherwise stored exactly as sent.
 */
import { type JsonObject, isPlainObject } from '../filter/attribute-values.js';
import { parseDateTime } from '../filter/compare.js';
import { scimBadRequest } from '../filter/errors.js';
import { type AttributeDefinition, findAttribute } from '../schema/attribute-schema.js';
import { normalizeEntraManagerValue, parseEntraBoolean, parseEntraRoleValue } from './entra-quirks.js';
import { cloneJson, setOwn } from './json-values.js';

function wrongType(label: string, expected: string, value: unknown): never {
  const found = Array.isArray(value) ? 'a list' : value === null ? 'null' : `a ${typeof value}`;
  throw scimBadRequest('invalidValue', `"${label}" must be ${expected}, not ${found}`);
}

/** A single simple value, by RFC 7643 §2.3 data type. */
function coerceSimple(definition: AttributeDefinition, value: unknown, label: string): unknown {
  switch (definition.type) {
    case 'boolean': {
      const parsed = parseEntraBoolean(value);
      return parsed ?? wrongType(label, 'true or false', value);
    }
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value)
        ? value
        : wrongType(label, 'an integer', value);
    case 'decimal':
      return typeof value === 'number' && Number.isFinite(value)
        ? value
        : wrongType(label, 'a number', value);
    case 'dateTime':
      if (typeof value === 'string' && parseDateTime(value) !== undefined) return value;
      return wrongType(label, 'a dateTime such as "2024-05-13T04:42:34Z"', value);
    default:
      return typeof value === 'string' ? value : wrongType(label, 'a string', value);
  }
}

/** One value of a complex attribute: an object whose known sub-attributes are checked. */
function coerceComplex(definition: AttributeDefinition, value: unknown, label: string): JsonObject {
  const shaped = definition.name === 'manager' ? normalizeEntraManagerValue(value) : value;
  if (!isPlainObject(shaped)) return wrongType(label, 'an object of sub-attributes', shaped);
  const element: JsonObject = {};
  for (const [key, inner] of Object.entries(shaped)) {
    // RFC 7643 §2.5: a null sub-attribute is unassigned; Entra sends `"$ref": null` for members.
    if (inner === null || inner === undefined) continue;
    const sub = findAttribute(definition.subAttributes, key);
    const name = sub?.name ?? key;
    const subLabel = `${label}.${name}`;
    setOwn(
      element,
      name,
      sub === undefined ? cloneJson(inner, subLabel) : coerceSimple(sub, inner, subLabel),
    );
  }
  return element;
}

/** One value (not a list) of an attribute. */
export function coerceSingleValue(
  definition: AttributeDefinition | undefined,
  value: unknown,
  label: string,
): unknown {
  if (definition === undefined) return cloneJson(value, label);
  if (definition.type !== 'complex') return coerceSimple(definition, value, label);
  const element = definition.name === 'roles' ? parseEntraRoleValue(value) : value;
  return coerceComplex(definition, element, label);
}

/**
 * A whole attribute value. Returns null for null (unassign, RFC 7643 §2.5); a multi-valued
 * attribute always becomes a list, without null items.
 */
export function coerceAttributeValue(
  definition: AttributeDefinition | undefined,
  value: unknown,
  label: string,
): unknown {
  if (value === null) return null;
  if (definition === undefined || !definition.multiValued) return coerceSingleValue(definition, value, label);
  const items = Array.isArray(value) ? value : [value];
  return items.filter((item) => item !== null).map((item) => coerceSingleValue(definition, item, label));
}
