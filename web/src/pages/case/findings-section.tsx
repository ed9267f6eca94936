import { useState, type FormEvent } from 'react';
import type { CaseWithWork } from '../../api/case-work.js';
import { cases } from '../../api/endpoints.js';
import type { Finding } from '../../api/schema.js';
import { ErrorNotice } from '../../components/page.js';
import { formatDate } from '../../format.js';
import { useAction } from '../../use-action.js';
import { FINDING_LABELS, findingLabel } from './work-labels.js';

const FINDINGS = Object.keys(FINDING_LABELS) as Finding[];

/** Each allegation on its own, and the finding on it against the stated standard of proof. */
export function FindingsSection({ detail, onChanged }: { detail: CaseWithWork; onChanged(): Promise<unknown> }) {
  const [summary, setSummary] = useState('');
  const add = useAction();
  const closed = detail.status === 'closed';

  async function addAllegation(event: FormEvent) {
    event.preventDefault();
    if (await add.run(() => cases.addAllegation(detail.id, { summary }), 'Allegation recorded.')) {
      setSummary('');
      await onChanged();
    }
  }

  return (
    <section className="card" aria-labelledby="findings-heading">
      <h2 id="findings-heading">Allegations and findings</h2>
      {detail.allegations.length === 0 ? (
        <p className="muted">No allegation recorded yet. Record each allegation separately; each gets its own finding.</p>
      ) : (
        <ol className="allegations">
          {detail.allegations.map((allegation) => (
            <li key={allegation.id}>
              <p className="allegation-summary">{allegation.summary}</p>
              {allegation.finding ? (
                <p>
                  <strong>{findingLabel(allegation.finding)}</strong>
                  {allegation.standard && <span className="muted"> (standard: {allegation.standard})</span>}
                  {allegation.decidedAt && <span className="muted">, {formatDate(allegation.decidedAt)}</span>}
                  {allegation.reasoning && <span className="reasoning">{allegation.reasoning}</span>}
                </p>
              ) : (
                <p className="muted">No finding yet.</p>
              )}
              {(detail.status === 'findings' || detail.status === 'review' || detail.status === 'investigation') && (
                <FindingForm caseId={detail.id} allegationId={allegation.id} position={allegation.position} current={allegation.finding} onChanged={onChanged} />
              )}
            </li>
          ))}
        </ol>
      )}
      {!closed && (
        <form onSubmit={addAllegation} className="compose">
          <div className="field">
            <label htmlFor="f-allegation">New allegation</label>
            <p className="help" id="f-allegation-help">
              One alleged act or pattern, in neutral words.
            </p>
            <textarea id="f-allegation" rows={2} value={summary} aria-describedby="f-allegation-help" onChange={(event) => setSummary(event.target.value)} />
          </div>
          {add.error !== undefined && <ErrorNotice error={add.error} />}
          <button type="submit" className="secondary" disabled={add.busy}>
            Record the allegation
          </button>
          <span className="visually-hidden" role="status">
            {add.done}
          </span>
        </form>
      )}
    </section>
  );
}

function FindingForm({ caseId, allegationId, position, current, onChanged }: { caseId: string; allegationId: string; position: number; current: string | null; onChanged(): Promise<unknown> }) {
  const [finding, setFinding] = useState<Finding>((current as Finding | null) ?? 'inconclusive');
  const [reasoning, setReasoning] = useState('');
  const action = useAction();
  const id = `finding-${allegationId}`;

  async function record(event: FormEvent) {
    event.preventDefault();
    if (await action.run(() => cases.recordFinding(caseId, allegationId, { finding, reasoning }), 'Finding recorded.')) {
      setReasoning('');
      await onChanged();
    }
  }

  return (
    <details className="more">
      <summary>{current ? 'Revise the finding' : 'Record a finding'} on allegation {position}</summary>
      <form onSubmit={record}>
        <div className="field">
          <label htmlFor={`${id}-finding`}>Finding</label>
          <select id={`${id}-finding`} value={finding} onChange={(event) => setFinding(event.target.value as Finding)}>
            {FINDINGS.map((each) => (
              <option key={each} value={each}>
                {FINDING_LABELS[each]}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-reasoning`}>Reasoning</label>
          <textarea id={`${id}-reasoning`} rows={3} value={reasoning} onChange={(event) => setReasoning(event.target.value)} />
        </div>
        {action.error !== undefined && <ErrorNotice error={action.error} />}
        <button type="submit" className="secondary" disabled={action.busy}>
          Record the finding
        </button>
        <span className="visually-hidden" role="status">
          {action.done}
        </span>
      </form>
    </details>
  );
}
