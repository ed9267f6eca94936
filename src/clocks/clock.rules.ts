/** Deadline arithmetic for case clocks. Pure: no I/O, no "now" of its own. */
import { NO_DEADLINE } from '../kernel/clock.js';

const DAY_MS = 86_400_000;

export function addCalendarDays(from: Date, days: number): Date {
  return new Date(from.getTime() + days * DAY_MS);
}

/** Adds calendar months in UTC; a day that the target month lacks becomes its last day (31 Jan + 1 month = 28/29 Feb). */
export function addCalendarMonths(from: Date, months: number): Date {
  const target = new Date(from.getTime());
  const day = from.getUTCDate();
  target.setUTCDate(1);
  target.setUTCMonth(target.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(day, lastDay));
  return target;
}

export interface ClockPolicy {
  acknowledgeDays: number;
  feedbackMonths: number;
}

/** The dates promised to the reporter at intake. */
export function initialDeadlines(receivedAt: Date, policy: ClockPolicy): { acknowledgeBy: Date; feedbackBy: Date } {
  return {
    acknowledgeBy: addCalendarDays(receivedAt, policy.acknowledgeDays),
    feedbackBy: addCalendarMonths(receivedAt, policy.feedbackMonths),
  };
}

export interface DeadlineState {
  acknowledgedAt: string | null;
  acknowledgeBy: string;
  feedbackBy: string;
  closedAt: string | null;
}

/** The deadline the case is now running against: acknowledgement first, then feedback; none once closed. */
export function nextDeadline(state: DeadlineState): string {
  if (state.closedAt !== null) return NO_DEADLINE;
  if (state.acknowledgedAt === null) return state.acknowledgeBy;
  return state.feedbackBy;
}

export function isOverdue(nextDeadlineAt: string, now: Date): boolean {
  return nextDeadlineAt !== NO_DEADLINE && nextDeadlineAt < now.toISOString();
}
