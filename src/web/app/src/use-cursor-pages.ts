import { useState } from 'react';

/**
 * The cursor trail of a paged list: the current page's cursor, and the ones before it so
 * "Previous" can go back. Changing a filter starts again from the first page.
 */
export function useCursorPages() {
  const [trail, setTrail] = useState<(string | undefined)[]>([undefined]);
  const cursor = trail[trail.length - 1];
  return {
    cursor,
    hasPrevious: trail.length > 1,
    next: (nextCursor: string) => setTrail((t) => [...t, nextCursor]),
    previous: () => setTrail((t) => (t.length > 1 ? t.slice(0, -1) : t)),
    reset: () => setTrail([undefined]),
  };
}
