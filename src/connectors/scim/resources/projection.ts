/**
 * `attributes` and `excludedAttributes` (RFC 7644 §3.4.2.5, §3.9): which attributes an answer
 * carries. Each name is an attribute in the notation of RFC 7644 §3.10: `userName`, a
 * sub-attribute (`name.givenName`, `emails.value`), a fully qualified name
 * (`urn:…:core:2.0:User:displayName`, `urn:…:enterprise:2.0:User:department`) or a whole extension
 * (`urn:…:enterprise:2.0:User`). Names match case-insensitively (RFC 7643 §2.1). `id` and
 * `schemas` are returned always (RFC 7643 §7 `returned: always`). A value left empty by a
 * projection goes too (RFC 7643 §2.5: `{}` and `[]` are unassigned).
 *
 * The names are checked once, when the projection is parsed: a malformed one is `invalidPath`
 * before any work is done.
 */
import { parseAttributePath } from '../filter/index.js';
import { type ScimResourceType, isExtensionSchemaUrn, locateAttribute } from '../schema/attribute-schema.js';
import { isPlainObject } from './canonical-resource.js';

/** Attributes that are always returned (RFC 7643 §7 `returned: always`). */
const alwaysReturned = new Set(['id', 'schemas']);

/** Selected names as a tree, lower-cased: `true` selects the whole value below. */
type Selection = Map<string, Selection | true>;

export class Projection {
  readonly #included: Selection | undefined;
  readonly #excluded: Selection | undefined;

  constructor(included: Selection | undefined, excluded: Selection | undefined) {
    this.#included = included;
    this.#excluded = included === undefined ? excluded : undefined;
  }

  /** Whether a top-level attribute (a Group's `members`, a User's `groups`) is left out entirely. */
  excludes(attribute: string): boolean {
    const key = attribute.toLowerCase();
    if (alwaysReturned.has(key)) return false;
    if (this.#included !== undefined) return !this.#included.has(key);
    return this.#excluded?.get(key) === true;
  }

  /** The rendered resource with only the attributes the request asks for. */
  apply(resource: Record<string, unknown>): Record<string, unknown> {
    if (this.#included === undefined && this.#excluded === undefined) return resource;
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(resource)) {
      const projected = alwaysReturned.has(key.toLowerCase())
        ? value
        : this.#included !== undefined
          ? included(value, this.#included.get(key.toLowerCase()))
          : excluded(value, this.#excluded?.get(key.toLowerCase()));
      if (projected !== undefined) out[key] = projected;
    }
    return out;
  }
}

/** What stays of `value` when `selection` names what to keep below it. */
function included(value: unknown, selection: Selection | true | undefined): unknown {
  if (selection === undefined) return undefined;
  if (selection === true) return value;
  if (Array.isArray(value)) return unlessEmpty(value.map((item) => included(item, selection)));
  // A simple value has no sub-attributes to keep.
  if (!isPlainObject(value)) return undefined;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    const kept = included(inner, selection.get(key.toLowerCase()));
    if (kept !== undefined) out[key] = kept;
  }
  return unlessEmpty(out);
}

/** What stays of `value` when `selection` names what to leave out below it. */
function excluded(value: unknown, selection: Selection | true | undefined): unknown {
  if (selection === undefined) return value;
  if (selection === true) return undefined;
  if (Array.isArray(value)) return unlessEmpty(value.map((item) => excluded(item, selection)));
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    const kept = excluded(inner, selection.get(key.toLowerCase()));
    if (kept !== undefined) out[key] = kept;
  }
  return unlessEmpty(out);
}

function unlessEmpty(value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = value.filter((item) => item !== undefined);
    return items.length === 0 ? undefined : items;
  }
  return isPlainObject(value) && Object.keys(value).length === 0 ? undefined : value;
}

export function parseProjection(
  query: { attributes?: string; excludedAttributes?: string },
  resourceType: ScimResourceType,
): Projection {
  return new Projection(
    selectionOf(query.attributes, resourceType),
    selectionOf(query.excludedAttributes, resourceType),
  );
}

function selectionOf(list: string | undefined, resourceType: ScimResourceType): Selection | undefined {
  if (list === undefined || list.trim() === '') return undefined;
  const selection: Selection = new Map();
  for (const entry of list.split(',')) {
    const name = entry.trim();
    if (name === '') continue;
    const segments = segmentsOf(name, resourceType);
    if (segments !== undefined) select(selection, segments);
  }
  return selection;
}

/**
 * Where a name points in a rendered resource, lower-cased: `['name', 'givenname']`,
 * `['urn:…:enterprise:2.0:user', 'department']`, `['urn:…:enterprise:2.0:user']`. Undefined for a
 * name of another resource type's core schema, which selects nothing.
 */
function segmentsOf(name: string, resourceType: ScimResourceType): string[] | undefined {
  if (isExtensionSchemaUrn(name, resourceType)) return [name.toLowerCase()];
  const path = parseAttributePath(name);
  const location = locateAttribute(resourceType, path);
  if (location === undefined) return undefined;
  const segments = location.extensionUrn === undefined ? [] : [location.extensionUrn];
  segments.push(location.name);
  if (path.subAttribute !== undefined) segments.push(path.subAttribute);
  return segments.map((segment) => segment.toLowerCase());
}

function select(selection: Selection, segments: readonly string[]): void {
  const [head, ...rest] = segments;
  if (head === undefined) return;
  const existing = selection.get(head);
  if (existing === true) return;
  if (rest.length === 0) {
    selection.set(head, true);
    return;
  }
  const below: Selection = existing ?? new Map<string, Selection | true>();
  selection.set(head, below);
  select(below, rest);
}
