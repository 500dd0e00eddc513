/**
 * `applyPatch`: runs a PATCH request (RFC 7644 §3.5.2) against a stored resource, in memory.
 *
 * Steps, per operation in order: read it (read-operations.ts); find its targets (a path, the
 * keys of a path-less value, or a whole extension); report Group `members` changes separately
 * (group-members.ts); apply the rest (apply-operation.ts). The input resource is never changed:
 * the operations run on a copy, so a failing operation leaves nothing half-applied
 * ("the entire request fails", RFC 7644 §3.5.2).
 */
import type { PatchPath } from '../filter/ast.js';
import { type JsonObject, isPlainObject } from '../filter/attribute-values.js';
import { ScimProtocolError, scimBadRequest } from '../filter/errors.js';
import { parsePatchPath } from '../filter/parse-path.js';
import {
  type AttributeLocation,
  type ScimResourceType,
  isCoreSchemaUrn,
  isExtensionSchemaUrn,
  locateAttribute,
} from '../schema/attribute-schema.js';
import { isNeverStored } from '../schema/ignored-attributes.js';
import { applyTargetedOperation } from './apply-operation.js';
import { type PatchOperationName, expandPathlessReplaceKeys } from './entra-quirks.js';
import { type MemberChanges, MemberChangeSet, applyMembersOperation } from './group-members.js';
import { sameValue } from './json-values.js';
import { resolvePatchTarget } from './patch-target.js';
import { type PatchOperation, readPatchOperations } from './read-operations.js';

export interface ApplyPatchOptions {
  /** Refuse requests with more operations than this (default 1000). */
  readonly maxOperations?: number;
}

export interface PatchResult {
  /** The patched resource; for Groups, still without `members`. */
  readonly resource: Record<string, unknown>;
  /** Group membership changes, to be applied as rows (empty for Users). */
  readonly memberChanges: MemberChanges;
  /** Whether anything changed: attributes or membership (RFC 7644 §3.5.2.1 "no changes"). */
  readonly modified: boolean;
}

interface PatchContext {
  readonly resource: JsonObject;
  readonly resourceType: ScimResourceType;
  readonly members: MemberChangeSet;
}

function isGroupMembers(path: PatchPath, resourceType: ScimResourceType): boolean {
  if (resourceType !== 'Group') return false;
  const location = locateAttribute(resourceType, path.attrPath);
  return location?.extensionUrn === undefined && location?.definition?.name === 'members';
}

/** A User's `groups` (RFC 7643 §4.1.2), however the path spells it. */
function isUserGroups(location: AttributeLocation | undefined, resourceType: ScimResourceType): boolean {
  return (
    resourceType === 'User' && location?.extensionUrn === undefined && location?.definition?.name === 'groups'
  );
}

/** One operation on one path (from `path`, or one key of a path-less value). */
function applyAtPath(context: PatchContext, op: PatchOperationName, pathText: string, value: unknown): void {
  const { resource, resourceType } = context;
  if (isCoreSchemaUrn(pathText, resourceType)) {
    applyToCoreSchema(context, op, pathText, value);
    return;
  }
  if (isExtensionSchemaUrn(pathText, resourceType)) {
    // The path names a whole extension (RFC 7643 §3.3): its attributes are the targets.
    if (op === 'remove') {
      for (const key of Object.keys(resource))
        if (key.toLowerCase() === pathText.toLowerCase()) delete resource[key];
      return;
    }
    if (!isPlainObject(value)) {
      throw scimBadRequest('invalidValue', `The value for "${pathText}" must be an object of its attributes`);
    }
    applyPathless(context, op, { [pathText]: value });
    return;
  }
  const path = parsePatchPath(pathText);
  const location = locateAttribute(resourceType, path.attrPath);
  // `password` (any case, fully qualified or not): never stored, so nothing to do.
  if (isNeverStored(location)) return;
  if (isUserGroups(location, resourceType)) {
    // Computed from memberships, so never in the stored resource: comparing it before and after,
    // as the readOnly check does, would let `remove` pass as if memberships had gone.
    throw scimBadRequest(
      'mutability',
      `"${pathText}" is readOnly: a user's groups change through the Group resource (RFC 7643 §4.1.2)`,
    );
  }
  if (isGroupMembers(path, resourceType)) {
    applyMembersOperation(context.members, op, path, value, pathText);
    return;
  }
  const target = resolvePatchTarget(path, resourceType, pathText);
  applyTargetedOperation(resource, { op, target, value });
}

/**
 * The core schema's URN as a path, or as a key of a path-less value, holding an object: its keys
 * are core attributes, qualified as RFC 7644 §3.10 allows. Without this they were stored as an
 * extension named after the core schema, `password` included.
 */
function applyToCoreSchema(context: PatchContext, op: PatchOperationName, urn: string, value: unknown): void {
  if (op === 'remove') {
    throw scimBadRequest('invalidPath', `"${urn}" names the whole core schema, which cannot be removed`);
  }
  if (!isPlainObject(value)) {
    throw scimBadRequest('invalidValue', `The value for "${urn}" must be an object of its attributes`);
  }
  for (const [name, inner] of Object.entries(value)) {
    // A key that is itself a schema URN or a qualified name (`urn:…:core:2.0:User:password`)
    // already says where it belongs; prefixing it again made an unknown attribute that kept it.
    const path = name.toLowerCase().startsWith('urn:') ? name : `${urn}:${name}`;
    applyAtPath(context, op, path, inner);
  }
}

/** RFC 7644 §3.5.2.1/§3.5.2.3 without a path: the value's keys are the targets. */
function applyPathless(context: PatchContext, op: PatchOperationName, value: unknown): void {
  if (!isPlainObject(value)) {
    throw scimBadRequest(
      'invalidValue',
      `Without a "path", the value of ${op} must be an object of attributes`,
    );
  }
  for (const entry of expandPathlessReplaceKeys(value, context.resourceType)) {
    applyAtPath(context, op, entry.path, entry.value);
  }
}

function applyOperation(context: PatchContext, operation: PatchOperation): void {
  try {
    if (operation.path === undefined) applyPathless(context, operation.op, operation.value);
    else applyAtPath(context, operation.op, operation.path, operation.value);
  } catch (error) {
    if (!(error instanceof ScimProtocolError)) throw error;
    // Name the operation, keep the type and position of the original error.
    throw new ScimProtocolError(`Operation ${operation.number} (${operation.op}): ${error.detail}`, {
      status: error.status,
      ...(error.scimType === undefined ? {} : { scimType: error.scimType }),
      ...(error.position === undefined ? {} : { position: error.position }),
      cause: error,
    });
  }
}

/**
 * Applies the PATCH `body` (a PatchOp message, or its `Operations` list) to `resource`.
 * Throws `ScimProtocolError` (400, with `scimType`) for any problem in the request.
 */
export function applyPatch(
  resource: Record<string, unknown>,
  body: unknown,
  resourceType: ScimResourceType,
  options: ApplyPatchOptions = {},
): PatchResult {
  const operations = readPatchOperations(body, options.maxOperations);
  const context: PatchContext = {
    resource: structuredClone(resource),
    resourceType,
    members: new MemberChangeSet(),
  };
  for (const operation of operations) applyOperation(context, operation);
  return {
    resource: context.resource,
    memberChanges: context.members.toJSON(),
    modified: !context.members.isEmpty || !sameValue(resource, context.resource),
  };
}
