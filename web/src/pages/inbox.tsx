import { useCallback, useEffect, useRef, useState } from 'react';
import { cases as casesApi } from '../api/endpoints.js';
import type { CaseList, CaseSummary } from '../api/schema.js';
import { ClockBar } from '../components/clock-bar.js';
import { ErrorNotice, Loading, PageTitle } from '../components/page.js';
import { clocksOfSummary } from '../clocks.js';
import { formatDate, humanize } from '../format.js';
import { Link } from '../router.js';
import { useSession } from '../session.js';
import { statusLabel } from '../statuses.js';

/** Cases per request: one screen and a bit. The list grows by pages; nothing loads ahead of need. */
export const PAGE_SIZE = 50;

interface InboxState {
  items: CaseSummary[];
  nextCursor: string | null;
}

/**
 * The cases this person may read, most urgent deadline first (the API's order). The first page is
 * drawn as soon as it arrives, however many cases there are; "Show more" follows nextCursor.
 */
export function InboxPage({ search: _search }: { search: URLSearchParams }) {
  const { me } = useSession();
  const [state, setState] = useState<InboxState>();
  const [error, setError] = useState<unknown>();
  const [loadingMore, setLoadingMore] = useState(false);
  const [now, setNow] = useState(() => Date.now());
  const marked = useRef(false);

  const load = useCallback(async () => {
    setError(undefined);
    try {
      const page: CaseList = await casesApi.list({ limit: PAGE_SIZE });
      setState({ items: page.items, nextCursor: page.nextCursor });
      setNow(Date.now());
    } catch (caught) {
      setError(caught);
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  // The browser test reads this mark: navigation start to the first page of cases on screen.
  useEffect(() => {
    if (state && !marked.current) {
      marked.current = true;
      performance.mark('candor:inbox-rendered', { detail: { rows: state.items.length } });
    }
  }, [state]);

  async function showMore() {
    if (!state?.nextCursor) return;
    setLoadingMore(true);
    try {
      const page = await casesApi.list({ limit: PAGE_SIZE, cursor: state.nextCursor });
      setState({ items: [...state.items, ...page.items], nextCursor: page.nextCursor });
    } catch (caught) {
      setError(caught);
    } finally {
      setLoadingMore(false);
    }
  }

  const overdueShown = state?.items.filter((item) => item.overdue).length ?? 0;

  return (
    <>
      <div className="page-head">
        <PageTitle title="Cases">Cases</PageTitle>
        <button type="button" className="secondary" onClick={() => void load()}>
          Refresh
        </button>
      </div>
      {error !== undefined && <ErrorNotice error={error} />}
      {!state && error === undefined && <Loading what="cases" />}
      {state && state.items.length === 0 && <EmptyInbox role={me.role} />}
      {state && state.items.length > 0 && (
        <>
          <p className="counts" aria-live="polite">
            Showing {state.items.length} case{state.items.length === 1 ? '' : 's'}
            {state.nextCursor ? ' (more below)' : ''}, most urgent deadline first.{' '}
            {overdueShown > 0 && <strong className="overdue-count">{overdueShown} overdue.</strong>}
          </p>
          <table className="inbox">
            <caption className="visually-hidden">Cases, most urgent deadline first</caption>
            <thead>
              <tr>
                <th scope="col">Case</th>
                <th scope="col">Status</th>
                <th scope="col">Category</th>
                <th scope="col">Received</th>
                <th scope="col" className="col-clocks">
                  Clocks
                </th>
              </tr>
            </thead>
            <tbody>
              {state.items.map((item) => (
                <InboxRow key={item.id} item={item} now={now} />
              ))}
            </tbody>
          </table>
          {state.nextCursor && (
            <p>
              <button type="button" className="secondary" onClick={() => void showMore()} disabled={loadingMore}>
                {loadingMore ? 'Loading…' : `Show ${PAGE_SIZE} more`}
              </button>
            </p>
          )}
        </>
      )}
    </>
  );
}

function InboxRow({ item, now }: { item: CaseSummary; now: number }) {
  return (
    <tr className={item.overdue ? 'is-overdue' : undefined}>
      <th scope="row">
        <Link to={`/cases/${item.id}`} className="case-ref">
          {item.ref}
        </Link>
        {item.overdue && <span className="badge badge-danger">Overdue</span>}
      </th>
      <td>{statusLabel(item.status)}</td>
      <td>{humanize(item.category)}</td>
      <td>{formatDate(item.receivedAt)}</td>
      <td className="col-clocks">
        {clocksOfSummary(item).map((clock) => (
          <ClockBar key={clock.kind} clock={clock} now={now} compact />
        ))}
      </td>
    </tr>
  );
}

function EmptyInbox({ role }: { role: string }) {
  if (role === 'admin') {
    return (
      <div className="empty">
        <h2>Administrators do not read cases</h2>
        <p>
          Candor keeps running the platform apart from reading reports: an administrator account holds no case keys, so no case can be opened with
          it, and this list stays empty. To handle cases, sign in with a handler account.
        </p>
        <p>
          <Link to="/admin/users">Go to administration</Link>
        </p>
      </div>
    );
  }
  if (role === 'analyst') {
    return (
      <div className="empty">
        <h2>Analysts see figures, not cases</h2>
        <p>An analyst account reads aggregate figures only; no case is ever shown to it.</p>
      </div>
    );
  }
  return (
    <div className="empty">
      <h2>No cases</h2>
      <p>There is no case for you at the moment. New reports on your channels appear here, with the most urgent deadline first.</p>
    </div>
  );
}
