import { useState, type FormEvent } from 'react';
import { retaliation } from '../../api/endpoints.js';
import type { CaseDetail } from '../../api/schema.js';
import { ErrorNotice } from '../../components/page.js';
import { formatDate, formatDateTime, humanize } from '../../format.js';
import { Link } from '../../router.js';
import { useAction } from '../../use-action.js';

/** A retaliation review: the HR event, the cases it is linked to (those you can read), and oversight's decision. */
export function ReviewSection({ detail, onChanged }: { detail: CaseDetail; onChanged(): Promise<unknown> }) {
  const review = detail.review!;
  const [outcome, setOutcome] = useState<'cleared' | 'upheld'>('upheld');
  const [reasons, setReasons] = useState('');
  const action = useAction();

  async function decide(event: FormEvent) {
    event.preventDefault();
    if (await action.run(() => retaliation.decide(detail.id, { outcome, reasons }), 'Decision recorded.')) await onChanged();
  }

  return (
    <section className="card" aria-labelledby="review-heading">
      <h2 id="review-heading">Retaliation review</h2>
      <dl className="facts">
        <dt>HR action</dt>
        <dd>{humanize(review.type)}</dd>
        <dt>Employee</dt>
        <dd>{review.employeeId}</dd>
        <dt>Effective</dt>
        <dd>{review.effectiveAt ? formatDate(review.effectiveAt) : 'Not given'}</dd>
        <dt>State</dt>
        <dd>{review.status === 'flagged' ? 'Flagged: held until you decide' : `${humanize(review.status)}${review.decidedAt ? ` on ${formatDateTime(review.decidedAt)}` : ''}`}</dd>
      </dl>
      <h3>Linked cases</h3>
      {review.links.length === 0 ? (
        <p className="small muted">{review.hiddenLinks ? 'This person is protected by a case you cannot open; its handlers can.' : 'None.'}</p>
      ) : (
        <ul>
          {review.links.map((link) => (
            <li key={link.caseId}>
              <Link to={`/cases/${link.caseId}`} className="case-ref">
                {link.ref}
              </Link>{' '}
              <span className="small muted">(as {link.role})</span>
            </li>
          ))}
        </ul>
      )}
      {review.status === 'flagged' && (
        <form onSubmit={decide} className="compose">
          <fieldset>
            <legend>Decision</legend>
            <label>
              <input type="radio" name="review-outcome" value="upheld" checked={outcome === 'upheld'} onChange={() => setOutcome('upheld')} /> Upheld: this is retaliation
            </label>
            <label>
              <input type="radio" name="review-outcome" value="cleared" checked={outcome === 'cleared'} onChange={() => setOutcome('cleared')} /> Cleared: the action may go ahead
            </label>
          </fieldset>
          <div className="field">
            <label htmlFor="f-review-reasons">Reasons</label>
            <textarea id="f-review-reasons" rows={3} value={reasons} onChange={(event) => setReasons(event.target.value)} required />
          </div>
          {action.error !== undefined && <ErrorNotice error={action.error} />}
          <button type="submit" disabled={action.busy}>
            Record the decision
          </button>
          <span className="visually-hidden" role="status">
            {action.done}
          </span>
        </form>
      )}
    </section>
  );
}
