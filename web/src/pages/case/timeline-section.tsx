import { useState } from 'react';
import type { CaseWithWork } from '../../api/case-work.js';
import { formatDateTime } from '../../format.js';
import { describeAuditEntry } from './work-labels.js';

interface TimelineEvent {
  at: string;
  kind: string;
  text: string;
  actor: string;
  reason?: string;
}

/**
 * Everything that happened to the case, oldest first, from its audit trail (who read it included),
 * with the reasons recorded for each lifecycle step.
 */
export function caseEvents(detail: CaseWithWork): TimelineEvent[] {
  const reasons = [...detail.transitions];
  const events: TimelineEvent[] = [];
  for (const entry of detail.timeline) {
    const described = describeAuditEntry(entry.action, entry.details);
    if (!described) continue;
    const event: TimelineEvent = { at: entry.at, kind: described.kind, text: described.text, actor: entry.actor };
    if (entry.action === 'case.transition') {
      const index = reasons.findIndex((step) => step.to === entry.details.to && step.at === entry.at);
      if (index >= 0) event.reason = reasons.splice(index, 1)[0]!.reason;
    }
    events.push(event);
  }
  return events;
}

function actorWords(actor: string): string {
  if (actor === 'reporter') return 'the reporter';
  if (actor === 'system') return 'Candor';
  return actor;
}

export function TimelineSection({ detail }: { detail: CaseWithWork }) {
  const [withViews, setWithViews] = useState(false);
  const all = caseEvents(detail);
  const events = withViews ? all : all.filter((event) => event.kind !== 'view');
  const views = all.length - all.filter((event) => event.kind !== 'view').length;
  return (
    <section className="card" aria-labelledby="timeline-heading">
      <div className="section-head">
        <h2 id="timeline-heading">Timeline</h2>
        <div className="check small">
          <input id="f-with-views" type="checkbox" checked={withViews} onChange={(event) => setWithViews(event.target.checked)} />
          <label htmlFor="f-with-views">Show who looked at the case ({views})</label>
        </div>
      </div>
      <ol className="timeline">
        {events.map((event, index) => (
          <li key={index} className={`event event-${event.kind}`}>
            <time dateTime={event.at}>{formatDateTime(event.at)}</time> <span>{event.text}</span> <span className="muted small">by {actorWords(event.actor)}</span>
            {event.reason && <span className="reason">“{event.reason}”</span>}
          </li>
        ))}
      </ol>
    </section>
  );
}
