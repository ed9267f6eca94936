/**
 * The console's view of a case's clocks: what each clock waits for, since when, until when, and
 * whether it is running, met, breached or paused. The case page reads them from the clocks API; the
 * inbox has only the dates on each case summary. This is the one place that turns either into clocks.
 */
import type { ApiClockView, CaseDetail, CaseSummary } from './api/schema.js';
import { clockLabel } from './labels.js';

export type ClockState = 'running' | 'met' | 'breached' | 'paused';

export interface ClockView {
  kind: string;
  label: string;
  startedAt: string;
  dueAt: string;
  state: ClockState;
  /** When what the clock waited for happened (met), if it did. */
  stoppedAt: string | null;
  pausedAt?: string | null;
  pauseReason?: string | null;
}

export function clockOfApi(clock: ApiClockView): ClockView {
  return {
    kind: clock.kind,
    label: clockLabel(clock.kind),
    startedAt: clock.startedAt,
    dueAt: clock.dueAt,
    state: clock.state,
    stoppedAt: clock.metAt,
    pausedAt: clock.pausedAt,
    pauseReason: clock.pauseReason,
  };
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

/** The inbox's clock for a case: acknowledgement while unacknowledged, then whatever deadline comes next. */
export function clocksOfSummary(summary: CaseSummary): ClockView[] {
  if (summary.status === 'received') {
    return [{ kind: 'acknowledge', label: 'Acknowledge', startedAt: summary.receivedAt, dueAt: summary.acknowledgeBy, state: summary.overdue ? 'breached' : 'running', stoppedAt: null }];
  }
  if (summary.nextDeadlineAt === null) return [];
  return [{ kind: 'next', label: 'Next deadline', startedAt: summary.receivedAt, dueAt: summary.nextDeadlineAt, state: summary.overdue ? 'breached' : 'running', stoppedAt: null }];
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
