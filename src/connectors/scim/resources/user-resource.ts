import { invalidInput } from '../../../errors.js';
import type { DirectoryUserRow } from '../../../store/schema.js';
import type { DirectoryUserInput } from '../../../sync/change.js';
import { normalizeEntraManagerValue, normalizeScimBooleans } from '../patch/index.js';
import { ENTERPRISE_USER_SCHEMA_URN, USER_SCHEMA_URN } from '../schema/attribute-schema.js';
import { withoutIgnoredAttributes } from '../schema/ignored-attributes.js';
import { canonicalizeResource, isPlainObject } from './canonical-resource.js';
import { buildMeta } from './scim-meta.js';
import { emailKeyOf, toSourceUser } from './source-attributes.js';
import type { UserGroupReference } from './user-groups.js';
import { assertUserValueLimits } from './value-limits.js';

/** Reads a POST or PUT /Users body into the resource we store. */
export function parseUserBody(body: unknown): Record<string, unknown> {
  if (!isPlainObject(body)) throw invalidInput('The request body must be a SCIM User object');
  const resource = canonicalizeResource(normalizeScimBooleans(body, 'User'), 'User');
  if (typeof resource.userName !== 'string' || resource.userName.trim() === '') {
    throw invalidInput('userName is required', 'userName');
  }
  normalizeManager(resource);
  if (resource.active === undefined) resource.active = true;
  if (typeof resource.active !== 'boolean') throw invalidInput('active must be a boolean', 'active');
  if (resource.externalId !== undefined && typeof resource.externalId !== 'string') {
    throw invalidInput('externalId must be a string', 'externalId');
  }
  return resource;
}

/**
 * Entra sends the manager as a plain id, in POST as in PATCH: Microsoft's example schema in
 * use-scim-to-provision-users-and-groups.md has `"manager": "123456"`. PATCH stores it as the
 * RFC 7643 §4.3 `{value: id}`; POST and PUT must too, or `manager.value eq` never finds it.
 */
function normalizeManager(resource: Record<string, unknown>): void {
  const enterprise = resource[ENTERPRISE_USER_SCHEMA_URN];
  if (isPlainObject(enterprise) && enterprise.manager !== undefined)
    enterprise.manager = normalizeEntraManagerValue(enterprise.manager);
}

/**
 * A resource about to be stored, as a change for the road. Every SCIM write of a user (POST, PUT,
 * PATCH) passes here, so values too long for the indexed columns are refused here, once.
 */
export function userChangeInput(
  id: string,
  resource: Record<string, unknown>,
  previous?: Record<string, unknown>,
): DirectoryUserInput {
  assertUserValueLimits(resource, previous);
  const userName = String(resource.userName);
  return {
    id,
    externalId: typeof resource.externalId === 'string' ? resource.externalId : null,
    userName,
    active: resource.active !== false,
    emailKey: emailKeyOf(resource),
    attributes: resource,
    source: toSourceUser(resource),
  };
}

export function storedUserResource(row: DirectoryUserRow): Record<string, unknown> {
  return withoutIgnoredAttributes(JSON.parse(row.attributes) as Record<string, unknown>, 'User');
}

/**
 * The User as Entra reads it back: every stored attribute, `id`, `schemas`, the `groups` it is a
 * direct member of (computed, user-groups.ts; left out when unassigned, RFC 7643 §2.5) and `meta`.
 */
export function renderUser(
  row: DirectoryUserRow,
  baseUrl: string,
  groups: readonly UserGroupReference[] = [],
): Record<string, unknown> {
  const resource = storedUserResource(row);
  const schemas = [USER_SCHEMA_URN];
  for (const key of Object.keys(resource)) {
    if (key.toLowerCase().startsWith('urn:') && key !== ENTERPRISE_USER_SCHEMA_URN) schemas.push(key);
  }
  if (resource[ENTERPRISE_USER_SCHEMA_URN] !== undefined) schemas.splice(1, 0, ENTERPRISE_USER_SCHEMA_URN);
  return {
    schemas,
    id: row.id,
    ...resource,
    ...(groups.length === 0 ? {} : { groups }),
    meta: buildMeta('User', row, baseUrl),
  };
}
