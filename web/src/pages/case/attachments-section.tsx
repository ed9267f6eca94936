import { useRef, useState, type FormEvent } from 'react';
import { cases } from '../../api/endpoints.js';
import type { AttachmentSummary, CaseDetail } from '../../api/schema.js';
import { ErrorNotice } from '../../components/page.js';
import { formatBytes, formatDateTime } from '../../format.js';
import { useAction } from '../../use-action.js';

/** Evidence with its SHA-256 as recorded at upload; a download returns exactly those bytes (X-Content-SHA256). */
export function AttachmentsSection({ detail, onChanged }: { detail: CaseDetail; onChanged(): Promise<unknown> }) {
  return (
    <section className="card" aria-labelledby="attachments-heading">
      <h2 id="attachments-heading">Attachments</h2>
      {detail.attachments.length === 0 ? (
        <p className="muted">No files.</p>
      ) : (
        <ul className="attachments">
          {detail.attachments.map((file) => (
            <AttachmentItem key={file.id} caseId={detail.id} file={file} />
          ))}
        </ul>
      )}
      <UploadForm caseId={detail.id} onChanged={onChanged} />
    </section>
  );
}

function AttachmentItem({ caseId, file }: { caseId: string; file: AttachmentSummary }) {
  const [check, setCheck] = useState('');
  const url = cases.attachmentUrl(caseId, file.id);

  /** Downloads the file and hashes it here, in the browser, against the hash recorded at upload. */
  async function verify() {
    setCheck('Checking…');
    try {
      const response = await fetch(url, { credentials: 'same-origin' });
      if (!response.ok) throw new Error(String(response.status));
      const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', await response.arrayBuffer()));
      const hex = Array.from(digest, (byte) => byte.toString(16).padStart(2, '0')).join('');
      setCheck(hex === file.sha256 ? 'Verified: the file matches the SHA-256 recorded when it arrived.' : `Does not match: the file hashes to ${hex}.`);
    } catch {
      setCheck('The file could not be downloaded to check it.');
    }
  }

  return (
    <li>
      <a href={url} download={file.filename}>
        {file.filename}
      </a>{' '}
      <span className="muted small">
        {formatBytes(file.sizeBytes)}, from the {file.uploadedBy}, {formatDateTime(file.at)}
      </span>
      <p className="hash">
        <span className="hash-label">SHA-256</span> <code>{file.sha256}</code>{' '}
        <button type="button" className="link-button small" onClick={() => void verify()} aria-label={`Verify ${file.filename}`}>
          Verify
        </button>
      </p>
      <p className="small" role="status">
        {check}
      </p>
      {file.originalKept ? (
        <p className="small muted">Kept exactly as sent, metadata included.</p>
      ) : (
        file.metadataRemoved.length > 0 && <p className="small muted">Removed before storing: {file.metadataRemoved.join(', ')}.</p>
      )}
    </li>
  );
}

function UploadForm({ caseId, onChanged }: { caseId: string; onChanged(): Promise<unknown> }) {
  const input = useRef<HTMLInputElement>(null);
  const [keepOriginal, setKeepOriginal] = useState(false);
  const action = useAction();

  async function upload(event: FormEvent) {
    event.preventDefault();
    const files = Array.from(input.current?.files ?? []);
    if (files.length === 0) return;
    if (await action.run(() => cases.uploadAttachments(caseId, files, keepOriginal), files.length === 1 ? 'File added.' : `${files.length} files added.`)) {
      if (input.current) input.current.value = '';
      await onChanged();
    }
  }

  return (
    <form className="compose" onSubmit={upload}>
      <div className="field">
        <label htmlFor="f-files">Add files</label>
        <input ref={input} id="f-files" type="file" multiple />
      </div>
      <div className="check">
        <input id="f-keep-original" type="checkbox" checked={keepOriginal} onChange={(event) => setKeepOriginal(event.target.checked)} />
        <label htmlFor="f-keep-original">Keep the files exactly as they are (metadata included)</label>
      </div>
      {action.error !== undefined && <ErrorNotice error={action.error} />}
      <button type="submit" className="secondary" disabled={action.busy}>
        Upload
      </button>
      <span className="visually-hidden" role="status">
        {action.done}
      </span>
    </form>
  );
}
