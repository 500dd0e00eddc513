/**
 * SCIM PATCH (RFC 7644 §3.5.2), pure: no I/O, the input resource is never mutated.
 *
 *   applyPatch(resource, body, 'User' | 'Group', options?)
 *     → { resource, memberChanges: { added, removed, removeAllMembers }, modified }
 *   normalizeScimBooleans(body, resourceType)   Entra's "True"/"False" in POST and PUT bodies
 *
 * Errors are `ScimProtocolError` (status 400 and a `scimType`: invalidSyntax, invalidPath,
 * invalidFilter, invalidValue, mutability, noTarget). Entra's deviations live in entra-quirks.ts.
 */
export { type ApplyPatchOptions, type PatchResult, applyPatch } from './apply-patch.js';
export type { MemberChanges } from './group-members.js';
export { normalizeScimBooleans } from './normalize-booleans.js';
export {
  DEFAULT_MAX_PATCH_OPERATIONS,
  PATCH_OP_SCHEMA,
  type PatchOperation,
  readPatchOperations,
} from './read-operations.js';
export {
  type PatchOperationName,
  elementForEntraFilteredPath,
  expandPathlessReplaceKeys,
  normalizeEntraManagerValue,
  normalizeEntraOperationName,
  parseEntraBoolean,
  parseEntraRoleValue,
} from './entra-quirks.js';
