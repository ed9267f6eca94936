/**
 * Small-cell suppression, as pure functions (see docs/analytics.md for what they defend).
 *
 * - Periods: the months are cut, from the first month with a report, into periods that each hold
 *   at least k reports (a period closes as soon as it does). Date ranges snap outward to whole
 *   periods and the trailing period that has not reached k yet is withheld, so the difference of
 *   any two ranges anyone can ask for is a sum of whole periods: zero or at least k reports.
 * - Cells: a count of 1..k-1 is hidden (primary suppression). In every line whose total is known
 *   (a table's row, or a column across the sibling values of a filter) the hidden cells must then
 *   be at least two non-zero cells summing to at least k; otherwise the smallest published
 *   non-zero cell of that line is hidden too (complementary suppression), until nothing changes.
 */

export interface MonthCount {
  month: string;
  received: number;
}

export interface Period {
  from: string;
  to: string;
  received: number;
}

/** The month after a YYYY-MM month. */
export function nextMonth(month: string): string {
  const [year, mon] = month.split('-').map(Number) as [number, number];
  return mon === 12 ? `${year + 1}-01` : `${year}-${String(mon + 1).padStart(2, '0')}`;
}

export function previousMonth(month: string): string {
  const [year, mon] = month.split('-').map(Number) as [number, number];
  return mon === 1 ? `${year - 1}-12` : `${year}-${String(mon - 1).padStart(2, '0')}`;
}

/** Closed periods (each at least k reports) and the open one at the end (fewer than k so far), if any. */
export function periodsOf(months: readonly MonthCount[], k: number): { closed: Period[]; open: Period | null } {
  const sorted = [...months].filter((m) => m.received > 0).sort((a, b) => a.month.localeCompare(b.month));
  const closed: Period[] = [];
  let start: string | null = null;
  let sum = 0;
  for (const m of sorted) {
    if (start === null) start = closed.length === 0 ? m.month : nextMonth(closed[closed.length - 1]!.to);
    sum += m.received;
    if (sum >= k) {
      closed.push({ from: start, to: m.month, received: sum });
      start = null;
      sum = 0;
    }
  }
  const last = sorted[sorted.length - 1];
  return { closed, open: start !== null && last ? { from: start, to: last.month, received: sum } : null };
}

export interface SnappedRange {
  /** The closed periods the figures cover (empty: nothing can be shown yet). */
  periods: Period[];
  from: string | null;
  to: string | null;
  /** Months asked for that are not shown because their period has fewer than k reports so far. */
  withheld: { from: string; to: string } | null;
}

/** Widens [from, to] to whole closed periods; months in the open period are withheld. */
export function snapRange(closed: readonly Period[], open: Period | null, from: string, to: string): SnappedRange {
  const periods = closed.filter((p) => p.to >= from && p.from <= to);
  const withheld = open && to >= open.from ? { from: open.from > from ? open.from : from, to } : null;
  return { periods, from: periods[0]?.from ?? null, to: periods[periods.length - 1]?.to ?? null, withheld };
}

export type CellState = 'shown' | 'small' | 'withheld';

/**
 * Hides cells so that no hidden cell can be worked out from the known line totals. `lines` are
 * groups of cell indexes whose sum is published (or may be). Returns each cell's state: 'small'
 * for a count under k, 'withheld' for a cell hidden to protect one.
 */
export function suppressCells(counts: readonly number[], lines: readonly (readonly number[])[], k: number): CellState[] {
  const state: CellState[] = counts.map((n) => (n > 0 && n < k ? 'small' : 'shown'));
  let changed = true;
  while (changed) {
    changed = false;
    for (const line of lines) {
      const hidden = line.filter((i) => state[i] !== 'shown');
      if (hidden.length === 0) continue;
      const nonZero = hidden.filter((i) => counts[i]! > 0);
      const sum = hidden.reduce((total, i) => total + counts[i]!, 0);
      if (nonZero.length >= 2 && sum >= k) continue;
      let pick = -1;
      for (const i of line) {
        if (state[i] === 'shown' && counts[i]! > 0 && (pick === -1 || counts[i]! < counts[pick]!)) pick = i;
      }
      if (pick === -1) continue; // the line's own total is under k, and hidden where it is published
      state[pick] = 'withheld';
      changed = true;
    }
  }
  return state;
}

/** Nearest-rank percentile of a histogram (bucket -> count); null for an empty one. */
export function histogramPercentile(histogram: readonly { bucket: number; n: number }[], p: number): number | null {
  const sorted = [...histogram].filter((h) => h.n > 0).sort((a, b) => a.bucket - b.bucket);
  const total = sorted.reduce((sum, h) => sum + h.n, 0);
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * total));
  let seen = 0;
  for (const h of sorted) {
    seen += h.n;
    if (seen >= rank) return h.bucket;
  }
  return sorted[sorted.length - 1]!.bucket;
}
