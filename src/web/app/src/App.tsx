import { useMemo } from 'react';
import { loadSession } from './api/session';
import { ErrorNotice, Loading } from './components/ui';
import { Layout } from './Layout';
import { LinkSignInPage } from './pages/LinkSignInPage';
import { SignInPage } from './pages/SignInPage';
import { Routes } from './Routes';
import { useLocation } from './router';
import { SessionContext } from './session-context';
import { useAsync } from './use-async';

/** Loads the session once; without one, every path shows the sign-in page. */
export function App() {
  const { path } = useLocation();
  if (path === '/sign-in/link') return <LinkSignInPage />;
  return <SignedInApp path={path} />;
}

function SignedInApp(props: { path: string }) {
  const { path } = props;
  const state = useAsync(loadSession, []);
  const context = useMemo(
    () => (state.data ? { session: state.data, reload: state.reload } : null),
    [state.data, state.reload],
  );
  if (state.loading && state.data === undefined) return <Loading />;
  if (state.error) return <ErrorNotice error={state.error} />;
  if (!context || path === '/sign-in') return <SignInPage signedIn={context !== null} />;
  return (
    <SessionContext.Provider value={context}>
      <Layout>
        <Routes />
      </Layout>
    </SessionContext.Provider>
  );
}
