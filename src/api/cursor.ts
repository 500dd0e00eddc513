import { invalidInput } from '../errors.js';

/**
 * Opaque cursors for keyset paging: the sort key of the last item of a page, base64url encoded.
 * Clients pass back `nextCursor` as it is; a cursor that does not decode is a 400.
 */
export function encodeCursor(parts: readonly string[]): string {
  return Buffer.from(JSON.stringify(parts)).toString('base64url');
}

export function decodeCursor(cursor: string | undefined, size: number): string[] | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  try {
    const parts: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parts) && parts.length === size && parts.every((part) => typeof part === 'string')) {
      return parts;
    }
  } catch {
    // Falls through to the error below: any undecodable cursor is the client's mistake.
  }
  throw invalidInput('cursor is not one this API gave out', 'cursor');
}

/** The next cursor when the query fetched one row more than the page holds, else null. */
export function nextCursorOf<T>(rows: readonly T[], limit: number, key: (row: T) => string[]): string | null {
  const last = rows[limit - 1];
  return rows.length > limit && last !== undefined ? encodeCursor(key(last)) : null;
}
