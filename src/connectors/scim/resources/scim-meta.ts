/** `meta` of RFC 7643 §3.1: resourceType, created, lastModified, location and a weak version. */
export interface ScimMeta {
  resourceType: 'User' | 'Group';
  created: string;
  lastModified: string;
  location: string;
  version: string;
}

/**
 * The weak ETag of a version. The version counts writes to the resource itself: a User's `groups`
 * are written through the Group resources (RFC 7643 §4.1.2) and do not move it.
 */
export function etagOf(version: number): string {
  return `W/"${version}"`;
}

export function buildMeta(
  resourceType: 'User' | 'Group',
  row: { created_at: string; updated_at: string; version: number; id: string },
  baseUrl: string,
): ScimMeta {
  return {
    resourceType,
    created: row.created_at,
    lastModified: row.updated_at,
    location: `${baseUrl}/${resourceType}s/${row.id}`,
    version: etagOf(row.version),
  };
}

/** Whether an If-Match header allows writing the current version (RFC 7644 §3.14). */
export function ifMatchAllows(header: string | undefined, version: number): boolean {
  if (header === undefined || header.trim() === '*') return true;
  const current = etagOf(version);
  return header.split(',').some((tag) => {
    const trimmed = tag.trim();
    return trimmed === current || `W/${trimmed}` === current;
  });
}

/**
 * Whether an If-None-Match header names the current version (RFC 7644 §3.14, RFC 7232 §3.2): `*`,
 * or one of its tags under weak comparison, where `W/"3"` and `"3"` are the same tag.
 */
export function ifNoneMatchMatches(header: string | undefined, version: number): boolean {
  if (header === undefined) return false;
  if (header.trim() === '*') return true;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  return header.split(',').some((tag) => opaque(tag) === opaque(etagOf(version)));
}
