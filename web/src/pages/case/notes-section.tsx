import { useState, type FormEvent } from 'react';
import type { CaseWithWork } from '../../api/case-work.js';
import { cases } from '../../api/endpoints.js';
import { ErrorNotice } from '../../components/page.js';
import { formatDateTime } from '../../format.js';
import { useAction } from '../../use-action.js';

/** Internal notes: for the people handling the case, never shown to the reporter. */
export function NotesSection({ detail, onChanged }: { detail: CaseWithWork; onChanged(): Promise<unknown> }) {
  const [body, setBody] = useState('');
  const action = useAction();

  async function add(event: FormEvent) {
    event.preventDefault();
    if (await action.run(() => cases.addNote(detail.id, { body }), 'Note added.')) {
      setBody('');
      await onChanged();
    }
  }

  return (
    <section className="card" aria-labelledby="notes-heading">
      <h2 id="notes-heading">Internal notes</h2>
      <p className="help">Only people who can open this case read these. The reporter never does.</p>
      {detail.notes.length === 0 ? (
        <p className="muted">No notes yet.</p>
      ) : (
        <ol className="notes">
          {detail.notes.map((note) => (
            <li key={note.id}>
              <p className="meta small muted">
                <strong>{note.authorName ?? 'Staff'}</strong> · <time dateTime={note.at}>{formatDateTime(note.at)}</time>
              </p>
              <p className="body">{note.body}</p>
            </li>
          ))}
        </ol>
      )}
      <form onSubmit={add} className="compose">
        <div className="field">
          <label htmlFor="f-note">New note</label>
          <textarea id="f-note" rows={3} value={body} onChange={(event) => setBody(event.target.value)} />
        </div>
        {action.error !== undefined && <ErrorNotice error={action.error} />}
        <button type="submit" className="secondary" disabled={action.busy}>
          Add the note
        </button>
        <span className="visually-hidden" role="status">
          {action.done}
        </span>
      </form>
    </section>
  );
}
