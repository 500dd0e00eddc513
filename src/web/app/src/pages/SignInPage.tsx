import { useState, type FormEvent } from 'react';
import { safeReturnTo } from '../components/session-ended';
import { signInErrorText } from '../components/sign-in-errors';
import { Field, Notice } from '../components/ui';
import { currentAddress, navigate, useLocation } from '../router';

/**
 * Sign-in: the admin names their organization and goes to Microsoft; Entra sends them back to
 * /auth/callback. Errors from that trip come back here as ?error=<code>: the page shows its own
 * text for the code. A `message` in the address is ignored, so a crafted link cannot put its
 * words on this page. After signing in, the admin lands where they were: the page shown here in
 * place of a signed-in one, or `?return=` (a portal path) when sent here because a session ended.
 */
export function SignInPage(props: { signedIn: boolean }) {
  const { path, query } = useLocation();
  const [org, setOrg] = useState(query.get('org') ?? window.localStorage.getItem('roster.org') ?? '');
  const message = signInErrorText(query.get('error'));
  const returnTo = path === '/sign-in' ? safeReturnTo(query.get('return')) : currentAddress();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    window.localStorage.setItem('roster.org', org.trim());
    const params = new URLSearchParams({ org: org.trim() });
    if (returnTo) params.set('return_to', returnTo);
    window.location.assign(`/auth/sign-in?${params.toString()}`);
  };
  return (
    <main className="sign-in" id="main">
      <h1>Roster</h1>
      <p className="muted">Directory sync from Microsoft Entra ID</p>
      {message && <Notice kind="error">{message}</Notice>}
      {props.signedIn && (
        <Notice>
          You are signed in.{' '}
          <a href={returnTo ?? '/'} onClick={(e) => (e.preventDefault(), navigate(returnTo ?? '/'))}>
            {returnTo ? 'Go back to the page' : 'Open the portal'}
          </a>
        </Notice>
      )}
      <form onSubmit={submit} className="card">
        <Field
          label="Organization"
          name="org"
          value={org}
          required
          autoComplete="organization"
          placeholder="acme"
          hint="The short name your platform gave your organization"
          onChange={(e) => setOrg(e.target.value)}
        />
        <button type="submit" className="primary">
          Sign in with Microsoft
        </button>
      </form>
      <p className="muted small">
        Operators of this Roster installation: run <code>npx roster admin link</code> for a one-time sign-in
        link.
      </p>
    </main>
  );
}
