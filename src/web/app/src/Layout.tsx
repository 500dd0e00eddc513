import { useEffect, useRef, type ReactNode } from 'react';
import { signOut } from './api/session';
import { SessionEndedNotice } from './components/session-ended';
import { Link, useLocation } from './router';
import { useSession } from './hooks';

const sections: readonly (readonly [path: string, label: string])[] = [
  ['/', 'Integrations'],
  ['/users', 'Users'],
  ['/groups', 'Groups'],
  ['/runs', 'Sync runs'],
  ['/audit', 'Audit log'],
  ['/webhooks', 'Webhooks'],
  ['/settings/sso', 'SSO'],
];

/** The frame of every signed-in page: who and where you are, the sections, and sign out. */
export function Layout(props: { children: ReactNode }) {
  const { session } = useSession();
  const { path } = useLocation();
  const main = useRef<HTMLElement>(null);
  const first = useRef(true);
  useEffect(() => {
    // After a navigation, keyboard and screen-reader users start at the new page's content, as
    // they would after a full page load; the first render keeps the browser's own focus.
    if (first.current) first.current = false;
    else main.current?.focus();
  }, [path]);
  const active = (section: string) =>
    section === '/' ? path === '/' || path.startsWith('/connections') : path.startsWith(section);
  const out = async () => {
    await signOut().catch(() => undefined);
    window.location.assign('/sign-in');
  };
  return (
    <div className="shell">
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link to="/" className="brand">
          Roster
        </Link>
        <span className="org">
          {session.organization ? session.organization.name : 'No organization'}
          {session.kind === 'operator' && (
            <>
              {' · '}
              <Link to="/organizations">switch</Link>
            </>
          )}
        </span>
        <span className="who">
          {session.displayName} <span className="role">({session.role})</span>
        </span>
        <button type="button" className="link-button" onClick={() => void out()}>
          Sign out
        </button>
      </header>
      <nav className="sections" aria-label="Sections">
        {sections.map(([to, label]) => (
          <Link key={to} to={to} aria-current={active(to) ? 'page' : undefined}>
            {label}
          </Link>
        ))}
      </nav>
      <SessionEndedNotice />
      <main id="main" tabIndex={-1} ref={main}>
        {props.children}
      </main>
    </div>
  );
}
