/**
 * Resolves a parsed PATCH path (RFC 7644 §3.5.2) against the schema: which attribute, in which
 * container (the resource or an extension object, RFC 7643 §3.3), which sub-attribute, and which
 * values a `[filter]` selects. Paths that cannot address anything are `invalidPath`.
 */
import { type PatchPath, type Filter, formatAttrPath } from '../filter/ast.js';
import {
  type JsonObject,
  attributeContainer,
  findOwnKey,
  getOwnValue,
  isPlainObject,
} from '../filter/attribute-values.js';
import { scimBadRequest } from '../filter/errors.js';
import { compileValueFilter } from '../filter/evaluate.js';
import {
  type AttributeDefinition,
  type AttributeLocation,
  type ScimResourceType,
  ENTERPRISE_USER_SCHEMA_URN,
  findAttribute,
  locateAttribute,
} from '../schema/attribute-schema.js';
import { isUnassigned, setOwn } from './json-values.js';

export interface PatchTarget {
  /** The path as the client wrote it, for messages. */
  readonly label: string;
  readonly location: AttributeLocation;
  /** The definition of the top-level attribute; undefined for attributes outside our schema. */
  readonly definition: AttributeDefinition | undefined;
  /** Canonical name of the sub-attribute addressed by `attr.sub` or `attr[filter].sub`. */
  readonly subAttribute: string | undefined;
  readonly subDefinition: AttributeDefinition | undefined;
  readonly valueFilter: Filter | undefined;
  /** Whether a value of the attribute is selected by `valueFilter`. */
  readonly selects: ((value: unknown) => boolean) | undefined;
}

export function resolvePatchTarget(
  path: PatchPath,
  resourceType: ScimResourceType,
  label: string,
): PatchTarget {
  const location = locateAttribute(resourceType, path.attrPath);
  if (location === undefined) {
    throw scimBadRequest(
      'invalidPath',
      `"${label}" names a schema that ${resourceType} resources do not have`,
    );
  }
  const { definition } = location;
  const sub = path.attrPath.subAttribute ?? path.subAttribute;
  const attributeLabel = formatAttrPath({ ...path.attrPath, subAttribute: undefined });
  assertKnownToSchema(resourceType, location, label);
  if (sub !== undefined && definition !== undefined && definition.type !== 'complex') {
    throw scimBadRequest(
      'invalidPath',
      `"${attributeLabel}" is a ${definition.type} and has no sub-attribute "${sub}"`,
    );
  }
  if (path.valueFilter !== undefined && definition !== undefined && !definition.multiValued) {
    throw scimBadRequest(
      'invalidPath',
      `"${attributeLabel}" has one value; "[ ]" filters apply to multi-valued attributes`,
    );
  }
  const subDefinition = sub === undefined ? undefined : findAttribute(definition?.subAttributes, sub);
  if (sub !== undefined && definition?.subAttributes !== undefined && subDefinition === undefined) {
    // RFC 7643 fixes the sub-attributes of its complex attributes: `name.nosuch` is a typo.
    throw scimBadRequest('invalidPath', `"${attributeLabel}" has no sub-attribute "${sub}"`);
  }
  return {
    label,
    location,
    definition,
    subAttribute: sub === undefined ? undefined : (subDefinition?.name ?? sub),
    subDefinition,
    valueFilter: path.valueFilter,
    selects:
      path.valueFilter === undefined
        ? undefined
        : compileValueFilter(path.valueFilter, definition, attributeLabel),
  };
}

/**
 * Attributes outside our schema are kept as sent, because Entra's attribute list lets an admin add
 * target attributes of any name, and custom extension schemas are the admin's own. Two kinds of
 * unknown name are mistakes, though, and are refused: an attribute of the other resource type
 * (`members` on a User) and a name the Enterprise User extension, fixed by RFC 7643 §4.3, lacks.
 */
function assertKnownToSchema(
  resourceType: ScimResourceType,
  location: AttributeLocation,
  label: string,
): void {
  if (location.definition !== undefined) return;
  if (location.extensionUrn === ENTERPRISE_USER_SCHEMA_URN) {
    throw scimBadRequest('invalidPath', `"${label}": the Enterprise User extension has no such attribute`);
  }
  const other: ScimResourceType = resourceType === 'User' ? 'Group' : 'User';
  const elsewhere = locateAttribute(other, {
    attribute: location.name,
    subAttribute: undefined,
    uri: undefined,
  });
  if (
    location.extensionUrn === undefined &&
    elsewhere?.definition !== undefined &&
    elsewhere.extensionUrn === undefined
  ) {
    throw scimBadRequest(
      'invalidPath',
      `"${label}" is an attribute of ${other} resources, not ${resourceType}`,
    );
  }
}

/** The attribute's current value in `resource`, undefined when unassigned. */
export function readTargetValue(resource: JsonObject, target: PatchTarget): unknown {
  const container = attributeContainer(resource, target.location);
  return container === undefined ? undefined : getOwnValue(container, target.location.name);
}

/**
 * Stores `value` under the canonical name, dropping differently-cased copies of the key, and
 * removes the attribute when `value` is unassigned; an extension object left empty goes too.
 */
export function writeTargetValue(resource: JsonObject, target: PatchTarget, value: unknown): void {
  const { extensionUrn, name } = target.location;
  let container = resource;
  if (extensionUrn !== undefined) {
    const key = findOwnKey(resource, extensionUrn);
    const existing = key === undefined ? undefined : resource[key];
    if (key !== undefined && key !== extensionUrn) delete resource[key];
    container = isPlainObject(existing) ? existing : {};
    setOwn(resource, extensionUrn, container);
  }
  for (let key = findOwnKey(container, name); key !== undefined; key = findOwnKey(container, name)) {
    delete container[key];
  }
  if (!isUnassigned(value)) setOwn(container, name, value);
  if (extensionUrn !== undefined && Object.keys(container).length === 0) delete resource[extensionUrn];
}
