import { createContext, useCallback, useContext, useEffect, useRef, useState } from 'react';
import type { Session } from './api/session';

/**
 * The few hooks every page uses: loading data, running an action from a button, debouncing
 * typing, walking cursor pages, and reading the signed-in session.
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

/** Runs an action from a button: tracks busy, keeps the error to show next to the button. */
export function useAction<A extends unknown[], T>(
  action: (...args: A) => Promise<T>,
): { run: (...args: A) => Promise<T | undefined>; busy: boolean; error: Error | undefined } {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error>();
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
  return { run, busy, error };
}

/**
 * Calls `tick` every `intervalMs` while `active`: live things (a running sync, Entra's last SCIM
 * request) refresh by themselves. The latest `tick` is called, so callers need not memoise it.
 */
export function usePolling(tick: () => void, intervalMs: number, active = true): void {
  const latest = useRef(tick);
  latest.current = tick;
  useEffect(() => {
    if (!active) return undefined;
    const timer = window.setInterval(() => latest.current(), intervalMs);
    return () => window.clearInterval(timer);
  }, [intervalMs, active]);
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
