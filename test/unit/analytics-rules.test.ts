import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { caseOutcome, countersOf, durationBucket, rollupDelta, statsRowFor } from '../../src/analytics/stats.rules.js';
import { histogramPercentile, periodsOf, snapRange, suppressCells } from '../../src/analytics/suppression.rules.js';
import { statsRow } from '../support/analytics.js';

describe('periods of at least k reports', () => {
  it('closes a period as soon as it holds k, and leaves the rest open', () => {
    const { closed, open } = periodsOf(
      [
        { month: '2025-01', received: 2 },
        { month: '2025-03', received: 4 },
        { month: '2025-04', received: 9 },
        { month: '2025-06', received: 1 },
      ],
      5,
    );
    expect(closed).toEqual([
      { from: '2025-01', to: '2025-03', received: 6 },
      { from: '2025-04', to: '2025-04', received: 9 },
    ]);
    expect(open).toEqual({ from: '2025-05', to: '2025-06', received: 1 });
  });

  it('snaps a range outward to whole periods and withholds the open one', () => {
    const { closed, open } = periodsOf([{ month: '2025-01', received: 3 }, { month: '2025-02', received: 3 }, { month: '2025-03', received: 7 }, { month: '2025-04', received: 2 }], 5);
    expect(snapRange(closed, open, '2025-02', '2025-04')).toEqual({
      periods: closed,
      from: '2025-01',
      to: '2025-03',
      withheld: { from: '2025-04', to: '2025-04' },
    });
    expect(snapRange(closed, open, '2025-04', '2025-04').periods).toEqual([]);
  });

  it('the difference of any two snapped ranges is zero or at least k reports (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 12 }), { minLength: 1, maxLength: 24 }), fc.integer({ min: 5, max: 9 }), (counts, k) => {
        const months = counts.map((received, i) => ({ month: `20${String(10 + Math.floor(i / 12))}-${String((i % 12) + 1).padStart(2, '0')}`, received }));
        const { closed, open } = periodsOf(months, k);
        const total = (from: string, to: string) => snapRange(closed, open, from, to).periods.reduce((sum, p) => sum + p.received, 0);
        for (const a of months) for (const b of months) for (const c of months) {
          if (a.month > b.month || b.month > c.month) continue;
          const difference = total(a.month, c.month) - total(a.month, b.month);
          expect(difference === 0 || difference >= k).toBe(true);
        }
      }),
      { numRuns: 60 },
    );
  });
});

describe('cell suppression', () => {
  it('hides a small cell and the next smallest, so the total does not give it away', () => {
    expect(suppressCells([20, 3, 6, 0], [[0, 1, 2, 3]], 5)).toEqual(['shown', 'small', 'withheld', 'shown']);
    expect(suppressCells([20, 3, 1, 9], [[0, 1, 2, 3]], 5)).toEqual(['shown', 'small', 'small', 'withheld']);
    expect(suppressCells([20, 9], [[0, 1]], 5)).toEqual(['shown', 'shown']);
  });

  it('in every line with a hidden cell, the hidden cells are two or more and sum to k or more (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.integer({ min: 0, max: 15 }), { minLength: 3, maxLength: 3 }), { minLength: 2, maxLength: 5 }), (matrix) => {
        const k = 5;
        const counts = matrix.flat();
        const rows = matrix.map((row, r) => row.map((_, c) => r * 3 + c));
        const columns = [0, 1, 2].map((c) => matrix.map((_, r) => r * 3 + c));
        const state = suppressCells(counts, [...rows, ...columns], k);
        counts.forEach((n, i) => {
          if (n > 0 && n < k) expect(state[i]).toBe('small');
        });
        for (const line of [...rows, ...columns]) {
          const hidden = line.filter((i) => state[i] !== 'shown' && counts[i]! > 0);
          const lineTotal = line.reduce((sum, i) => sum + counts[i]!, 0);
          if (hidden.length === 0 || lineTotal < k) continue;
          const sum = hidden.reduce((s, i) => s + counts[i]!, 0);
          const candidates = line.filter((i) => state[i] === 'shown' && counts[i]! > 0);
          expect((hidden.length >= 2 && sum >= k) || candidates.length === 0).toBe(true);
        }
      }),
    );
  });

  it('percentiles are nearest-rank over the histogram', () => {
    const histogram = [{ bucket: 3, n: 4 }, { bucket: 10, n: 5 }, { bucket: 40, n: 1 }];
    expect([histogramPercentile(histogram, 50), histogramPercentile(histogram, 90), histogramPercentile(histogram, 100)]).toEqual([10, 10, 40]);
    expect(histogramPercentile([], 50)).toBeNull();
  });
});

describe('statistics rows', () => {
  it('keeps durations exact where medians fall, coarser beyond', () => {
    expect([0, 5, 71, 72, 95, 96, 340].map((h) => durationBucket('ack_hours', h))).toEqual([0, 5, 71, 72, 72, 96, 336]);
    expect([0, 42, 119, 120, 126, 127, 400].map((d) => durationBucket('close_days', d))).toEqual([0, 42, 119, 120, 120, 127, 400]);
  });

  it('takes the most serious finding as the outcome', () => {
    expect(caseOutcome(['not-substantiated', 'partly-substantiated', null])).toBe('partly-substantiated');
    expect(caseOutcome(['inconclusive', 'not-substantiated'])).toBe('inconclusive');
    expect(caseOutcome([])).toBeNull();
  });

  it('keeps a breach and a rung once reached, even when the clock is reset', () => {
    const facts = { caseId: 'c', channelId: 'ch', category: 'x', anonymity: 'anonymous', receivedAt: '2025-01-01T00:00:00.000Z', acknowledgedAt: null, closedAt: null, closing: null, reopenedAt: null, findings: [], breachedClocks: ['acknowledge'], highestRung: 2 };
    const first = statsRowFor(facts, null);
    const later = statsRowFor({ ...facts, breachedClocks: [], highestRung: 0 }, first);
    expect([later.ack_breached, later.escalation_rung]).toEqual([1, 2]);
  });

  it('a change adds to the rollups exactly what it takes away', () => {
    const before = statsRow({ received_month: '2025-02', department: 'Legal' });
    const after = { ...before, department: 'Sales', closed_at: '2025-03-01T00:00:00.000Z', close_days: 19, closing: 'out-of-scope' };
    const delta = rollupDelta(before, after);
    // The 'all', channel and category cells gain a closing; the department moves from Legal to Sales.
    expect(delta.cells.map((cell) => [cell.key.dimension, cell.key.dim_value, cell.delta.received, cell.delta.closed])).toEqual([
      ['all', '', 0, 1],
      ['channel', 'general-id', 0, 1],
      ['category', 'harassment', 0, 1],
      ['department', 'Legal', -1, 0],
      ['department', 'Sales', 1, 1],
    ]);
    expect(delta.pairs.map((pair) => [pair.key.pair, pair.key.value_b, pair.delta])).toEqual([
      ['channel:department', 'Legal', -1],
      ['category:department', 'Legal', -1],
      ['channel:department', 'Sales', 1],
      ['category:department', 'Sales', 1],
    ]);
    expect(rollupDelta(after, after)).toEqual({ cells: [], pairs: [], durations: [] });
    expect(countersOf(after).closing_out_of_scope).toBe(1);
  });
});
