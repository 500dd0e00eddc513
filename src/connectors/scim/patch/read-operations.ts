/**
 * Reads the body of a PATCH request (RFC 7644 §3.5.2): a `PatchOp` message whose `Operations`
 * each hold `op`, an optional `path` and a `value`. The operations alone (an array) are accepted
 * too, for callers that already unwrapped them. Structural names match case-insensitively, as
 * Microsoft asks of SCIM servers for Entra.
 *
 * Rules:
 * - `schemas`, when the message is given, must list the PatchOp URN (invalidSyntax).
 * - `op` must be add, replace or remove in any case (invalidSyntax).
 * - `path`, when present, must be a string (invalidPath); `remove` needs one (noTarget, §3.5.2.2).
 * - `add` and `replace` need a `value` (invalidValue, §3.5.2.1, §3.5.2.3).
 */
import { isPlainObject } from '../filter/attribute-values.js';
import { scimBadRequest } from '../filter/errors.js';
import {
  type PatchOperationName,
  normalizeEntraOperationName,
  readStructuralMember,
} from './entra-quirks.js';

export const PATCH_OP_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/** Far above the few operations Entra sends per request; bounds the work of one request. */
export const DEFAULT_MAX_PATCH_OPERATIONS = 1000;

export interface PatchOperation {
  readonly op: PatchOperationName;
  readonly path: string | undefined;
  /** `undefined` when the operation has no `value` member. */
  readonly value: unknown;
  /** 1-based position in `Operations`, for messages. */
  readonly number: number;
}

function readOperationList(body: unknown): unknown[] {
  if (Array.isArray(body)) return body;
  if (!isPlainObject(body)) {
    throw scimBadRequest('invalidSyntax', 'The PATCH body must be a PatchOp message with "Operations"');
  }
  const schemas = readStructuralMember(body, 'schemas');
  const listsPatchOp =
    Array.isArray(schemas) &&
    schemas.some(
      (schema) => typeof schema === 'string' && schema.toLowerCase() === PATCH_OP_SCHEMA.toLowerCase(),
    );
  if (!listsPatchOp) {
    throw scimBadRequest(
      'invalidSyntax',
      `The PATCH body's "schemas" must be ["${PATCH_OP_SCHEMA}"] (RFC 7644 §3.5.2)`,
    );
  }
  const operations = readStructuralMember(body, 'Operations');
  if (!Array.isArray(operations)) {
    throw scimBadRequest('invalidSyntax', 'The PATCH body must hold an "Operations" list (RFC 7644 §3.5.2)');
  }
  return operations;
}

function readOperation(raw: unknown, number: number): PatchOperation {
  const where = `Operation ${number}`;
  if (!isPlainObject(raw)) throw scimBadRequest('invalidSyntax', `${where} must be an object with "op"`);
  const opText = readStructuralMember(raw, 'op');
  const op = typeof opText === 'string' ? normalizeEntraOperationName(opText) : undefined;
  if (op === undefined) {
    throw scimBadRequest(
      'invalidSyntax',
      `${where}: "op" must be "add", "replace" or "remove", not ${describe(opText)}`,
    );
  }
  const path = readStructuralMember(raw, 'path');
  if (path !== undefined && path !== null && typeof path !== 'string') {
    throw scimBadRequest('invalidPath', `${where}: "path" must be a string, not ${describe(path)}`);
  }
  const hasPath = typeof path === 'string' && path.trim() !== '';
  if (op === 'remove' && !hasPath) {
    throw scimBadRequest('noTarget', `${where}: remove needs a "path" (RFC 7644 §3.5.2.2)`);
  }
  const value = readStructuralMember(raw, 'value');
  if (op !== 'remove' && value === undefined) {
    throw scimBadRequest('invalidValue', `${where}: ${op} needs a "value" (RFC 7644 §3.5.2.1, §3.5.2.3)`);
  }
  return { op, path: hasPath ? path : undefined, value, number };
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object' && value !== null) return 'an object';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}..."` : text;
}

/** Validates the PATCH body and returns its operations in order. */
export function readPatchOperations(
  body: unknown,
  maxOperations = DEFAULT_MAX_PATCH_OPERATIONS,
): PatchOperation[] {
  const list = readOperationList(body);
  if (list.length === 0) throw scimBadRequest('invalidSyntax', 'The PATCH body has no operations');
  if (list.length > maxOperations) {
    throw scimBadRequest(
      'invalidSyntax',
      `A PATCH may hold at most ${maxOperations} operations, not ${list.length}`,
    );
  }
  return list.map((raw, index) => readOperation(raw, index + 1));
}
