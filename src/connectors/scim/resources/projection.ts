import { parseAttributePath } from '../filter/index.js';
import type { ScimResourceType } from '../schema/attribute-schema.js';
import { locateAttribute } from '../schema/attribute-schema.js';

/** Attributes that are always returned (RFC 7643 §7 `returned: always`). */
const alwaysReturned = new Set(['id', 'schemas']);

export interface Projection {
  attributes: string[] | undefined;
  excludedAttributes: string[] | undefined;
}

export function parseProjection(query: { attributes?: string; excludedAttributes?: string }): Projection {
  const split = (value: string | undefined) =>
    value === undefined || value.trim() === ''
      ? undefined
      : value
          .split(',')
          .map((part) => part.trim())
          .filter(Boolean);
  return { attributes: split(query.attributes), excludedAttributes: split(query.excludedAttributes) };
}

/** Whether the projection leaves out a top-level attribute, e.g. `members` (RFC 7644 §3.4.2.5). */
export function excludes(projection: Projection, resourceType: ScimResourceType, attribute: string): boolean {
  const names = (list: string[] | undefined) =>
    (list ?? []).map((entry) => topLevelName(resourceType, entry));
  if (projection.attributes) return !names(projection.attributes).includes(attribute.toLowerCase());
  return names(projection.excludedAttributes).includes(attribute.toLowerCase());
}

/** Applies `attributes` / `excludedAttributes` to a rendered resource. */
export function project(
  resource: Record<string, unknown>,
  projection: Projection,
  resourceType: ScimResourceType,
): Record<string, unknown> {
  if (!projection.attributes && !projection.excludedAttributes) return resource;
  const out: Record<string, unknown> = {};
  if (projection.attributes) {
    const wanted = paths(resourceType, projection.attributes);
    for (const [key, value] of Object.entries(resource)) {
      const lower = key.toLowerCase();
      if (alwaysReturned.has(lower)) out[key] = value;
      else if (wanted.has(lower)) out[key] = value;
      else {
        const subs = [...wanted]
          .filter((path) => path.startsWith(`${lower}.`))
          .map((path) => path.slice(lower.length + 1));
        if (subs.length > 0) out[key] = pick(value, subs);
      }
    }
    return out;
  }
  const unwanted = paths(resourceType, projection.excludedAttributes ?? []);
  for (const [key, value] of Object.entries(resource)) {
    const lower = key.toLowerCase();
    if (!alwaysReturned.has(lower) && unwanted.has(lower)) continue;
    out[key] = value;
  }
  return out;
}

function pick(value: unknown, subs: string[]): unknown {
  if (Array.isArray(value)) return value.map((item) => pick(item, subs));
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).filter(([key]) => subs.includes(key.toLowerCase())));
}

/** Lower-cased `attr` or `attr.sub` paths; URN-qualified names map to their extension object. */
function paths(resourceType: ScimResourceType, list: string[]): Set<string> {
  const out = new Set<string>();
  for (const entry of list) {
    const path = parseAttributePath(entry);
    const location = locateAttribute(resourceType, path);
    const top = location?.extensionUrn ? location.extensionUrn : (location?.name ?? path.attribute);
    const rest = location?.extensionUrn ? [location.name, path.subAttribute] : [path.subAttribute];
    out.add([top, ...rest].filter(Boolean).join('.').toLowerCase());
  }
  return out;
}

function topLevelName(resourceType: ScimResourceType, entry: string): string {
  const path = parseAttributePath(entry);
  const location = locateAttribute(resourceType, path);
  return (location?.extensionUrn ?? location?.name ?? path.attribute).toLowerCase();
}
