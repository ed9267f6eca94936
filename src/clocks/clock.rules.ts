/**
 * Deadline arithmetic and clock policies. Pure: no I/O, no "now" of its own.
 *
 * Times are UTC. A business day is a UTC calendar day that is neither a Saturday, a Sunday nor on
 * the policy's holiday list; deadlines keep the time of day they started at.
 */
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

/** A holiday as the admin enters it: `YYYY-MM-DD`, a UTC calendar day. */
export type HolidayList = ReadonlySet<string>;
export const NO_HOLIDAYS: HolidayList = new Set<string>();

/** The UTC calendar day of an instant, as `YYYY-MM-DD`. */
export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

export function isBusinessDay(at: Date, holidays: HolidayList = NO_HOLIDAYS): boolean {
  const weekday = at.getUTCDay();
  return weekday !== 0 && weekday !== 6 && !holidays.has(utcDay(at));
}

/** Holiday lists longer than this are refused, so a business-day walk always ends. */
export const MAX_HOLIDAYS = 2_000;

/**
 * Adds business days: each step moves to the next business day, at the same time of day. From a
 * Friday, one business day is the Monday; from a Saturday too. Zero days is the same instant.
 */
export function addBusinessDays(from: Date, days: number, holidays: HolidayList = NO_HOLIDAYS): Date {
  let at = new Date(from.getTime());
  for (let counted = 0; counted < days; counted++) {
    at = addCalendarDays(at, 1);
    while (!isBusinessDay(at, holidays)) at = addCalendarDays(at, 1);
  }
  return at;
}

/** The same instant if it falls on a business day, else the same time of day on the next business day. */
export function onOrAfterBusinessDay(at: Date, holidays: HolidayList = NO_HOLIDAYS): Date {
  let day = new Date(at.getTime());
  while (!isBusinessDay(day, holidays)) day = addCalendarDays(day, 1);
  return day;
}

export type DayKind = 'calendar' | 'business';
export const CLOCK_KINDS = ['acknowledge', 'feedback', 'investigation', 'idle'] as const;
export type ClockKind = (typeof CLOCK_KINDS)[number];

/** How long a clock runs: whole days, or calendar months (feedback is promised in months by default). */
export type ClockSpan = { days: number } | { months: number };

/**
 * A channel's (or a category's) clock policy. The first two fields are the installation defaults
 * from the configuration; the rest fall back to DEFAULT_POLICY when left out.
 */
export interface ClockPolicy {
  acknowledgeDays: number;
  feedbackMonths: number;
  /** When set, feedback is due this many days after receipt instead of `feedbackMonths`. */
  feedbackDays?: number | null;
  investigationDays?: number;
  idleDays?: number;
  dayKind?: DayKind;
}

export type CompleteClockPolicy = Required<Omit<ClockPolicy, 'feedbackDays'>> & { feedbackDays: number | null };

export const DEFAULT_POLICY: CompleteClockPolicy = {
  acknowledgeDays: 7,
  feedbackMonths: 3,
  feedbackDays: null,
  investigationDays: 60,
  idleDays: 14,
  dayKind: 'calendar',
};

export function completePolicy(policy: ClockPolicy): CompleteClockPolicy {
  return {
    acknowledgeDays: policy.acknowledgeDays,
    feedbackMonths: policy.feedbackMonths,
    feedbackDays: policy.feedbackDays ?? null,
    investigationDays: policy.investigationDays ?? DEFAULT_POLICY.investigationDays,
    idleDays: policy.idleDays ?? DEFAULT_POLICY.idleDays,
    dayKind: policy.dayKind ?? DEFAULT_POLICY.dayKind,
  };
}

/** The span each kind of clock runs for under a policy. */
export function clockSpan(kind: ClockKind, policy: ClockPolicy): ClockSpan {
  const complete = completePolicy(policy);
  switch (kind) {
    case 'acknowledge':
      return { days: complete.acknowledgeDays };
    case 'feedback':
      return complete.feedbackDays !== null ? { days: complete.feedbackDays } : { months: complete.feedbackMonths };
    case 'investigation':
      return { days: complete.investigationDays };
    case 'idle':
      return { days: complete.idleDays };
  }
}

/**
 * When a clock started at `from` is due. Calendar policy: plain days or months. Business policy:
 * days count business days; months land on the calendar date and move to the next business day.
 */
export function dueAfter(from: Date, span: ClockSpan, dayKind: DayKind, holidays: HolidayList = NO_HOLIDAYS): Date {
  if ('months' in span) {
    const date = addCalendarMonths(from, span.months);
    return dayKind === 'business' ? onOrAfterBusinessDay(date, holidays) : date;
  }
  return dayKind === 'business' ? addBusinessDays(from, span.days, holidays) : addCalendarDays(from, span.days);
}

/** The dates promised to the reporter at intake. */
export function initialDeadlines(
  receivedAt: Date,
  policy: ClockPolicy,
  holidays: HolidayList = NO_HOLIDAYS,
): { acknowledgeBy: Date; feedbackBy: Date } {
  const dayKind = policy.dayKind ?? 'calendar';
  return {
    acknowledgeBy: dueAfter(receivedAt, clockSpan('acknowledge', policy), dayKind, holidays),
    feedbackBy: dueAfter(receivedAt, clockSpan('feedback', policy), dayKind, holidays),
  };
}

/**
 * Which stored policy applies to a case: the category's own, else the channel's, else the
 * installation's defaults. `stored` holds the channel's rows, `'*'` being the channel-wide one.
 */
export function choosePolicy(
  stored: readonly (CompleteClockPolicy & { category: string })[],
  category: string,
  defaults: ClockPolicy,
): CompleteClockPolicy {
  const found = stored.find((row) => row.category === category) ?? stored.find((row) => row.category === '*');
  if (!found) return completePolicy(defaults);
  const { category: _category, ...policy } = found;
  return policy;
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
