import { cases } from '../../api/endpoints.js';
import type { CaseDetail } from '../../api/schema.js';
import { formatBytes, formatDateTime } from '../../format.js';

/** Evidence with its SHA-256 as recorded at upload; a download returns exactly those bytes (X-Content-SHA256). */
export function AttachmentsSection({ detail }: { detail: CaseDetail }) {
  return (
    <section className="card" aria-labelledby="attachments-heading">
      <h2 id="attachments-heading">Attachments</h2>
      {detail.attachments.length === 0 ? (
        <p className="muted">No files.</p>
      ) : (
        <ul className="attachments">
          {detail.attachments.map((file) => (
            <li key={file.id}>
              <a href={cases.attachmentUrl(detail.id, file.id)} download={file.filename}>
                {file.filename}
              </a>{' '}
              <span className="muted small">
                {formatBytes(file.sizeBytes)}, from the {file.uploadedBy}, {formatDateTime(file.at)}
              </span>
              <p className="hash">
                <span className="hash-label">SHA-256</span> <code>{file.sha256}</code>
              </p>
              {file.originalKept ? (
                <p className="small muted">Kept exactly as sent, metadata included.</p>
              ) : (
                file.metadataRemoved.length > 0 && <p className="small muted">Removed before storing: {file.metadataRemoved.join(', ')}.</p>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
