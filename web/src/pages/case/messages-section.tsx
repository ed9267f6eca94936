import { useEffect, useRef, useState, type FormEvent } from 'react';
import { cases } from '../../api/endpoints.js';
import type { CaseDetail } from '../../api/schema.js';
import { ErrorNotice } from '../../components/page.js';
import { formatDateTime } from '../../format.js';

/** The two-way conversation with the reporter. The reporter reads these on the portal with the receipt. */
export function MessagesSection({ detail, onChanged }: { detail: CaseDetail; onChanged(): Promise<unknown> }) {
  const [draft, setDraft] = useState('');
  const [busy, setBusy] = useState(false);
  const [checking, setChecking] = useState(false);
  const [error, setError] = useState<unknown>();
  const [announcement, setAnnouncement] = useState('');
  const [asFeedback, setAsFeedback] = useState(false);
  const seen = useRef(detail.messages.length);

  // Says out loud when a refresh brought messages from the reporter.
  useEffect(() => {
    const fresh = detail.messages.slice(seen.current).filter((message) => message.from === 'reporter').length;
    seen.current = detail.messages.length;
    if (fresh > 0) setAnnouncement(fresh === 1 ? 'A new message from the reporter.' : `${fresh} new messages from the reporter.`);
  }, [detail.messages]);

  async function send(event: FormEvent) {
    event.preventDefault();
    if (draft.trim() === '') {
      setError(new Error('empty'));
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      if (asFeedback) await cases.giveFeedback(detail.id, { body: draft });
      else await cases.sendMessage(detail.id, { body: draft });
      setDraft('');
      setAsFeedback(false);
      setAnnouncement(asFeedback ? 'Feedback sent to the reporter.' : 'Message sent to the reporter.');
      await onChanged();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }

  async function check() {
    setChecking(true);
    setAnnouncement('');
    await onChanged();
    setChecking(false);
  }

  const empty = error instanceof Error && error.message === 'empty';
  return (
    <section className="card" aria-labelledby="messages-heading">
      <div className="section-head">
        <h2 id="messages-heading">Messages with the reporter</h2>
        <button type="button" className="secondary small-button" onClick={() => void check()} disabled={checking}>
          {checking ? 'Checking…' : 'Check for new messages'}
        </button>
      </div>
      <p className="visually-hidden" role="status">
        {announcement}
      </p>
      {detail.messages.length === 0 ? (
        <p className="muted">No messages yet. The reporter sees what you write here when they return with their receipt.</p>
      ) : (
        <ol className="messages">
          {detail.messages.map((message) => (
            <li key={message.id} className={`message from-${message.from}`}>
              <p className="meta">
                <strong>{message.from === 'reporter' ? 'Reporter' : 'Handler'}</strong> · <time dateTime={message.at}>{formatDateTime(message.at)}</time>
              </p>
              <p className="body">{message.body}</p>
            </li>
          ))}
        </ol>
      )}
      <form className="compose" onSubmit={send} noValidate>
        <div className={`field${empty ? ' has-error' : ''}`}>
          <label htmlFor="f-message">Reply to the reporter</label>
          <p className="help" id="f-message-help">
            The reporter reads this on the portal. Do not name other people involved.
          </p>
          {empty && (
            <p className="error" id="f-message-error">
              Write a message first.
            </p>
          )}
          <textarea
            id="f-message"
            rows={4}
            value={draft}
            maxLength={20_000}
            aria-describedby={empty ? 'f-message-help f-message-error' : 'f-message-help'}
            aria-invalid={empty || undefined}
            onChange={(event) => setDraft(event.target.value)}
          />
        </div>
        {detail.status !== 'received' && detail.status !== 'closed' && (
          <div className="check">
            <input id="f-as-feedback" type="checkbox" checked={asFeedback} aria-describedby="f-as-feedback-help" onChange={(event) => setAsFeedback(event.target.checked)} />
            <label htmlFor="f-as-feedback">This is feedback on what has been done</label>
            <span className="help" id="f-as-feedback-help">
              (meets the feedback promise; needed before closing)
            </span>
          </div>
        )}
        {error !== undefined && !empty && <ErrorNotice error={error} />}
        <button type="submit" className="button" disabled={busy}>
          {busy ? 'Sending…' : asFeedback ? 'Send feedback to the reporter' : 'Send to the reporter'}
        </button>
      </form>
    </section>
  );
}
