/** `meta` of RFC 7643 §3.1: resourceType, created, lastModified, location and a weak version. */
export interface ScimMeta {
  resourceType: 'User' | 'Group';
  created: string;
  lastModified: string;
  location: string;
  version: string;
}

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
