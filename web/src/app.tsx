import { Suspense, lazy, useCallback, useEffect, useMemo, useState } from 'react';
import { ApiError, SIGNED_OUT_EVENT } from './api/client.js';
import { auth } from './api/endpoints.js';
import type { StaffMe } from './api/schema.js';
import { Loading, PageTitle } from './components/page.js';
import { TotpEnrolmentSteps } from './components/totp-enrolment.js';
import { CasePage } from './pages/case/case-page.js';
import { PAGE_SIZE, InboxPage, filtersFrom } from './pages/inbox.js';
import { dropPrefetch, prefetchCases } from './api/prefetch.js';
import { PausedClocksPage } from './pages/paused-clocks.js';
import { RetaliationReviewsPage } from './pages/retaliation-reviews.js';
import { AuditTrailPage } from './pages/audit-trail.js';
import { SignInPage } from './pages/sign-in.js';
import { Link, navigate, parseLocation, useLocation, type Route } from './router.js';
import { SessionContext, useSession as useContextSession, type Session } from './session.js';

// Administration and the account page are loaded when first opened: the inbox does not wait for them.
const AdminPage = lazy(() => import('./pages/admin/admin-page.js').then((module) => ({ default: module.AdminPage })));
// The dashboard carries the charting library: loaded only by those who open it.
const AnalyticsPage = lazy(() => import('./pages/analytics/analytics-page.js').then((module) => ({ default: module.AnalyticsPage })));
const AccountPage = lazy(() => import('./pages/account.js').then((module) => ({ default: module.AccountPage })));

type SessionState = { kind: 'checking' } | { kind: 'signed-out'; reason?: string } | { kind: 'signed-in'; me: StaffMe };

export function App() {
  const [state, setState] = useState<SessionState>({ kind: 'checking' });

  useEffect(() => {
    const start = parseLocation(location.pathname, location.search);
    if (start.page === 'inbox') prefetchCases({ limit: PAGE_SIZE, counts: 'true', ...filtersFrom(start.search) });
    auth.me().then(
      (me) => setState({ kind: 'signed-in', me }),
      (error) => {
        dropPrefetch();
        setState({ kind: 'signed-out', reason: error instanceof ApiError && error.status !== 401 ? error.message : undefined });
      },
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

  const refresh = useCallback(async () => {
    const me = await auth.me();
    setState({ kind: 'signed-in', me });
  }, []);

  const session = useMemo<Session | null>(() => (state.kind === 'signed-in' ? { me: state.me, refresh, signOut } : null), [state, refresh, signOut]);

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
  // An administrator may require two-step sign-in of everyone; until this person has set it up,
  // the server opens nothing but enrolment to them, and neither does the console.
  const mustEnrol = session.me.totpRequired && !session.me.totpEnabled;
  return <SessionContext.Provider value={session}>{mustEnrol ? <RequiredEnrolment /> : <Shell />}</SessionContext.Provider>;
}

function RequiredEnrolment() {
  const { me, refresh, signOut } = useContextSession();
  return (
    <main id="main" className="narrow wide-narrow">
      <p className="brand-block">
        Candor <span className="brand-sub">staff console</span>
      </p>
      <PageTitle title="Set up two-step sign-in">Set up two-step sign-in first</PageTitle>
      <p>
        Candor requires a second step at sign-in for everyone who handles reports. Hello {me.name}: set it up now, then the console opens.
      </p>
      <TotpEnrolmentSteps onDone={() => void refresh()} />
      <p>
        <button type="button" className="link-button" onClick={() => void signOut()}>
          Sign out
        </button>
      </p>
    </main>
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
        <Suspense fallback={<Loading what="the page" />}>
          <RoutePage route={route} />
        </Suspense>
      </main>
    </>
  );
}

function RoutePage({ route }: { route: Route }) {
  const { me } = useContextSession();
  switch (route.page) {
    case 'inbox':
      // An analyst never sees a case: their console opens on the dashboard.
      return me.role === 'analyst' ? <AnalyticsPage /> : <InboxPage search={route.search} />;
    case 'analytics':
      return <AnalyticsPage />;
    case 'case':
      return <CasePage key={route.id} id={route.id} />;
    case 'admin':
      return <AdminPage section={route.section} />;
    case 'account':
      return <AccountPage />;
    case 'retaliation-reviews':
      return <RetaliationReviewsPage />;
    case 'paused-clocks':
      return <PausedClocksPage />;
    case 'audit':
      return <AuditTrailPage search={route.search} />;
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
            {me.role !== 'analyst' && (
              <li>
                <Link to="/" aria-current={route.page === 'inbox' || route.page === 'case' ? 'page' : undefined}>
                  Cases
                </Link>
              </li>
            )}
            {(me.role === 'analyst' || me.role === 'oversight') && (
              <li>
                <Link to="/analytics" aria-current={route.page === 'analytics' || (me.role === 'analyst' && route.page === 'inbox') ? 'page' : undefined}>
                  Dashboard
                </Link>
              </li>
            )}
            {me.role === 'oversight' && (
              <li>
                <Link to="/paused-clocks" aria-current={route.page === 'paused-clocks' ? 'page' : undefined}>
                  Paused clocks
                </Link>
              </li>
            )}
            {me.role === 'oversight' && (
              <li>
                <Link to="/retaliation-reviews" aria-current={route.page === 'retaliation-reviews' ? 'page' : undefined}>
                  Retaliation reviews
                </Link>
              </li>
            )}
            {me.role === 'oversight' && (
              <li>
                <Link to="/audit" aria-current={route.page === 'audit' ? 'page' : undefined}>
                  Audit trail
                </Link>
              </li>
            )}
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
          <Link to="/account" aria-current={route.page === 'account' ? 'page' : undefined} className="account-link">
            {me.name} <span className="role">{me.role}</span>
          </Link>
          <button type="button" className="link-button" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
      </div>
    </header>
  );
}
