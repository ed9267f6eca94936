import { useCallback, useEffect, useMemo, useState } from 'react';
import { ApiError, SIGNED_OUT_EVENT } from './api/client.js';
import { auth } from './api/endpoints.js';
import type { StaffMe } from './api/schema.js';
import { Loading, PageTitle } from './components/page.js';
import { AdminPage } from './pages/admin/admin-page.js';
import { CasePage } from './pages/case/case-page.js';
import { InboxPage } from './pages/inbox.js';
import { SignInPage } from './pages/sign-in.js';
import { Link, navigate, parseLocation, useLocation, type Route } from './router.js';
import { SessionContext, useSession as useContextSession, type Session } from './session.js';

type SessionState = { kind: 'checking' } | { kind: 'signed-out'; reason?: string } | { kind: 'signed-in'; me: StaffMe };

export function App() {
  const [state, setState] = useState<SessionState>({ kind: 'checking' });

  useEffect(() => {
    auth.me().then(
      (me) => setState({ kind: 'signed-in', me }),
      (error) => setState({ kind: 'signed-out', reason: error instanceof ApiError && error.status !== 401 ? error.message : undefined }),
    );
    const onSignedOut = () => setState((current) => (current.kind === 'signed-in' ? { kind: 'signed-out', reason: 'Your session has ended. Please sign in again.' } : current));
    window.addEventListener(SIGNED_OUT_EVENT, onSignedOut);
    return () => window.removeEventListener(SIGNED_OUT_EVENT, onSignedOut);
  }, []);

  const signOut = useCallback(async () => {
    await auth.logout().catch(() => undefined);
    setState({ kind: 'signed-out', reason: 'You have signed out.' });
    navigate('/', { replace: true });
  }, []);

  const session = useMemo<Session | null>(() => (state.kind === 'signed-in' ? { me: state.me, signOut } : null), [state, signOut]);

  if (state.kind === 'checking') {
    return (
      <main id="main" className="narrow">
        <Loading what="the console" />
      </main>
    );
  }
  if (state.kind === 'signed-out' || !session) {
    return <SignInPage notice={state.kind === 'signed-out' ? state.reason : undefined} onSignedIn={(me) => setState({ kind: 'signed-in', me })} />;
  }
  return (
    <SessionContext.Provider value={session}>
      <Shell />
    </SessionContext.Provider>
  );
}

function Shell() {
  const { pathname, search } = useLocation();
  const route = parseLocation(pathname, search);
  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <TopBar route={route} />
      <main id="main">
        <RoutePage route={route} />
      </main>
    </>
  );
}

function RoutePage({ route }: { route: Route }) {
  switch (route.page) {
    case 'inbox':
      return <InboxPage search={route.search} />;
    case 'case':
      return <CasePage key={route.id} id={route.id} />;
    case 'admin':
      return <AdminPage section={route.section} />;
    case 'not-found':
      return (
        <>
          <PageTitle title="Not found">This page does not exist</PageTitle>
          <p>
            <Link to="/">Go to the inbox</Link>
          </p>
        </>
      );
  }
}

function TopBar({ route }: { route: Route }) {
  const { me, signOut } = useContextSession();
  const isAdmin = me.role === 'admin';
  return (
    <header className="top">
      <div className="top-inner">
        <Link to="/" className="brand">
          Candor <span className="brand-sub">staff console</span>
        </Link>
        <nav aria-label="Console">
          <ul className="nav">
            <li>
              <Link to="/" aria-current={route.page === 'inbox' || route.page === 'case' ? 'page' : undefined}>
                Cases
              </Link>
            </li>
            {isAdmin && (
              <li>
                <Link to="/admin/users" aria-current={route.page === 'admin' ? 'page' : undefined}>
                  Administration
                </Link>
              </li>
            )}
          </ul>
        </nav>
        <div className="who">
          <span>
            {me.name} <span className="role">{me.role}</span>
          </span>
          <button type="button" className="link-button" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
      </div>
    </header>
  );
}
