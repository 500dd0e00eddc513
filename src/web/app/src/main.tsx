import { StrictMode, useMemo } from 'react';
import { createRoot } from 'react-dom/client';
import { ErrorNotice, Loading } from './components/ui';
import { Layout } from './Layout';
import { LinkSignInPage } from './pages/LinkSignInPage';
import { Routes } from './Routes';
import { SessionContext, useAsync } from './hooks';
import { SignInPage } from './pages/SignInPage';
import { loadSession } from './api/session';
import { useLocation } from './router';

/**
 * The portal's entry: the one-time link page needs no session; every other path loads the session
 * once and, without one, shows the sign-in page.
 */
function App() {
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
  if (state.error) return <ErrorNotice error={state.error} onRetry={state.reload} />;
  if (!context || path === '/sign-in') return <SignInPage signedIn={context !== null} />;
  return (
    <SessionContext.Provider value={context}>
      <Layout>
        <Routes />
      </Layout>
    </SessionContext.Provider>
  );
}

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
