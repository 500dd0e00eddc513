import { invalidInput } from '../../../errors.js';
import type { DirectoryGroupRow } from '../../../store/schema.js';
import type { DirectoryGroupInput } from '../../../sync/change.js';
import { GROUP_SCHEMA_URN } from '../schema/attribute-schema.js';
import { canonicalizeResource, isPlainObject } from './canonical-resource.js';
import { buildMeta } from './scim-meta.js';
import { assertGroupValueLimits } from './value-limits.js';

/**
 * Reads a POST or PUT /Groups body. Members are returned apart from the resource: they are stored
 * as rows, never inside the group's JSON. Entra adds a non-standard schema URN
 * (`http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group`) to `schemas`;
 * `schemas` is server-owned here, so it is simply not stored.
 */
export function parseGroupBody(body: unknown): { resource: Record<string, unknown>; memberIds: string[] } {
  if (!isPlainObject(body)) throw invalidInput('The request body must be a SCIM Group object');
  const resource = canonicalizeResource(body, 'Group');
  if (typeof resource.displayName !== 'string' || resource.displayName.trim() === '') {
    throw invalidInput('displayName is required', 'displayName');
  }
  const members = resource.members;
  delete resource.members;
  if (members !== undefined && !Array.isArray(members))
    throw invalidInput('members must be an array', 'members');
  const memberIds = (members ?? []).map((member) => {
    const value = isPlainObject(member) ? member.value : undefined;
    if (typeof value !== 'string' || value === '')
      throw invalidInput('Every member needs a value (the member id)', 'members');
    return value;
  });
  return { resource, memberIds };
}

/**
 * A resource about to be stored, as a change for the road. Every SCIM write of a group (POST, PUT,
 * PATCH) passes here, so values too long for the indexed columns are refused here, once.
 */
export function groupChangeInput(
  id: string,
  resource: Record<string, unknown>,
  previous?: Record<string, unknown>,
): DirectoryGroupInput {
  assertGroupValueLimits(resource, previous);
  return {
    id,
    externalId: typeof resource.externalId === 'string' ? resource.externalId : null,
    displayName: String(resource.displayName),
    attributes: resource,
  };
}

export function storedGroupResource(row: DirectoryGroupRow): Record<string, unknown> {
  return JSON.parse(row.attributes) as Record<string, unknown>;
}

export interface RenderedMember {
  value: string;
  $ref: string;
  type: 'User' | 'Group';
}

export function renderGroup(
  row: DirectoryGroupRow,
  baseUrl: string,
  members: RenderedMember[] | undefined,
): Record<string, unknown> {
  return {
    schemas: [GROUP_SCHEMA_URN],
    id: row.id,
    ...storedGroupResource(row),
    ...(members === undefined ? {} : { members }),
    meta: buildMeta('Group', row, baseUrl),
  };
}
