import { useEffect, useRef, useState } from 'react';
import { loadSession } from '../api/session';
import { currentAddress, navigate } from '../router';
import { useSession, useSessionEnded } from '../hooks';

/**
 * When the session ends under an open page (signed out in another tab, or past its 8 hours),
 * every request is refused. The page stays as it is, unsaved edits included, and the admin
 * chooses: sign in in a new tab and carry on here, or sign in in this tab and come back to this
 * address (what was not saved is then lost, and the link says so).
 */

/** The sign-in page, told to come back to `returnTo` (a path of this portal) afterwards. */
export function signInAddress(returnTo: string): string {
  return `/sign-in?${new URLSearchParams({ return: returnTo }).toString()}`;
}

/** A portal path to come back to after signing in, or undefined: never another site (`//host`). */
export function safeReturnTo(raw: string | null | undefined): string | undefined {
  if (!raw || !raw.startsWith('/') || raw.startsWith('//') || raw.startsWith('/\\')) return undefined;
  return raw;
}

export function SessionEndedNotice() {
  const ended = useSessionEnded();
  const { session, reload } = useSession();
  const [checking, setChecking] = useState(false);
  const [stillOut, setStillOut] = useState(false);
  const organizationId = session.organization?.id ?? null;
  // The latest values, for the focus listener below, which is added once per ending.
  const latest = useRef({ organizationId, reload });
  latest.current = { organizationId, reload };

  /** Signed in again (in another tab)? Then carry on: loading the session clears "ended". */
  const resume = async (told: boolean) => {
    setChecking(true);
    try {
      const now = await loadSession().catch(() => null);
      if (!now) {
        // Only the button answers "not yet"; a check on coming back to the tab stays quiet.
        if (told) setStillOut(true);
        return;
      }
      latest.current.reload();
      // Signed in to another organization: what this page shows belongs to the one before.
      if ((now.organization?.id ?? null) !== latest.current.organizationId) navigate('/');
    } finally {
      setChecking(false);
    }
  };
  const resumeRef = useRef(resume);
  resumeRef.current = resume;

  useEffect(() => {
    setStillOut(false);
    if (!ended) return undefined;
    // Coming back from the tab where they signed in is enough; no need to find the button.
    const check = () => {
      if (document.visibilityState === 'visible') void resumeRef.current(false);
    };
    window.addEventListener('focus', check);
    document.addEventListener('visibilitychange', check);
    return () => {
      window.removeEventListener('focus', check);
      document.removeEventListener('visibilitychange', check);
    };
  }, [ended]);

  if (!ended) return null;
  const signIn = signInAddress(currentAddress());
  return (
    <div className="notice warning session-ended" role="alert">
      <p>
        <strong>Your session has ended — sign in again.</strong> Nothing on this page is lost yet.
      </p>
      <div className="actions">
        <a className="button primary" href={signIn} target="_blank" rel="noopener">
          Sign in in a new tab
        </a>
        <button type="button" disabled={checking} onClick={() => void resume(true)}>
          I have signed in — continue
        </button>
        <a className="button" href={signIn}>
          Sign in here (unsaved changes are lost)
        </a>
      </div>
      {stillOut && <p>You are not signed in yet: sign in in the new tab, then continue here.</p>}
    </div>
  );
}
