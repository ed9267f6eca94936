import { useState, type FormEvent } from 'react';
import type { CaseWithWork } from '../../api/case-work.js';
import { cases } from '../../api/endpoints.js';
import type { CaseStatus, Closing } from '../../api/schema.js';
import { ErrorNotice } from '../../components/page.js';
import { formatDate } from '../../format.js';
import { statusLabel } from '../../labels.js';
import { useSession } from '../../session.js';
import { useAction } from '../../use-action.js';
import { closingLabel } from './work-labels.js';

/** Who has the case, and the step it can take next, with the reason the record keeps. */
export function NextStepSection({ detail, onChanged }: { detail: CaseWithWork; onChanged(): Promise<unknown> }) {
  const { me } = useSession();
  const steps = detail.nextSteps.filter((step) => step !== 'acknowledged');
  const [to, setTo] = useState<CaseStatus | ''>('');
  const [closing, setClosing] = useState<Closing | ''>('');
  const [reason, setReason] = useState('');
  const step = useAction();
  const assign = useAction();
  const chosen = to || steps[0] || '';

  async function move(event: FormEvent) {
    event.preventDefault();
    if (!chosen) return;
    const ok = await step.run(
      () => cases.transition(detail.id, { to: chosen, reason, ...(chosen === 'closed' && closing ? { closing } : {}) }),
      `The case is now ${statusLabel(chosen).toLowerCase()}.`,
    );
    if (ok) {
      setReason('');
      setTo('');
      setClosing('');
      await onChanged();
    }
  }

  async function assignTo(assigneeId: string | null) {
    if (await assign.run(() => cases.assign(detail.id, { assigneeId }), assigneeId ? 'Assigned.' : 'Nobody is assigned now.')) await onChanged();
  }

  const assignee = detail.readers.find((reader) => reader.id === detail.assigneeId);
  return (
    <section className="card" aria-labelledby="next-step-heading">
      <h2 id="next-step-heading">Handling</h2>
      <div className="field">
        <label htmlFor="f-assignee">Assigned to</label>
        <select id="f-assignee" value={detail.assigneeId ?? ''} onChange={(event) => void assignTo(event.target.value || null)} disabled={assign.busy}>
          <option value="">Nobody yet</option>
          {detail.readers.map((reader) => (
            <option key={reader.id} value={reader.id}>
              {reader.name}
              {reader.id === me.id ? ' (you)' : ''}
            </option>
          ))}
        </select>
        {assignee && assignee.id !== me.id && <p className="help">Only people who hold a key to this case can be given it.</p>}
      </div>
      {assign.error !== undefined && <ErrorNotice error={assign.error} />}
      {detail.feedbackGivenAt && <p className="small">Feedback given to the reporter {formatDate(detail.feedbackGivenAt)}.</p>}
      {detail.closing && <p className="small">Closed as: {closingLabel(detail.closing).toLowerCase()}.</p>}
      {steps.length > 0 && (
        <form onSubmit={move} className="next-step" aria-labelledby="move-heading">
          <h3 id="move-heading">Next step</h3>
          <div className="field">
            <label htmlFor="f-next-status">Move the case to</label>
            <select id="f-next-status" value={chosen} onChange={(event) => setTo(event.target.value as CaseStatus)}>
              {steps.map((each) => (
                <option key={each} value={each}>
                  {statusLabel(each)}
                </option>
              ))}
            </select>
          </div>
          {chosen === 'closed' && detail.closings.length > 0 && (
            <div className="field">
              <label htmlFor="f-closing">How it ends</label>
              <select id="f-closing" value={closing} onChange={(event) => setClosing(event.target.value as Closing)}>
                <option value="">Choose…</option>
                {detail.closings.map((each) => (
                  <option key={each} value={each}>
                    {closingLabel(each)}
                  </option>
                ))}
              </select>
            </div>
          )}
          <div className="field">
            <label htmlFor="f-reason">Why</label>
            <p className="help" id="f-reason-help">
              Kept with the step in the case record. Closing needs feedback given to the reporter first, and after findings a finding on every allegation.
            </p>
            <textarea id="f-reason" rows={2} value={reason} aria-describedby="f-reason-help" onChange={(event) => setReason(event.target.value)} />
          </div>
          {step.error !== undefined && <ErrorNotice error={step.error} />}
          <button type="submit" className="button" disabled={step.busy}>
            Move to {statusLabel(chosen).toLowerCase()}
          </button>
        </form>
      )}
      <p className="visually-hidden" role="status">
        {step.done || assign.done}
      </p>
    </section>
  );
}
