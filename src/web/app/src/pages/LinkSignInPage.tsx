import { useEffect, useState } from 'react';
import { post } from '../api/client';
import { Loading, Notice } from '../components/ui';

/**
 * The landing page of `roster admin link`: the one-time token is in the URL fragment (never sent
 * to any server by the browser), so this page takes it, removes it from the address bar and
 * history, and spends it with a POST.
 */
export function LinkSignInPage() {
  const [error, setError] = useState<string>();
  useEffect(() => {
    const token = window.location.hash.slice(1);
    window.history.replaceState(null, '', '/sign-in/link');
    if (token === '') {
      setError('This link has no token. Run `roster admin link` again.');
      return;
    }
    post<{ signedIn: boolean }>('/auth/link', { token }).then(
      () => window.location.assign('/'),
      (failure: unknown) => setError(failure instanceof Error ? failure.message : String(failure)),
    );
  }, []);
  return (
    <main className="sign-in" id="main">
      <h1>Roster</h1>
      {error ? (
        <Notice kind="error">
          {error} <a href="/sign-in">Sign in another way</a>
        </Notice>
      ) : (
        <Loading />
      )}
    </main>
  );
}
