import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  addBusinessDays,
  addCalendarMonths,
  choosePolicy,
  completePolicy,
  dueAfter,
  initialDeadlines,
  isBusinessDay,
  onOrAfterBusinessDay,
  utcDay,
  type CompleteClockPolicy,
} from '../../src/clocks/clock.rules.js';

const at = (text: string) => new Date(text);
const iso = (date: Date) => date.toISOString();
const DAY = 86_400_000;
const anyDate = fc.date({ min: at('1990-01-01T00:00:00.000Z'), max: at('2100-12-31T23:59:59.999Z'), noInvalidDate: true });
/** Up to 40 holidays within a few years of 2026. */
const anyHolidays = fc
  .array(fc.date({ min: at('2024-01-01T00:00:00.000Z'), max: at('2030-12-31T00:00:00.000Z'), noInvalidDate: true }), { maxLength: 40 })
  .map((dates) => new Set(dates.map(utcDay)));
const msIntoDay = (date: Date) => date.getTime() % DAY;

/** Business days strictly after `from` up to and including `to`, counted one calendar day at a time. */
function businessDaysBetween(from: Date, to: Date, holidays: ReadonlySet<string>): number {
  let count = 0;
  for (let day = new Date(from.getTime() + DAY); day.getTime() <= to.getTime(); day = new Date(day.getTime() + DAY)) {
    if (isBusinessDay(day, holidays)) count += 1;
  }
  return count;
}

describe('business days', () => {
  test.each([
    ['Monday + 1 is Tuesday', '2026-01-05T09:00:00.000Z', 1, '2026-01-06T09:00:00.000Z'],
    ['Friday + 1 is Monday', '2026-01-09T17:30:00.000Z', 1, '2026-01-12T17:30:00.000Z'],
    ['Saturday + 1 is Monday', '2026-01-10T10:00:00.000Z', 1, '2026-01-12T10:00:00.000Z'],
    ['Sunday + 1 is Monday', '2026-01-11T10:00:00.000Z', 1, '2026-01-12T10:00:00.000Z'],
    ['Monday + 5 is the next Monday', '2026-01-05T09:00:00.000Z', 5, '2026-01-12T09:00:00.000Z'],
    ['Wednesday + 7 crosses one weekend', '2026-01-07T09:00:00.000Z', 7, '2026-01-16T09:00:00.000Z'],
    ['zero days is the same instant, even on a Sunday', '2026-01-11T10:00:00.000Z', 0, '2026-01-11T10:00:00.000Z'],
  ])('%s', (_name, from, days, expected) => {
    expect(iso(addBusinessDays(at(from), days))).toBe(expected);
  });

  test('holidays are skipped like weekends: Christmas week 2026', () => {
    const holidays = new Set(['2026-12-24', '2026-12-25', '2026-12-31', '2027-01-01']);
    // Wed 23 Dec + 3 business days: Mon 28, Tue 29, Wed 30.
    expect(iso(addBusinessDays(at('2026-12-23T12:00:00.000Z'), 3, holidays))).toBe('2026-12-30T12:00:00.000Z');
    // + 4: Thu 31 and Fri 1 Jan are holidays, so Mon 4 Jan.
    expect(iso(addBusinessDays(at('2026-12-23T12:00:00.000Z'), 4, holidays))).toBe('2027-01-04T12:00:00.000Z');
  });

  test('property: the result is a business day, later than the start, at the same time of day, with exactly n business days in between', () => {
    fc.assert(
      fc.property(anyDate, fc.integer({ min: 1, max: 40 }), anyHolidays, (from, days, holidays) => {
        const result = addBusinessDays(from, days, holidays);
        expect(isBusinessDay(result, holidays)).toBe(true);
        expect(result.getTime()).toBeGreaterThan(from.getTime());
        expect(msIntoDay(result)).toBe(msIntoDay(from));
        expect(businessDaysBetween(from, result, holidays)).toBe(days);
      }),
      { numRuns: 500 },
    );
  });

  test('property: more business days is never earlier, and never sooner than the same number of calendar days', () => {
    fc.assert(
      fc.property(anyDate, fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 10 }), anyHolidays, (from, days, more, holidays) => {
        const result = addBusinessDays(from, days, holidays);
        expect(addBusinessDays(from, days + more, holidays).getTime()).toBeGreaterThanOrEqual(result.getTime());
        expect(result.getTime()).toBeGreaterThanOrEqual(from.getTime() + days * DAY);
      }),
      { numRuns: 500 },
    );
  });

  test('property: without holidays, 5 business days is always exactly one week', () => {
    fc.assert(
      fc.property(anyDate, (from) => {
        const start = onOrAfterBusinessDay(from);
        expect(addBusinessDays(start, 5).getTime() - start.getTime()).toBe(7 * DAY);
      }),
      { numRuns: 500 },
    );
  });

  test('property: months under a business policy land on the calendar date or the next business day after it', () => {
    fc.assert(
      fc.property(anyDate, fc.integer({ min: 1, max: 24 }), anyHolidays, (from, months, holidays) => {
        const calendar = addCalendarMonths(from, months);
        const business = dueAfter(from, { months }, 'business', holidays);
        expect(isBusinessDay(business, holidays)).toBe(true);
        expect(business.getTime()).toBeGreaterThanOrEqual(calendar.getTime());
        // Nothing between the calendar date and the result was a business day.
        for (let day = calendar; day.getTime() < business.getTime(); day = new Date(day.getTime() + DAY)) {
          expect(isBusinessDay(day, holidays)).toBe(false);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('policies', () => {
  const defaults = { acknowledgeDays: 7, feedbackMonths: 3 };
  const tight: CompleteClockPolicy & { category: string } = {
    category: 'sexual-assault',
    acknowledgeDays: 1,
    feedbackMonths: 3,
    feedbackDays: 30,
    investigationDays: 30,
    idleDays: 5,
    dayKind: 'calendar',
  };
  const channelWide = { ...completePolicy({ acknowledgeDays: 5, feedbackMonths: 2 }), dayKind: 'business' as const, category: '*' };

  test('a category policy wins over the channel policy, which wins over the defaults', () => {
    expect(choosePolicy([tight, channelWide], 'sexual-assault', defaults)).toMatchObject({ acknowledgeDays: 1, feedbackDays: 30 });
    expect(choosePolicy([tight, channelWide], 'fraud', defaults)).toMatchObject({ acknowledgeDays: 5, dayKind: 'business' });
    expect(choosePolicy([], 'fraud', defaults)).toEqual({ acknowledgeDays: 7, feedbackMonths: 3, feedbackDays: null, investigationDays: 60, idleDays: 14, dayKind: 'calendar' });
  });

  test('a tighter policy for assault gives earlier promises than the default for the same report', () => {
    const receivedAt = at('2026-03-06T15:00:00.000Z'); // a Friday
    const assault = initialDeadlines(receivedAt, choosePolicy([tight], 'sexual-assault', defaults));
    const other = initialDeadlines(receivedAt, choosePolicy([tight], 'bullying', defaults));
    expect(iso(assault.acknowledgeBy)).toBe('2026-03-07T15:00:00.000Z');
    expect(iso(assault.feedbackBy)).toBe('2026-04-05T15:00:00.000Z');
    expect(iso(other.acknowledgeBy)).toBe('2026-03-13T15:00:00.000Z');
    expect(iso(other.feedbackBy)).toBe('2026-06-06T15:00:00.000Z');
  });

  test('a business-day policy counts from a Friday afternoon to the following week', () => {
    const deadlines = initialDeadlines(at('2026-03-06T15:00:00.000Z'), { acknowledgeDays: 2, feedbackMonths: 3, dayKind: 'business' }, new Set(['2026-03-09']));
    // Monday 9 March is a holiday: Tuesday and Wednesday count.
    expect(iso(deadlines.acknowledgeBy)).toBe('2026-03-11T15:00:00.000Z');
    // 6 June 2026 is a Saturday: Monday 8 June.
    expect(iso(deadlines.feedbackBy)).toBe('2026-06-08T15:00:00.000Z');
  });
});
