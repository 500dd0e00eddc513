/**
 * PATCH of a Group's `members` (RFC 7643 §4.2, RFC 7644 §3.5.2). Members are rows, not an array
 * in the resource, because a group may have 100,000 of them (DESIGN.md, Storage): these
 * operations are reported as changes for the store to apply, never materialised.
 *
 * Shapes accepted (both with and without Entra's `aadOptscim062020` flag):
 *   add     members                 value [{"value": id, "$ref": null}, …]     → added
 *   remove  members[value eq "id"]  (with the flag; `or` of such terms too)    → removed
 *   remove  members                 value [{"value": id}, …]  (without the flag) → removed
 *   remove  members                 no value                                   → removeAllMembers
 *   replace members                 value [...]                                → removeAllMembers + added
 * Apply the result in that order: removeAllMembers, then removed, then added.
 */
import type { Filter, PatchPath } from '../filter/ast.js';
import { getOwnValue, isPlainObject } from '../filter/attribute-values.js';
import { scimBadRequest } from '../filter/errors.js';
import type { PatchOperationName } from './entra-quirks.js';

export interface MemberChanges {
  /** Member ids (`members.value`) to add, in request order. */
  readonly added: string[];
  /** Member ids to remove. */
  readonly removed: string[];
  /** Every existing member goes first (`remove members`, `replace members`). */
  readonly removeAllMembers: boolean;
}

export class MemberChangeSet {
  readonly #added = new Set<string>();
  readonly #removed = new Set<string>();
  #removeAll = false;

  add(id: string): void {
    this.#removed.delete(id);
    this.#added.add(id);
  }

  remove(id: string): void {
    this.#added.delete(id);
    // After "remove all", a single removal has nothing left to remove.
    if (!this.#removeAll) this.#removed.add(id);
  }

  removeAll(): void {
    this.#added.clear();
    this.#removed.clear();
    this.#removeAll = true;
  }

  get isEmpty(): boolean {
    return this.#added.size === 0 && this.#removed.size === 0 && !this.#removeAll;
  }

  toJSON(): MemberChanges {
    return { added: [...this.#added], removed: [...this.#removed], removeAllMembers: this.#removeAll };
  }
}

/** The ids in a `members` value: a list of (or one) `{"value": id}` objects. */
export function memberIdsOf(value: unknown, label: string): string[] {
  const items = Array.isArray(value) ? value : [value];
  return items
    .filter((item) => item !== null)
    .map((item) => {
      const id = isPlainObject(item) ? getOwnValue(item, 'value') : undefined;
      if (typeof id !== 'string' || id === '') {
        throw scimBadRequest(
          'invalidValue',
          `Each value of "${label}" must be an object with a "value" holding a member id`,
        );
      }
      return id;
    });
}

/** The ids a `members[...]` filter selects: `value eq "id"` terms, alone or joined by `or`. */
function memberIdsSelectedBy(filter: Filter, label: string): string[] {
  const terms = filter.kind === 'or' ? filter.filters : [filter];
  return terms.map((term) => {
    const isValueEquality =
      term.kind === 'comparison' &&
      term.operator === 'eq' &&
      typeof term.value === 'string' &&
      term.path.uri === undefined &&
      term.path.subAttribute === undefined &&
      term.path.attribute.toLowerCase() === 'value';
    if (!isValueEquality) {
      throw scimBadRequest(
        'invalidFilter',
        `"${label}": members can only be selected by value eq "<id>" (joined by or)`,
      );
    }
    return term.value;
  });
}

export function applyMembersOperation(
  changes: MemberChangeSet,
  op: PatchOperationName,
  path: PatchPath | undefined,
  value: unknown,
  label: string,
): void {
  if (path?.subAttribute !== undefined || path?.attrPath.subAttribute !== undefined) {
    throw scimBadRequest(
      'invalidPath',
      `"${label}": member sub-attributes cannot be patched; add or remove members`,
    );
  }
  const filter = path?.valueFilter;
  if (filter !== undefined) {
    if (op !== 'remove')
      throw scimBadRequest('invalidPath', `"${label}": a members filter is only valid with remove`);
    for (const id of memberIdsSelectedBy(filter, label)) changes.remove(id);
    return;
  }
  if (op === 'remove') {
    if (value === undefined || value === null) changes.removeAll();
    else for (const id of memberIdsOf(value, label)) changes.remove(id);
    return;
  }
  if (value === undefined) throw scimBadRequest('invalidValue', `"${op}" of "${label}" needs a value`);
  if (op === 'replace') changes.removeAll();
  if (value !== null) for (const id of memberIdsOf(value, label)) changes.add(id);
}
