import { useState, type FormEvent } from 'react';
import { channels } from '../../api/endpoints.js';
import { ErrorNotice } from '../../components/page.js';

/** The support resources the portal shows on every landing page and to anyone who says they are not safe. */
export function PortalTextsAdmin() {
  const [text, setText] = useState('');
  const [error, setError] = useState<unknown>();
  const [saved, setSaved] = useState('');

  async function save(event: FormEvent) {
    event.preventDefault();
    setError(undefined);
    setSaved('');
    try {
      await channels.setSupportResources({ supportResources: text.trim() ? { en: text.trim() } : null });
      setSaved(text.trim() ? 'Saved. The portal shows the new text now.' : 'Cleared. The portal shows its built-in text.');
    } catch (caught) {
      setError(caught);
    }
  }

  return (
    <form className="card" onSubmit={save}>
      <div className="field">
        <label htmlFor="support-resources">Support resources (English)</label>
        <p className="help" id="support-resources-help">
          Helplines and services for people who have been hurt. Leave empty to use the portal's built-in text. This replaces what is set now.
        </p>
        <textarea id="support-resources" rows={5} value={text} aria-describedby="support-resources-help" onChange={(event) => setText(event.target.value)} />
      </div>
      {error !== undefined && <ErrorNotice error={error} />}
      <div className="form-actions">
        <button type="submit" className="button">
          Save support resources
        </button>
        <span role="status">{saved}</span>
      </div>
    </form>
  );
}
