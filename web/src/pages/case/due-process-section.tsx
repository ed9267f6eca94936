import { useState, type FormEvent } from 'react';
import { cases } from '../../api/endpoints.js';
import type { CaseDetail } from '../../api/schema.js';
import { ErrorNotice } from '../../components/page.js';
import { formatDate, formatDateTime, humanize } from '../../format.js';
import { useAction } from '../../use-action.js';

type Form = 'notice' | 'response' | 'outcome' | 'appeal';

/**
 * Due process for the subject: what they were told and when, their response, the outcome and
 * sanctions, and an appeal by the subject. Everything here is sealed like the rest of the case.
 */
export function DueProcessSection({ detail, onChanged }: { detail: CaseDetail; onChanged(): Promise<unknown> }) {
  const subjects = detail.parties.filter((party) => party.kind === 'subject');
  const [form, setForm] = useState<Form>('notice');
  const [partyId, setPartyId] = useState('');
  const [text, setText] = useState('');
  const [sanctions, setSanctions] = useState('');
  const action = useAction();
  const due = detail.dueProcess;

  async function submit(event: FormEvent) {
    event.preventDefault();
    const party = partyId ? { partyId } : {};
    const work =
      form === 'notice'
        ? () => cases.recordNotice(detail.id, { ...party, toldAt: new Date().toISOString(), what: text })
        : form === 'response'
          ? () => cases.recordResponse(detail.id, { ...party, text })
          : form === 'outcome'
            ? () => cases.recordOutcome(detail.id, { outcome: text, sanctions: sanctions.split('\n').map((line) => line.trim()).filter(Boolean) })
            : () => cases.recordSubjectAppeal(detail.id, { ...party, reason: text });
    if (await action.run(work, 'Recorded.')) {
      setText('');
      setSanctions('');
      await onChanged();
    }
  }

  const nameOf = (id: string | null) => subjects.find((party) => party.id === id)?.name ?? 'the subject';
  return (
    <section className="card" aria-labelledby="due-heading">
      <h2 id="due-heading">Due process</h2>
      <p className="help">
        Findings are made against the standard of proof: <strong>{humanize(due.standardOfProof)}</strong>. Either side may appeal within {due.appealWindowDays} days of closing
        {due.appealOpenUntil ? ` (until ${formatDate(due.appealOpenUntil)})` : ''}.
      </p>
      {due.notices.length + due.responses.length + due.outcomes.length + due.appeals.length === 0 ? (
        <p className="muted">Nothing recorded yet.</p>
      ) : (
        <ol className="notes">
          {due.notices.map((notice) => (
            <li key={notice.id}>
              <p className="meta small muted">
                Told {nameOf(notice.partyId)} · <time dateTime={notice.toldAt}>{formatDateTime(notice.toldAt)}</time>
              </p>
              <p className="body">{notice.what}</p>
            </li>
          ))}
          {due.responses.map((response) => (
            <li key={response.id}>
              <p className="meta small muted">
                Response of {nameOf(response.partyId)} · <time dateTime={response.receivedAt}>{formatDateTime(response.receivedAt)}</time>
                {response.attachmentIds.length > 0 && ` · ${response.attachmentIds.length} file(s)`}
              </p>
              <p className="body">{response.text}</p>
            </li>
          ))}
          {due.outcomes.map((outcome) => (
            <li key={outcome.id}>
              <p className="meta small muted">
                Outcome · <time dateTime={outcome.at}>{formatDateTime(outcome.at)}</time>
              </p>
              <p className="body">{outcome.outcome}</p>
              {outcome.sanctions.length > 0 && <p className="small">Sanctions: {outcome.sanctions.join('; ')}</p>}
            </li>
          ))}
          {due.appeals.map((appeal) => (
            <li key={appeal.id}>
              <p className="meta small muted">
                Appeal by {nameOf(appeal.partyId)} · <time dateTime={appeal.at}>{formatDateTime(appeal.at)}</time>
              </p>
              <p className="body">{appeal.reason}</p>
            </li>
          ))}
        </ol>
      )}
      <form onSubmit={submit} className="compose">
        <div className="field">
          <label htmlFor="f-due-kind">Record</label>
          <select id="f-due-kind" value={form} onChange={(event) => setForm(event.target.value as Form)}>
            <option value="notice">What the subject was told (now)</option>
            <option value="response">The subject's response</option>
            <option value="outcome">Outcome and sanctions</option>
            <option value="appeal">An appeal by the subject</option>
          </select>
        </div>
        {form !== 'outcome' && subjects.length > 0 && (
          <div className="field">
            <label htmlFor="f-due-party">Subject</label>
            <select id="f-due-party" value={partyId} onChange={(event) => setPartyId(event.target.value)}>
              <option value="">Not stated</option>
              {subjects.map((party) => (
                <option key={party.id} value={party.id}>
                  {party.name}
                </option>
              ))}
            </select>
          </div>
        )}
        <div className="field">
          <label htmlFor="f-due-text">{form === 'notice' ? 'What they were told' : form === 'response' ? 'Their response' : form === 'outcome' ? 'Outcome' : 'Grounds of the appeal'}</label>
          <textarea id="f-due-text" rows={3} value={text} onChange={(event) => setText(event.target.value)} required />
        </div>
        {form === 'outcome' && (
          <div className="field">
            <label htmlFor="f-due-sanctions">Sanctions, one per line (optional)</label>
            <textarea id="f-due-sanctions" rows={2} value={sanctions} onChange={(event) => setSanctions(event.target.value)} />
          </div>
        )}
        {action.error !== undefined && <ErrorNotice error={action.error} />}
        <button type="submit" className="secondary" disabled={action.busy}>
          Record it
        </button>
        <span className="visually-hidden" role="status">
          {action.done}
        </span>
      </form>
    </section>
  );
}
