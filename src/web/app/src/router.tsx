import { useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent } from 'react';

/**
 * A router in a few lines: the path lives in the address bar, links push history entries, and
 * components re-render on navigation. The portal has a dozen pages; a library would be heavier.
 */
const listeners = new Set<() => void>();

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  window.addEventListener('popstate', listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('popstate', listener);
  };
}

const snapshot = () => currentAddress();

export function useLocation(): { path: string; query: URLSearchParams } {
  const current = useSyncExternalStore(subscribe, snapshot);
  const url = new URL(current, window.location.origin);
  return { path: url.pathname, query: url.searchParams };
}

/**
 * Goes to `to`. `state` travels with the history entry (window.history.state), not in the URL: a
 * page can say what was just done without a link being able to say it for us.
 */
export function navigate(
  to: string,
  options: { replace?: boolean; state?: unknown; keepScroll?: boolean } = {},
): void {
  const state = options.state ?? null;
  if (options.replace) window.history.replaceState(state, '', to);
  else window.history.pushState(state, '', to);
  for (const listener of listeners) listener();
  if (!options.keepScroll) window.scrollTo(0, 0);
}

/**
 * Changes the current address's query (an empty or undefined value removes the name) in place:
 * a list's filters and page live in the address, so Back from an item and a reload show the same
 * list, and replacing rather than pushing keeps Back from undoing one filter change at a time.
 */
export function replaceQuery(
  changes: Record<string, string | undefined>,
  options: { state?: unknown; keepScroll?: boolean } = {},
): void {
  const url = new URL(window.location.href);
  for (const [name, value] of Object.entries(changes)) {
    if (value === undefined || value === '') url.searchParams.delete(name);
    else url.searchParams.set(name, value);
  }
  navigate(url.pathname + url.search, { ...options, replace: true });
}

/** The current page's address (path and query), for a sign-in that returns to it. */
export function currentAddress(): string {
  return window.location.pathname + window.location.search;
}

/** Matches `/users/:id` style patterns; returns the named parts or undefined. */
export function matchPath(pattern: string, path: string): Record<string, string> | undefined {
  const want = pattern.split('/');
  const have = path.replace(/\/+$/, '').split('/');
  if (path === '/' && pattern === '/') return {};
  if (want.length !== have.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i += 1) {
    const w = want[i] ?? '';
    const h = have[i] ?? '';
    if (w.startsWith(':')) params[w.slice(1)] = decodeURIComponent(h);
    else if (w !== h) return undefined;
  }
  return params;
}

export function Link(props: AnchorHTMLAttributes<HTMLAnchorElement> & { to: string }) {
  const { to, onClick, ...rest } = props;
  const handle = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    // Let the browser handle new tabs and windows (ctrl/cmd/shift/middle click).
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey)
      return;
    event.preventDefault();
    navigate(to);
  };
  return <a href={to} onClick={handle} {...rest} />;
}
