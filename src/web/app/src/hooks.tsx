import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useRef,
  useState,
  useSyncExternalStore,
} from 'react';
import { isSessionEnded, subscribeSessionEnded } from './api/client';
import type { Session } from './api/session';
import { replaceQuery, useLocation } from './router';

/**
 * The few hooks every page uses: loading data, running an action from a button, debouncing
 * typing, walking cursor pages, keeping a list's filters in the address, and reading the
 * signed-in session.
 */

/**
 * Loads data for a page and re-loads when its inputs change. A slower answer to an older request
 * never overwrites a newer one (search as you type fires many requests).
 */
export interface AsyncState<T> {
  data: T | undefined;
  error: Error | undefined;
  loading: boolean;
  reload: () => void;
}

export function useAsync<T>(load: () => Promise<T>, deps: readonly unknown[]): AsyncState<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<Error>();
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  const latest = useRef(0);

  useEffect(() => {
    const ticket = ++latest.current;
    setLoading(true);
    load().then(
      (value) => {
        if (ticket !== latest.current) return;
        setData(value);
        setError(undefined);
        setLoading(false);
      },
      (failure: unknown) => {
        if (ticket !== latest.current) return;
        setError(failure instanceof Error ? failure : new Error(String(failure)));
        setLoading(false);
      },
    );
    // The caller lists the inputs of `load`, as with useEffect itself.
  }, [...deps, tick]);

  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { data, error, loading, reload };
}

/**
 * Runs an action from a button: tracks busy, keeps the error to show next to the button until the
 * next run, or until `reset` when what the error says no longer holds. A failed action leaves the
 * caller's form as it was: an ended session (SessionEndedError) must not cost unsaved edits.
 */
export function useAction<A extends unknown[], T>(
  action: (...args: A) => Promise<T>,
): {
  run: (...args: A) => Promise<T | undefined>;
  busy: boolean;
  error: Error | undefined;
  reset: () => void;
} {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error>();
  const reset = useCallback(() => setError(undefined), []);
  const run = async (...args: A) => {
    setBusy(true);
    setError(undefined);
    try {
      return await action(...args);
    } catch (failure) {
      setError(failure instanceof Error ? failure : new Error(String(failure)));
      return undefined;
    } finally {
      setBusy(false);
    }
  };
  return { run, busy, error, reset };
}

/** Whether the session ended under the open page (a request was answered 401). */
export function useSessionEnded(): boolean {
  return useSyncExternalStore(subscribeSessionEnded, isSessionEnded);
}

/**
 * Calls `tick` every `intervalMs` while `active`: live things (a running sync, Entra's last SCIM
 * request) refresh by themselves. The latest `tick` is called, so callers need not memoise it.
 * Polling pauses while the session has ended: each answer would only be another 401.
 */
export function usePolling(tick: () => void, intervalMs: number, active = true): void {
  const latest = useRef(tick);
  latest.current = tick;
  const ended = useSessionEnded();
  const running = active && !ended;
  useEffect(() => {
    if (!running) return undefined;
    const timer = window.setInterval(() => latest.current(), intervalMs);
    return () => window.clearInterval(timer);
  }, [intervalMs, running]);
}

/** A value that follows `value` once typing has paused, so search as you type sends few requests. */

export function useDebounced<T>(value: T, delayMs = 250): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = window.setTimeout(() => setSettled(value), delayMs);
    return () => window.clearTimeout(timer);
  }, [value, delayMs]);
  return settled;
}

/**
 * The cursor trail of a paged list: the current page's cursor, and the ones before it so
 * "Previous" can go back. Changing a filter starts again from the first page.
 */
export function useCursorPages(): CursorPages {
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

/** A cursor trail as list pages walk it: `PagedTable` takes either kind below. */
export interface CursorPages {
  cursor: string | undefined;
  hasPrevious: boolean;
  next: (nextCursor: string) => void;
  previous: () => void;
  reset: () => void;
}

/** The cursors before the current one (`''` for the first page), kept with the history entry. */
interface CursorTrailState {
  cursorTrail: string[];
}

function cursorTrailOf(state: unknown): string[] {
  const trail = (state as Partial<CursorTrailState> | null)?.cursorTrail;
  return Array.isArray(trail) ? trail.filter((c): c is string => typeof c === 'string') : [];
}

/**
 * A list's filters and page in the address (`?status=inactive&cursor=…`), so Back from an item,
 * a reload or a shared link shows the same list. The page's cursor is in the query; the cursors
 * before it (for "Previous") travel with the history entry, and without them "Previous" goes back
 * to the first page. Changing a filter starts again from the first page.
 */
export function useListQuery<K extends string>(
  names: readonly K[],
): { values: Record<K, string>; set: (name: K, value: string) => void; pages: CursorPages } {
  const { query } = useLocation();
  const values = Object.fromEntries(names.map((name) => [name, query.get(name) ?? ''])) as Record<K, string>;
  const cursor = query.get('cursor') ?? undefined;
  const trail = cursorTrailOf(window.history.state);
  const pages: CursorPages = {
    cursor,
    hasPrevious: cursor !== undefined,
    next: (nextCursor) =>
      replaceQuery({ cursor: nextCursor }, { state: { cursorTrail: [...trail, cursor ?? ''] } }),
    previous: () =>
      replaceQuery({ cursor: trail[trail.length - 1] }, { state: { cursorTrail: trail.slice(0, -1) } }),
    reset: () => replaceQuery({ cursor: undefined }, { keepScroll: true }),
  };
  const set = (name: K, value: string) =>
    replaceQuery({ [name]: value, cursor: undefined }, { keepScroll: true });
  return { values, set, pages };
}

/**
 * A search box over a filter kept in the address: what is typed shows at once, and is committed
 * (to the address, so to the list) once typing pauses. When the address changes by other means
 * (Back, a link to the bare list), the box follows it.
 */
export function useSearchText(
  committed: string,
  commit: (text: string) => void,
): [string, (text: string) => void] {
  const [text, setText] = useState(committed);
  const settled = useDebounced(text.trim());
  const last = useRef(committed);
  useEffect(() => {
    if (settled === last.current) return;
    last.current = settled;
    commit(settled);
    // `commit` writes the address as it is when called; a newer closure would do the same.
  }, [settled]);
  useEffect(() => {
    if (committed === last.current) return;
    last.current = committed;
    setText(committed);
  }, [committed]);
  return [text, setText];
}

/** The signed-in session, for every page below the layout; reload() after switching organization. */
export interface SessionContextValue {
  session: Session;
  reload: () => void;
}

export const SessionContext = createContext<SessionContextValue | null>(null);

export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside the signed-in layout');
  return value;
}
