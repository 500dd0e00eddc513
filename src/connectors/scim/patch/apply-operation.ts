/**
 * Applies one add, replace or remove to one attribute (RFC 7644 §3.5.2.1–3):
 * - add: a multi-valued attribute gets the new values appended, values already present are not
 *   repeated; a complex attribute gets the given sub-attributes merged; any other attribute is
 *   set (Entra uses `Add` on single-valued attributes as "set").
 * - replace: a multi-valued attribute gets exactly the new values; a complex attribute gets the
 *   given sub-attributes replaced and keeps the others (§3.5.2.3); `attr[filter]` values are
 *   replaced, `attr[filter].sub` sub-attributes set; a filter matching nothing is noTarget unless
 *   Entra's element-creating shape applies (`elementForEntraFilteredPath`).
 * - remove: the attribute, sub-attribute or selected values go; a target that is already absent
 *   is not an error (Entra removes freely). With a `value` (Entra's member removal shape, for any
 *   multi-valued attribute) only the equal values go.
 * - at most one value stays `primary` (RFC 7643 §2.4): the one just written wins.
 * The value is computed from the old one without mutation; mutability is then checked by
 * comparing the two (RFC 7643 §2.2: readOnly never changes, immutable only from unassigned).
 */
import { type JsonObject, isPlainObject } from '../filter/attribute-values.js';
import { scimBadRequest } from '../filter/errors.js';
import type { PatchOperationName } from './entra-quirks.js';
import { elementForEntraFilteredPath } from './entra-quirks.js';
import { coerceAttributeValue, coerceSingleValue } from './coerce-value.js';
import { isUnassigned, sameValue, setOwn } from './json-values.js';
import { type PatchTarget, readTargetValue, writeTargetValue } from './patch-target.js';

export interface TargetedOperation {
  readonly op: PatchOperationName;
  readonly target: PatchTarget;
  /** The operation's `value`; `undefined` when the operation has none. */
  readonly value: unknown;
}

function asList(value: unknown): unknown[] {
  if (isUnassigned(value)) return [];
  return Array.isArray(value) ? Array.from<unknown>(value) : [value];
}

function withSub(element: unknown, name: string, value: unknown): JsonObject | undefined {
  const copy: JsonObject = isPlainObject(element) ? { ...element } : {};
  for (const key of Object.keys(copy)) if (key.toLowerCase() === name.toLowerCase()) delete copy[key];
  if (!isUnassigned(value)) setOwn(copy, name, value);
  return Object.keys(copy).length === 0 ? undefined : copy;
}

/** RFC 7643 §2.4: "primary" true at most once; the values in `fresh` win. */
function keepOnePrimary(list: unknown[], fresh: ReadonlySet<unknown>): unknown[] {
  const primaries = list.filter((item) => isPlainObject(item) && item.primary === true);
  if (primaries.length < 2) return list;
  const winner = [...primaries].reverse().find((item) => fresh.has(item)) ?? primaries[primaries.length - 1];
  return list.map((item) =>
    item !== winner && primaries.includes(item) ? { ...(item as JsonObject), primary: false } : item,
  );
}

/**
 * Which stored value a `remove` with a value takes away. Complex values are identified by their
 * `value` sub-attribute when the request names one: Entra removes an app role by sending
 * `[{"value":"Admin"}]` or the JSON text `{"id":…,"value":"Admin","displayName":"Admin"}`, never the
 * stored object with its `primary`, `type` and `display` as POST wrote them.
 */
function removalMatches(item: unknown, gone: unknown, definition: PatchTarget['definition']): boolean {
  if (isPlainObject(item) && isPlainObject(gone) && gone.value !== undefined && item.value !== undefined) {
    const valueDefinition = definition?.subAttributes?.find((sub) => sub.name === 'value');
    return sameValue(item.value, gone.value, valueDefinition);
  }
  return sameValue(item, gone, definition);
}

function nextWhole({ op, target, value }: TargetedOperation, before: unknown): unknown {
  const { definition, label } = target;
  const multiValued = definition?.multiValued ?? (Array.isArray(before) && Array.isArray(value));
  if (op === 'remove') {
    if (value === undefined || value === null || !multiValued) return undefined;
    const doomed = asList(coerceAttributeValue(definition, value, label));
    return asList(before).filter((item) => !doomed.some((gone) => removalMatches(item, gone, definition)));
  }
  const coerced = coerceAttributeValue(definition, value, label);
  if (coerced === null) return undefined;
  if (multiValued) {
    const incoming = asList(coerced);
    const list = op === 'replace' ? [] : asList(before);
    for (const item of incoming) if (!list.some((old) => sameValue(old, item, definition))) list.push(item);
    return keepOnePrimary(list, new Set(incoming));
  }
  if (definition?.type === 'complex' && isPlainObject(coerced)) {
    return { ...(isPlainObject(before) ? before : {}), ...coerced };
  }
  return coerced;
}

function nextSub({ op, target, value }: TargetedOperation, before: unknown, sub: string): unknown {
  const subValue = op === 'remove' ? undefined : coerceSingleValue(target.subDefinition, value, target.label);
  const multiValued = target.definition?.multiValued ?? Array.isArray(before);
  if (!multiValued) return withSub(before, sub, subValue);
  const list = asList(before);
  // `emails.value` without a filter: every value's sub-attribute, or a first value if none.
  if (list.length === 0) return op === 'remove' ? undefined : [withSub(undefined, sub, subValue)];
  return list.map((item) => withSub(item, sub, subValue)).filter((item) => item !== undefined);
}

function nextFiltered(
  operation: TargetedOperation,
  before: unknown,
  selects: (value: unknown) => boolean,
): unknown {
  const { op, target, value } = operation;
  const list = asList(before);
  const selected = new Set(list.filter(selects));
  const sub = target.subAttribute;
  if (op === 'remove') {
    if (sub === undefined) return list.filter((item) => !selected.has(item));
    return list
      .map((item) => (selected.has(item) ? withSub(item, sub, undefined) : item))
      .filter((item) => item !== undefined);
  }
  const written =
    sub === undefined
      ? coerceSingleValue(target.definition, value, target.label)
      : coerceSingleValue(target.subDefinition, value, target.label);
  const fresh = new Set<unknown>();
  const update = (item: unknown) => {
    const next =
      sub !== undefined
        ? withSub(item, sub, written)
        : op === 'add' && isPlainObject(written)
          ? { ...(isPlainObject(item) ? item : {}), ...written }
          : written;
    fresh.add(next);
    return next;
  };
  if (selected.size > 0)
    return keepOnePrimary(
      list.map((item) => (selected.has(item) ? update(item) : item)),
      fresh,
    );
  const seed = target.valueFilter && elementForEntraFilteredPath(target.valueFilter, target.definition);
  if (seed === undefined || (sub === undefined && op === 'replace')) {
    throw scimBadRequest('noTarget', `"${target.label}" matches no value to ${op} (RFC 7644 §3.5.2.3)`);
  }
  return keepOnePrimary([...list, update(seed)], fresh);
}

function checkMutability(target: PatchTarget, before: unknown, after: unknown): void {
  const { definition, subDefinition, label } = target;
  if (sameValue(before, after)) return;
  const mutability = subDefinition?.mutability === 'readOnly' ? 'readOnly' : definition?.mutability;
  if (mutability === 'readOnly') {
    throw scimBadRequest('mutability', `"${label}" is readOnly and cannot be changed (RFC 7643 §2.2)`);
  }
  if (mutability === 'immutable' && !isUnassigned(before)) {
    throw scimBadRequest('mutability', `"${label}" is immutable once set (RFC 7643 §2.2)`);
  }
  if (definition?.required === true && isUnassigned(after)) {
    throw scimBadRequest(
      'invalidValue',
      `"${definition.name}" is required and cannot be removed (RFC 7643 §2.2)`,
    );
  }
}

/** Applies one operation to `resource` in place (the caller works on a copy). */
export function applyTargetedOperation(resource: JsonObject, operation: TargetedOperation): void {
  const { target } = operation;
  const before = readTargetValue(resource, target);
  const after =
    target.selects !== undefined
      ? nextFiltered(operation, before, target.selects)
      : target.subAttribute !== undefined
        ? nextSub(operation, before, target.subAttribute)
        : nextWhole(operation, before);
  checkMutability(target, before, after);
  writeTargetValue(resource, target, after);
}
