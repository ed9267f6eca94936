import { retaliation } from '../api/endpoints.js';
import { ErrorNotice, Loading, PageTitle } from '../components/page.js';
import { formatDate, formatDateTime, humanize } from '../format.js';
import { Link } from '../router.js';
import { useApi } from '../use-api.js';

/** For oversight: adverse HR actions against protected people, each held until oversight clears or upholds it. */
export function RetaliationReviewsPage() {
  const list = useApi(() => retaliation.reviews(), []);
  return (
    <>
      <PageTitle title="Retaliation reviews">Retaliation reviews</PageTitle>
      <p>
        When the HR system reports a dismissal, demotion or other adverse action against someone protected by a report (the reporter, a witness or a supporter), it is flagged
        here until you clear or uphold it, with reasons. Each review runs on its own clocks.
      </p>
      {list.error !== undefined && <ErrorNotice error={list.error} />}
      {!list.data && list.error === undefined && <Loading what="retaliation reviews" />}
      {list.data && list.data.items.length === 0 && <p className="empty">No retaliation review.</p>}
      {list.data && list.data.items.length > 0 && (
        <table className="plain">
          <caption className="visually-hidden">Retaliation reviews</caption>
          <thead>
            <tr>
              <th scope="col">Review</th>
              <th scope="col">Employee</th>
              <th scope="col">Action</th>
              <th scope="col">Effective</th>
              <th scope="col">Reported</th>
              <th scope="col">State</th>
              <th scope="col">Next deadline</th>
            </tr>
          </thead>
          <tbody>
            {list.data.items.map((review) => (
              <tr key={review.hrEventId}>
                <th scope="row">
                  <Link to={`/cases/${review.caseId}`} className="case-ref">
                    {review.ref}
                  </Link>
                </th>
                <td>
                  {review.employeeName ?? review.employeeId}
                  {review.department && <span className="small muted"> ({review.department})</span>}
                </td>
                <td>{humanize(review.type)}</td>
                <td>{review.effectiveAt ? formatDate(review.effectiveAt) : '—'}</td>
                <td>{formatDateTime(review.receivedAt)}</td>
                <td>{review.status === 'flagged' ? <span className="badge badge-danger">Flagged</span> : humanize(review.status)}</td>
                <td>{review.nextDeadlineAt ? formatDate(review.nextDeadlineAt) : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
