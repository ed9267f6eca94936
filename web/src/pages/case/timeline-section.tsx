import type { CaseDetail } from '../../api/schema.js';
import { formatDateTime } from '../../format.js';

interface TimelineEvent {
  at: string;
  kind: string;
  text: string;
}

/** What happened to the case, oldest first, from what the case itself records. */
export function caseEvents(detail: CaseDetail): TimelineEvent[] {
  const events: TimelineEvent[] = [{ at: detail.receivedAt, kind: 'received', text: 'Report received' }];
  if (detail.acknowledgedAt) events.push({ at: detail.acknowledgedAt, kind: 'transition', text: 'Receipt acknowledged to the reporter' });
  for (const message of detail.messages) {
    events.push({ at: message.at, kind: 'message', text: message.from === 'reporter' ? 'Message from the reporter' : 'Message to the reporter' });
  }
  for (const file of detail.attachments) {
    events.push({ at: file.at, kind: 'attachment', text: `File added by the ${file.uploadedBy}: ${file.filename}` });
  }
  return events.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
}

export function TimelineSection({ detail }: { detail: CaseDetail }) {
  const events = caseEvents(detail);
  return (
    <section className="card" aria-labelledby="timeline-heading">
      <h2 id="timeline-heading">Timeline</h2>
      <ol className="timeline">
        {events.map((event, index) => (
          <li key={index} className={`event event-${event.kind}`}>
            <time dateTime={event.at}>{formatDateTime(event.at)}</time> <span>{event.text}</span>
          </li>
        ))}
      </ol>
    </section>
  );
}
