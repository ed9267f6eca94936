import { clocks } from '../api/endpoints.js';
import { ErrorNotice, Loading, PageTitle } from '../components/page.js';
import { formatDate, formatDateTime } from '../format.js';
import { clockLabel } from '../labels.js';
import { Link } from '../router.js';
import { useApi } from '../use-api.js';

/** For oversight: every paused clock, with the reason and who paused it. No case content. */
export function PausedClocksPage() {
  const list = useApi(() => clocks.pauses(), []);
  return (
    <>
      <PageTitle title="Paused clocks">Paused clocks</PageTitle>
      <p>A paused clock stops a deadline from running. Each pause needs a reason; here is every one, so that none goes unnoticed.</p>
      {list.error !== undefined && <ErrorNotice error={list.error} />}
      {!list.data && list.error === undefined && <Loading what="paused clocks" />}
      {list.data && list.data.items.length === 0 && <p className="empty">No clock is paused.</p>}
      {list.data && list.data.items.length > 0 && (
        <table className="plain">
          <caption className="visually-hidden">Paused clocks</caption>
          <thead>
            <tr>
              <th scope="col">Case</th>
              <th scope="col">Clock</th>
              <th scope="col">Paused</th>
              <th scope="col">By</th>
              <th scope="col">Reason</th>
              <th scope="col">Was due</th>
            </tr>
          </thead>
          <tbody>
            {list.data.items.map((pause) => (
              <tr key={`${pause.caseId}-${pause.kind}`}>
                <th scope="row">
                  <Link to={`/cases/${pause.caseId}`} className="case-ref">
                    {pause.caseRef}
                  </Link>
                </th>
                <td>{clockLabel(pause.kind)}</td>
                <td>{formatDateTime(pause.pausedAt)}</td>
                <td>{pause.pausedBy?.name ?? 'Candor'}</td>
                <td>{pause.reason}</td>
                <td>{formatDate(pause.dueAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
