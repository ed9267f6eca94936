/**
 * The console's view of a case's clocks: what each clock waits for, since when, until when, and
 * whether it is running, met or breached. Today the API gives the acknowledgement and feedback
 * dates on the case; this is the one place that turns them into clocks.
 */
import type { CaseDetail, CaseSummary } from './api/schema.js';

export type ClockState = 'running' | 'met' | 'breached' | 'paused';

export interface ClockView {
  kind: string;
  label: string;
  startedAt: string;
  dueAt: string;
  state: ClockState;
  /** When what the clock waited for happened (met), if it did. */
  stoppedAt: string | null;
}

/** How far along a clock is, 0..1, at `now`; a met clock is measured at the moment it stopped. */
export function clockProgress(clock: ClockView, now: number): number {
  const start = Date.parse(clock.startedAt);
  const due = Date.parse(clock.dueAt);
  const at = clock.stoppedAt ? Date.parse(clock.stoppedAt) : now;
  if (!(due > start)) return 1;
  return Math.min(1, Math.max(0, (at - start) / (due - start)));
}

/** A running clock past its date is breached even before the server's sweep has said so. */
export function effectiveState(clock: ClockView, now: number): ClockState {
  if (clock.state === 'running' && Date.parse(clock.dueAt) < now) return 'breached';
  return clock.state;
}

export function clocksOfSummary(summary: CaseSummary): ClockView[] {
  const received = summary.status === 'received';
  return [
    {
      kind: 'acknowledge',
      label: 'Acknowledge',
      startedAt: summary.receivedAt,
      dueAt: summary.acknowledgeBy,
      state: received ? (summary.overdue ? 'breached' : 'running') : 'met',
      stoppedAt: null,
    },
  ];
}

export function clocksOfCase(detail: CaseDetail): ClockView[] {
  const closed = detail.status === 'closed';
  const acknowledged = detail.acknowledgedAt !== null;
  return [
    {
      kind: 'acknowledge',
      label: 'Acknowledge',
      startedAt: detail.receivedAt,
      dueAt: detail.acknowledgeBy,
      state: acknowledged ? 'met' : detail.overdue ? 'breached' : 'running',
      stoppedAt: detail.acknowledgedAt,
    },
    {
      kind: 'feedback',
      label: 'Feedback to the reporter',
      startedAt: detail.receivedAt,
      dueAt: detail.feedbackBy,
      state: closed ? 'met' : acknowledged && detail.overdue ? 'breached' : 'running',
      stoppedAt: null,
    },
  ];
}
