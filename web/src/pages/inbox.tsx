import { useCallback, useEffect, useRef, useState } from 'react';
import { cases as casesApi, channels as channelsApi } from '../api/endpoints.js';
import { takeCases } from '../api/prefetch.js';
import type { CaseList, CaseListQuery, CaseSummary, Channel } from '../api/schema.js';
import { ClockBar } from '../components/clock-bar.js';
import { ErrorNotice, Loading, PageTitle } from '../components/page.js';
import { clocksOfSummary } from '../clocks.js';
import { formatDate } from '../format.js';
import { CASE_STATUS_ORDER, CATEGORY_ORDER, categoryLabel, statusLabel } from '../labels.js';
import { Link, navigate } from '../router.js';
import { useSession } from '../session.js';

/** Cases per request: one screen and a bit. The list grows by pages; nothing loads ahead of need. */
export const PAGE_SIZE = 50;

const FILTERS = ['status', 'overdue', 'channel', 'category', 'assignee'] as const;
type Filters = Pick<CaseListQuery, (typeof FILTERS)[number]>;

/** The filters live in the address (?status=...&overdue=true), so a filtered inbox can be bookmarked and reloaded. */
export function filtersFrom(search: URLSearchParams): Filters {
  const filters: Record<string, string> = {};
  for (const name of FILTERS) {
    const value = search.get(name);
    if (value) filters[name] = value;
  }
  return filters as Filters;
}

interface InboxState {
  /** The address's query these cases answer: while another one loads, their counts are not said. */
  query: string;
  items: CaseSummary[];
  nextCursor: string | null;
  counts: CaseList['counts'];
}

/**
 * The cases this person may read, most urgent deadline first (the API's order), filtered and
 * counted by the API. The first page is drawn as soon as it arrives, however many cases there are;
 * "Show more" follows nextCursor.
 */
export function InboxPage({ search }: { search: URLSearchParams }) {
  const { me } = useSession();
  const query = search.toString();
  const filters = filtersFrom(search);
  const filtered = Object.keys(filters).length > 0;
  const [state, setState] = useState<InboxState>();
  const [error, setError] = useState<unknown>();
  const [loadingMore, setLoadingMore] = useState(false);
  const [now, setNow] = useState(() => Date.now());
  const [channelList, setChannelList] = useState<Channel[]>([]);
  const marked = useRef(false);

  const load = useCallback(async () => {
    setError(undefined);
    try {
      const page = await takeCases({ limit: PAGE_SIZE, counts: 'true', ...filtersFrom(new URLSearchParams(query)) });
      setState({ query, items: page.items, nextCursor: page.nextCursor, counts: page.counts });
      setNow(Date.now());
    } catch (caught) {
      setError(caught);
    }
  }, [query]);

  useEffect(() => {
    void load();
  }, [load]);

  useEffect(() => {
    channelsApi.list().then(
      (answer) => setChannelList(answer.items),
      () => setChannelList([]),
    );
  }, []);

  // bench/console.ts reads this mark (the browser test checks it is set): navigation start to the first page of cases on screen.
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
      const page = await casesApi.list({ limit: PAGE_SIZE, cursor: state.nextCursor, ...filters });
      setState({ ...state, items: [...state.items, ...page.items], nextCursor: page.nextCursor });
    } catch (caught) {
      setError(caught);
    } finally {
      setLoadingMore(false);
    }
  }

  function setFilter(name: (typeof FILTERS)[number], value: string) {
    const next = new URLSearchParams(search);
    if (value) next.set(name, value);
    else next.delete(name);
    const text = next.toString();
    navigate(text ? `/?${text}` : '/', { replace: true });
  }

  return (
    <>
      <div className="page-head">
        <PageTitle title="Cases">Cases</PageTitle>
        <button type="button" className="secondary" onClick={() => void load()}>
          Refresh
        </button>
      </div>
      {me.role !== 'admin' && me.role !== 'analyst' && (
        <form className="inbox-tools" role="search" aria-label="Filter cases" onSubmit={(event) => event.preventDefault()}>
          <div className="field">
            <label htmlFor="filter-status">Status</label>
            <select id="filter-status" value={filters.status ?? ''} onChange={(event) => setFilter('status', event.target.value)}>
              <option value="">Any status</option>
              {CASE_STATUS_ORDER.map((status) => (
                <option key={status} value={status}>
                  {statusLabel(status)}
                  {state?.counts && !filters.status ? ` (${state.counts.byStatus[status] ?? 0})` : ''}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="filter-channel">Channel</label>
            <select id="filter-channel" value={filters.channel ?? ''} onChange={(event) => setFilter('channel', event.target.value)}>
              <option value="">Any channel</option>
              {channelList.map((channel) => (
                <option key={channel.slug} value={channel.slug}>
                  {channel.name}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="filter-category">Category</label>
            <select id="filter-category" value={filters.category ?? ''} onChange={(event) => setFilter('category', event.target.value)}>
              <option value="">Any category</option>
              {CATEGORY_ORDER.map((category) => (
                <option key={category} value={category}>
                  {categoryLabel(category)}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="filter-assignee">Assigned to</label>
            <select id="filter-assignee" value={filters.assignee ?? ''} onChange={(event) => setFilter('assignee', event.target.value)}>
              <option value="">Anyone or nobody</option>
              <option value="me">Me</option>
              <option value="none">Nobody yet</option>
            </select>
          </div>
          <div className="check">
            <input id="filter-overdue" type="checkbox" checked={filters.overdue === 'true'} onChange={(event) => setFilter('overdue', event.target.checked ? 'true' : '')} />
            <label htmlFor="filter-overdue">Overdue only</label>
          </div>
          {filtered && (
            <button type="button" className="link-button" onClick={() => navigate('/', { replace: true })}>
              Clear filters
            </button>
          )}
        </form>
      )}
      {error !== undefined && <ErrorNotice error={error} />}
      {!state && error === undefined && <Loading what="cases" />}
      {state?.counts && state.query !== query && (
        <p className="counts" role="status" aria-busy="true">
          Counting the cases…
        </p>
      )}
      {state?.counts && state.query === query && (
        <p className="counts" role="status">
          <strong>{state.counts.total.toLocaleString()}</strong> {state.counts.total === 1 ? 'case' : 'cases'}
          {filtered ? ' match the filters' : ''},{' '}
          <strong className={state.counts.overdue > 0 ? 'overdue-count' : undefined}>{state.counts.overdue.toLocaleString()} overdue</strong>.
          {state.items.length < state.counts.total && ` Showing the ${state.items.length.toLocaleString()} with the nearest deadlines.`}
        </p>
      )}
      {state && state.items.length === 0 && <EmptyInbox role={me.role} filtered={filtered} />}
      {state && state.items.length > 0 && (
        <>
          <table className="inbox">
            <caption className="visually-hidden">Cases, most urgent deadline first</caption>
            <thead>
              <tr>
                <th scope="col">Case</th>
                <th scope="col">Status</th>
                <th scope="col">Category</th>
                <th scope="col">Channel</th>
                <th scope="col">Received</th>
                <th scope="col" className="col-clocks">
                  Clock
                </th>
              </tr>
            </thead>
            <tbody>
              {state.items.map((item) => (
                <InboxRow key={item.id} item={item} now={now} myId={me.id} />
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

function InboxRow({ item, now, myId }: { item: CaseSummary; now: number; myId: string }) {
  const clocks = clocksOfSummary(item);
  return (
    <tr className={item.overdue ? 'is-overdue' : undefined}>
      <th scope="row">
        <Link to={`/cases/${item.id}`} className="case-ref">
          {item.ref}
        </Link>
        {item.overdue && <span className="badge badge-danger">Overdue</span>}
        {item.assigneeId === myId && <span className="badge">Yours</span>}
      </th>
      <td>{statusLabel(item.status)}</td>
      <td>{categoryLabel(item.category)}</td>
      <td>{item.channel}</td>
      <td className="nowrap">{formatDate(item.receivedAt)}</td>
      <td className="col-clocks">
        {clocks.length === 0 ? (
          <span className="muted">No clock running</span>
        ) : (
          clocks.map((clock) => <ClockBar key={clock.kind} clock={clock} now={now} compact />)
        )}
      </td>
    </tr>
  );
}

function EmptyInbox({ role, filtered }: { role: string; filtered: boolean }) {
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
  if (filtered) {
    return (
      <div className="empty">
        <h2>No case matches these filters</h2>
        <p>
          <Link to="/">Show all cases</Link>
        </p>
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
