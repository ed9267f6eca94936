import { useState, type FormEvent } from 'react';
import { records } from '../api/endpoints.js';
import type { AuditEntry, AuditTrailQuery } from '../api/schema.js';
import { ErrorNotice, Loading, PageTitle } from '../components/page.js';
import { formatDateTime } from '../format.js';
import { Link, navigate } from '../router.js';
import { useApi } from '../use-api.js';
import { describeAuditEntry } from './case/work-labels.js';

function queryFrom(search: URLSearchParams): AuditTrailQuery {
  const day = (value: string | null, end = false) => (value ? new Date(`${value}T00:00:00.000Z`).getTime() + (end ? 86_400_000 : 0) : null);
  const from = day(search.get('from'));
  const to = day(search.get('to'), true);
  return {
    actor: search.get('actor') || undefined,
    caseId: search.get('caseId') || undefined,
    action: search.get('action') || undefined,
    from: from === null || Number.isNaN(from) ? undefined : new Date(from).toISOString(),
    to: to === null || Number.isNaN(to) ? undefined : new Date(to).toISOString(),
    limit: 100,
  };
}

function who(entry: AuditEntry): string {
  if (entry.actorType === 'reporter') return 'The reporter';
  if (entry.actorType === 'system') return entry.actorId === 'cli' ? 'Command line' : 'Candor';
  return entry.actorName ?? entry.actorId ?? 'Staff';
}

/**
 * For oversight: the audit trail, newest first: of one case, or of the whole platform filtered by
 * person and date. Entries hold who, what and when, never content.
 */
export function AuditTrailPage({ search }: { search: URLSearchParams }) {
  const query = queryFrom(search);
  const key = search.toString();
  const [older, setOlder] = useState<AuditEntry[]>([]);
  const [nextBefore, setNextBefore] = useState<number | null | undefined>(undefined);
  const list = useApi(() => {
    setOlder([]);
    setNextBefore(undefined);
    return records.auditTrail(query);
  }, [key]);
  const [actor, setActor] = useState(search.get('actor') ?? '');
  const [from, setFrom] = useState(search.get('from') ?? '');
  const [to, setTo] = useState(search.get('to') ?? '');
  const [loadingMore, setLoadingMore] = useState(false);

  function apply(event: FormEvent) {
    event.preventDefault();
    const params = new URLSearchParams();
    if (actor.trim()) params.set('actor', actor.trim());
    if (from) params.set('from', from);
    if (to) params.set('to', to);
    const caseId = search.get('caseId');
    if (caseId) params.set('caseId', caseId);
    navigate(`/audit${params.size ? `?${params}` : ''}`);
  }

  async function loadOlder() {
    const before = nextBefore === undefined ? list.data?.nextBefore : nextBefore;
    if (!before) return;
    setLoadingMore(true);
    try {
      const page = await records.auditTrail({ ...query, before });
      setOlder((current) => [...current, ...page.items]);
      setNextBefore(page.nextBefore);
    } finally {
      setLoadingMore(false);
    }
  }

  const entries = [...(list.data?.items ?? []), ...older];
  const more = nextBefore === undefined ? list.data?.nextBefore : nextBefore;
  const caseId = search.get('caseId');
  return (
    <>
      <PageTitle title="Audit trail">Audit trail{caseId && entries[0]?.caseRef ? ` of case ${entries[0].caseRef}` : ''}</PageTitle>
      <p>Who opened, changed and exported what, and when. Every entry is hash-chained; it names people and actions, never what a case says.</p>
      {caseId && (
        <p>
          <Link to={`/cases/${encodeURIComponent(caseId)}`}>Back to the case</Link> · <Link to="/audit">The whole platform</Link>
        </p>
      )}
      <form onSubmit={apply} className="inbox-tools" role="search" aria-label="Filter the audit trail">
        <div className="field">
          <label htmlFor="f-actor">Person (sign-in address)</label>
          <input id="f-actor" type="text" value={actor} onChange={(event) => setActor(event.target.value)} autoComplete="off" />
        </div>
        <div className="field">
          <label htmlFor="f-from">From</label>
          <input id="f-from" type="date" value={from} onChange={(event) => setFrom(event.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="f-to">To (inclusive)</label>
          <input id="f-to" type="date" value={to} onChange={(event) => setTo(event.target.value)} />
        </div>
        <button type="submit" className="secondary">
          Show
        </button>
      </form>
      {list.error !== undefined && <ErrorNotice error={list.error} />}
      {!list.data && list.error === undefined && <Loading what="the audit trail" />}
      {list.data && entries.length === 0 && <p className="empty">Nothing matches.</p>}
      {entries.length > 0 && (
        <table className="plain">
          <caption className="visually-hidden">Audit entries, newest first</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Who</th>
              <th scope="col">What</th>
              <th scope="col">Case</th>
              <th scope="col">Entry</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((entry) => (
              <tr key={entry.seq}>
                <td>
                  <time dateTime={entry.at}>{formatDateTime(entry.at)}</time>
                </td>
                <td>{who(entry)}</td>
                <td>{describeAuditEntry(entry.action, entry.details)?.text ?? entry.action}</td>
                <td>{entry.caseId ? <Link to={`/audit?caseId=${encodeURIComponent(entry.caseId)}`} className="case-ref">{entry.caseRef ?? 'case'}</Link> : '—'}</td>
                <td className="small muted">#{entry.seq}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {more ? (
        <p>
          <button type="button" className="secondary" onClick={() => void loadOlder()} disabled={loadingMore}>
            Older entries
          </button>
        </p>
      ) : null}
    </>
  );
}
