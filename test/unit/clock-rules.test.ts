import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { addCalendarDays, addCalendarMonths, initialDeadlines, isOverdue, nextDeadline, type DeadlineState } from '../../src/clocks/clock.rules.js';
import { NO_DEADLINE } from '../../src/kernel/clock.js';

const iso = (date: Date) => date.toISOString();
const at = (text: string) => new Date(text);

/** Dates over a few centuries, with any time of day and no Invalid Date. */
const anyDate = fc.date({ min: at('1900-01-01T00:00:00.000Z'), max: at('2200-12-31T23:59:59.999Z'), noInvalidDate: true });

const daysInMonth = (year: number, monthIndex: number) => new Date(Date.UTC(year, monthIndex + 1, 0)).getUTCDate();
const msIntoDay = (date: Date) => date.getTime() - Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate());

describe('addCalendarMonths', () => {
  test.each([
    ['31 Jan + 1 month is the last day of February (common year)', '2026-01-31T10:00:00.000Z', 1, '2026-02-28T10:00:00.000Z'],
    ['31 Jan + 1 month is 29 Feb in a leap year', '2028-01-31T10:00:00.000Z', 1, '2028-02-29T10:00:00.000Z'],
    ['29 Feb + 12 months is 28 Feb', '2028-02-29T08:30:00.000Z', 12, '2029-02-28T08:30:00.000Z'],
    ['29 Feb + 48 months is 29 Feb again', '2028-02-29T08:30:00.000Z', 48, '2032-02-29T08:30:00.000Z'],
    ['2000 was a leap year (divisible by 400)', '2000-01-30T00:00:00.000Z', 1, '2000-02-29T00:00:00.000Z'],
    ['2100 is not a leap year (divisible by 100)', '2100-01-30T00:00:00.000Z', 1, '2100-02-28T00:00:00.000Z'],
    ['31 Mar + 1 month is 30 Apr', '2026-03-31T23:59:59.999Z', 1, '2026-04-30T23:59:59.999Z'],
    ['30 Nov + 3 months rolls into the next year and clamps to February', '2026-11-30T12:00:00.000Z', 3, '2027-02-28T12:00:00.000Z'],
    ['15 Dec + 1 month rolls over the year', '2026-12-15T00:00:00.000Z', 1, '2027-01-15T00:00:00.000Z'],
    ['31 Oct + 14 months crosses a year and keeps the 31st', '2026-10-31T06:00:00.000Z', 14, '2027-12-31T06:00:00.000Z'],
    ['31 Mar - 1 month is the last day of February', '2026-03-31T10:00:00.000Z', -1, '2026-02-28T10:00:00.000Z'],
    ['15 Jan - 1 month goes back a year', '2026-01-15T10:00:00.000Z', -1, '2025-12-15T10:00:00.000Z'],
    ['zero months is the same instant', '2026-05-31T10:11:12.013Z', 0, '2026-05-31T10:11:12.013Z'],
  ])('%s', (_name, from, months, expected) => {
    expect(iso(addCalendarMonths(at(from), months))).toBe(expected);
  });

  test('does not change the date it was given', () => {
    const from = at('2026-01-31T10:00:00.000Z');
    addCalendarMonths(from, 1);
    expect(iso(from)).toBe('2026-01-31T10:00:00.000Z');
  });

  test('property: lands in the target month, on the same day or that month’s last day, at the same time of day', () => {
    fc.assert(
      fc.property(anyDate, fc.integer({ min: -240, max: 240 }), (from, months) => {
        const result = addCalendarMonths(from, months);
        const monthsSinceEpoch = from.getUTCFullYear() * 12 + from.getUTCMonth() + months;
        const targetYear = Math.floor(monthsSinceEpoch / 12);
        const targetMonth = monthsSinceEpoch - targetYear * 12;

        expect(result.getUTCFullYear()).toBe(targetYear);
        expect(result.getUTCMonth()).toBe(targetMonth);
        expect(result.getUTCDate()).toBe(Math.min(from.getUTCDate(), daysInMonth(targetYear, targetMonth)));
        expect(msIntoDay(result)).toBe(msIntoDay(from));
      }),
      { numRuns: 2000 },
    );
  });

  test('property: a positive number of months is always later than the start, and more months is never earlier', () => {
    fc.assert(
      fc.property(anyDate, fc.integer({ min: 1, max: 240 }), fc.integer({ min: 0, max: 24 }), (from, months, more) => {
        const result = addCalendarMonths(from, months);
        expect(result.getTime()).toBeGreaterThan(from.getTime());
        expect(addCalendarMonths(from, months + more).getTime()).toBeGreaterThanOrEqual(result.getTime());
      }),
      { numRuns: 2000 },
    );
  });
});

describe('addCalendarDays', () => {
  test('adds whole UTC days, across month and year ends', () => {
    expect(iso(addCalendarDays(at('2026-12-28T09:00:00.000Z'), 7))).toBe('2027-01-04T09:00:00.000Z');
    expect(iso(addCalendarDays(at('2028-02-25T09:00:00.000Z'), 7))).toBe('2028-03-03T09:00:00.000Z');
  });
});

describe('initialDeadlines', () => {
  const policy = { acknowledgeDays: 7, feedbackMonths: 3 };

  test('7 days to acknowledge and 3 calendar months to give feedback', () => {
    const deadlines = initialDeadlines(at('2026-01-05T09:00:00.000Z'), policy);
    expect(iso(deadlines.acknowledgeBy)).toBe('2026-01-12T09:00:00.000Z');
    expect(iso(deadlines.feedbackBy)).toBe('2026-04-05T09:00:00.000Z');
  });

  test('a report received on 30 November: acknowledge in December, feedback by the end of February', () => {
    const deadlines = initialDeadlines(at('2026-11-30T17:45:00.000Z'), policy);
    expect(iso(deadlines.acknowledgeBy)).toBe('2026-12-07T17:45:00.000Z');
    expect(iso(deadlines.feedbackBy)).toBe('2027-02-28T17:45:00.000Z');
  });
});

describe('nextDeadline', () => {
  const open: DeadlineState = {
    acknowledgedAt: null,
    acknowledgeBy: '2026-01-12T09:00:00.000Z',
    feedbackBy: '2026-04-05T09:00:00.000Z',
    closedAt: null,
  };

  test('a received case runs against the acknowledgement deadline', () => {
    expect(nextDeadline(open)).toBe('2026-01-12T09:00:00.000Z');
  });

  test('an acknowledged case runs against the feedback deadline', () => {
    expect(nextDeadline({ ...open, acknowledgedAt: '2026-01-06T10:00:00.000Z' })).toBe('2026-04-05T09:00:00.000Z');
  });

  test('a closed case has no deadline, acknowledged or not', () => {
    expect(nextDeadline({ ...open, acknowledgedAt: '2026-01-06T10:00:00.000Z', closedAt: '2026-02-01T10:00:00.000Z' })).toBe(NO_DEADLINE);
    expect(nextDeadline({ ...open, closedAt: '2026-01-07T10:00:00.000Z' })).toBe(NO_DEADLINE);
  });

  test('property: the deadline is NO_DEADLINE exactly when the case is closed, and a closed case is never overdue', () => {
    const maybeTime = fc.option(anyDate.map(iso), { nil: null });
    fc.assert(
      fc.property(maybeTime, maybeTime, anyDate, anyDate, anyDate, (acknowledgedAt, closedAt, acknowledgeBy, feedbackBy, now) => {
        const state = { acknowledgedAt, closedAt, acknowledgeBy: iso(acknowledgeBy), feedbackBy: iso(feedbackBy) };
        const deadline = nextDeadline(state);
        expect(deadline === NO_DEADLINE).toBe(closedAt !== null);
        if (closedAt !== null) expect(isOverdue(deadline, now)).toBe(false);
        else expect(deadline).toBe(acknowledgedAt === null ? state.acknowledgeBy : state.feedbackBy);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('isOverdue', () => {
  const deadline = '2026-01-12T09:00:00.000Z';

  test('is not overdue before or exactly at the deadline, and is overdue a millisecond after', () => {
    expect(isOverdue(deadline, at('2026-01-12T08:59:59.999Z'))).toBe(false);
    expect(isOverdue(deadline, at(deadline))).toBe(false);
    expect(isOverdue(deadline, at('2026-01-12T09:00:00.001Z'))).toBe(true);
    expect(isOverdue(deadline, at('2027-06-01T00:00:00.000Z'))).toBe(true);
  });

  test('NO_DEADLINE is never overdue, even at the end of time', () => {
    expect(isOverdue(NO_DEADLINE, at('9999-12-31T23:59:59.999Z'))).toBe(false);
    expect(isOverdue(NO_DEADLINE, at('2026-01-12T09:00:00.000Z'))).toBe(false);
  });

  test('property: agrees with comparing the instants', () => {
    fc.assert(
      fc.property(anyDate, anyDate, (due, now) => {
        expect(isOverdue(iso(due), now)).toBe(now.getTime() > due.getTime());
      }),
      { numRuns: 1000 },
    );
  });
});
