/**
 * The dashboard's figures from the rollup cells, with small-cell suppression applied. Pure: the
 * service reads the cells and histograms and hands them here (see docs/analytics.md).
 */
import type { Figure, FigureTable } from './analytics.schema.js';
import { COUNTERS, type CounterVector } from './stats.rules.js';
import { suppressCells, type CellState, type Period } from './suppression.rules.js';

/** A rollup cell as the figures see it: a dimension not resolved in it reads '*'. */
export interface Cell extends CounterVector {
  month: string;
  channel_id: string;
  category: string;
  department: string;
  anonymity: string;
}
export type Dim = 'channel' | 'category' | 'department';
export type Filters = Partial<Record<Dim, string>>;

export interface MarginalRow extends CounterVector {
  month: string;
  dimension: string;
  dim_value: string;
  anonymity: string;
}
export interface PairRow {
  month: string;
  value_a: string;
  value_b: string;
  received: number;
}

const DIM_COLUMN: Record<Dim, 'channel_id' | 'category' | 'department'> = { channel: 'channel_id', category: 'category', department: 'department' };
export const DIMS: readonly Dim[] = ['channel', 'category', 'department'];
const ANY = '*';

const ok = (n: number, k: number) => n === 0 || n >= k;

/** One literal shape for every cell, so the hot loops stay on V8's fast path (a spread of a built object does not). */
function makeCell(month: string, anonymity: string): Cell {
  return {
    month,
    channel_id: ANY,
    category: ANY,
    department: ANY,
    anonymity,
    received: 0,
    acknowledged: 0,
    closed: 0,
    ack_breached: 0,
    feedback_breached: 0,
    investigation_breached: 0,
    rung_1: 0,
    rung_2: 0,
    rung_3: 0,
    rung_4_plus: 0,
    closing_findings_issued: 0,
    closing_out_of_scope: 0,
    closing_referred_elsewhere: 0,
    closing_appeal_dismissed: 0,
    outcome_substantiated: 0,
    outcome_partly_substantiated: 0,
    outcome_not_substantiated: 0,
    outcome_inconclusive: 0,
    appealed: 0,
    returned: 0,
    replied: 0,
    retaliation_reviews: 0,
    retaliation_upheld: 0,
    retaliation_cleared: 0,
    hr_events_flagged: 0,
  };
}

export function matches(cell: Cell, filters: Filters): boolean {
  return DIMS.every((dim) => filters[dim] === undefined || cell[DIM_COLUMN[dim]] === filters[dim]);
}

function without(filters: Filters, dim: Dim): Filters {
  const copy = { ...filters };
  delete copy[dim];
  return copy;
}

function dimsOf(filters: Filters, ...more: (Dim | undefined)[]): Dim[] {
  const set = new Set<Dim>([...(Object.keys(filters) as Dim[]), ...more.filter((d): d is Dim => d !== undefined)]);
  return DIMS.filter((dim) => set.has(dim));
}

export class FigureContext {
  private readonly periodOf = new Map<string, number>();
  private readonly cellSets = new Map<string, Cell[]>();
  /**
   * @param marginal the marginal rollup cells of the covered months (every counter, one dimension at a time)
   * @param pairs joint counts of two dimensions, by pair name ('channel:category', ...), where loaded
   */
  constructor(
    private readonly marginal: readonly MarginalRow[],
    private readonly pairs: ReadonlyMap<string, readonly PairRow[]>,
    readonly periods: readonly Period[],
    readonly k: number,
  ) {
    periods.forEach((period, index) => {
      for (let m = period.from; m <= period.to; m = nextMonthOf(m)) this.periodOf.set(m, index);
    });
  }

  periodIndex(month: string): number {
    return this.periodOf.get(month) ?? -1;
  }

  /** Cells that resolve exactly these dimensions: the 'all' cells, one dimension's, or a pair's. */
  cellsFor(dims: readonly Dim[]): Cell[] {
    const key = dims.join(':');
    const cached = this.cellSets.get(key);
    if (cached) return cached;
    let cells: Cell[];
    if (dims.length <= 1) {
      const dimension = dims[0] ?? 'all';
      cells = this.marginal
        .filter((row) => row.dimension === dimension)
        .map((row) => {
          const cell = makeCell(row.month, row.anonymity);
          for (const name of COUNTERS) cell[name] = row[name];
          if (dims[0]) cell[DIM_COLUMN[dims[0]]] = row.dim_value;
          return cell;
        });
    } else {
      const rows = this.pairs.get(key);
      if (!rows) throw new Error(`pair ${key} not loaded`);
      cells = rows.map((row) => {
        const cell = makeCell(row.month, ANY);
        cell.received = row.received;
        cell[DIM_COLUMN[dims[0]!]] = row.value_a;
        cell[DIM_COLUMN[dims[1]!]] = row.value_b;
        return cell;
      });
    }
    cells = cells.filter((cell) => this.periodIndex(cell.month) >= 0);
    this.cellSets.set(key, cells);
    return cells;
  }

  perPeriod(filters: Filters): number[] {
    const counts = this.periods.map(() => 0);
    for (const cell of this.cellsFor(dimsOf(filters))) {
      if (matches(cell, filters)) counts[this.periodIndex(cell.month)]! += cell.received;
    }
    return counts;
  }

  private readonly eligibleCache = new Map<string, { eligible: string[]; rest: string[] }>();

  /**
   * The values of a dimension that may be asked for under the other filters: every period holds
   * none or at least k of their cases, and none or at least k of the others. Values left over
   * (the rest, which can be worked out from the total) must together pass the same test; if they
   * do not, the smallest values join them until they do. Unknown departments are always in the rest.
   */
  eligible(dim: Dim, base: Filters): { eligible: string[]; rest: string[] } {
    const cacheKey = JSON.stringify([dim, base.channel ?? null, base.category ?? null, base.department ?? null]);
    const cached = this.eligibleCache.get(cacheKey);
    if (cached) return cached;
    const column = DIM_COLUMN[dim];
    const total = this.periods.map(() => 0);
    const byValue = new Map<string, number[]>();
    for (const cell of this.cellsFor(dimsOf(base, dim))) {
      if (!matches(cell, base)) continue;
      const index = this.periodIndex(cell.month);
      if (index < 0) continue;
      const value = cell[column];
      let counts = byValue.get(value);
      if (!counts) {
        counts = this.periods.map(() => 0);
        byValue.set(value, counts);
      }
      counts[index]! += cell.received;
      total[index]! += cell.received;
    }
    const eligible: string[] = [];
    const rest: string[] = [];
    for (const [value, counts] of byValue) {
      const fine = value !== '' && counts.every((n, p) => ok(n, this.k) && ok(total[p]! - n, this.k));
      (fine ? eligible : rest).push(value);
    }
    const sumOf = (value: string) => byValue.get(value)!.reduce((a, b) => a + b, 0);
    for (;;) {
      const restCounts = total.map((t, p) => t - eligible.reduce((sum, value) => sum + byValue.get(value)![p]!, 0));
      if (restCounts.every((n) => ok(n, this.k)) || eligible.length === 0) break;
      eligible.sort((a, b) => sumOf(a) - sumOf(b) || a.localeCompare(b));
      rest.push(eligible.shift()!);
    }
    const result = { eligible: eligible.sort(), rest: rest.sort() };
    this.eligibleCache.set(cacheKey, result);
    return result;
  }
}

function nextMonthOf(month: string): string {
  const [year, mon] = month.split('-').map(Number) as [number, number];
  return mon === 12 ? `${year + 1}-01` : `${year}-${String(mon + 1).padStart(2, '0')}`;
}

/** One table: its rows, how a cell contributes to each, and which groups of rows have a known sum. */
export interface TableSpec {
  id: string;
  title: string;
  rows: { key: string; label: string }[];
  /** What a rollup cell adds to each row. */
  counts(cell: Cell, ctx: FigureContext): number[];
  /** Whether the rows add up to a total that is published (nearly always). */
  totalKnown: boolean;
  /** Further groups of row indexes whose sum can be worked out (e.g. the values too small to filter by). */
  extraLines?: number[][];
  /** Cells that belong to this table's population at all (e.g. anonymous cases only). */
  only?: (cell: Cell) => boolean;
  /** The dimension this table breaks cases down by, when it is one of the filter dimensions. */
  dim?: Dim;
}

/** The table's row for every value of a dimension under the base filters, in one pass. */
function rowsByValue(ctx: FigureContext, spec: TableSpec, base: Filters, dim: Dim): Map<string, number[]> {
  const column = DIM_COLUMN[dim];
  const out = new Map<string, number[]>();
  for (const cell of ctx.cellsFor(dimsOf(base, dim, spec.dim))) {
    if (!matches(cell, base) || (spec.only && !spec.only(cell))) continue;
    let row = out.get(cell[column]);
    if (!row) {
      row = spec.rows.map(() => 0);
      out.set(cell[column], row);
    }
    const added = spec.counts(cell, ctx);
    for (let i = 0; i < added.length; i++) row[i]! += added[i]!;
  }
  return out;
}

function rowOf(ctx: FigureContext, spec: TableSpec, filters: Filters): number[] {
  const out = spec.rows.map(() => 0);
  for (const cell of ctx.cellsFor(dimsOf(filters, spec.dim))) {
    if (!matches(cell, filters) || (spec.only && !spec.only(cell))) continue;
    spec.counts(cell, ctx).forEach((n, i) => (out[i]! += n));
  }
  return out;
}

const shown = (value: number): Figure => ({ value, state: 'shown' });
const hidden = (state: CellState): Figure => ({ value: null, state: state === 'shown' ? 'withheld' : state });

/**
 * A table under the filters, suppressed so that no hidden cell follows from its total, from the
 * same table for every other value of each filter (rows of a matrix whose column sums are the
 * table without that filter), or from the groups in `extraLines`.
 */
export function buildTable(ctx: FigureContext, spec: TableSpec, filters: Filters): FigureTable {
  const own = rowOf(ctx, spec, filters);
  const width = own.length;
  const counts: number[] = [...own];
  const lines: number[][] = [];
  const ownLine = own.map((_, i) => i);
  if (spec.totalKnown) lines.push(ownLine);
  for (const extra of spec.extraLines ?? []) lines.push(extra);
  for (const dim of DIMS) {
    const value = filters[dim];
    if (value === undefined) continue;
    const base = without(filters, dim);
    const { eligible, rest } = ctx.eligible(dim, base);
    const grouped = rowsByValue(ctx, spec, base, dim);
    const rowFor = (v: string) => grouped.get(v) ?? own.map(() => 0);
    const columns: number[][] = own.map((_, i) => [i]);
    const addRow = (row: number[]) => {
      const start = counts.length;
      counts.push(...row);
      if (spec.totalKnown) lines.push(row.map((_, i) => start + i));
      row.forEach((_, i) => columns[i]!.push(start + i));
    };
    for (const sibling of eligible.filter((v) => v !== value)) addRow(rowFor(sibling));
    if (rest.length > 0) {
      const restRow = own.map(() => 0);
      for (const v of rest) rowFor(v).forEach((n, i) => (restRow[i]! += n));
      addRow(restRow);
    }
    lines.push(...columns);
  }
  const total = own.reduce((a, b) => a + b, 0);
  let states = suppressCells(counts, lines, ctx.k).slice(0, width);
  if (spec.totalKnown && total > 0 && total < ctx.k) states = states.map((s, i) => (own[i]! > 0 ? (s === 'shown' ? 'withheld' : s) : s));
  const totalFigure: Figure = total > 0 && total < ctx.k ? { value: null, state: 'small' } : shown(total);
  return {
    id: spec.id,
    title: spec.title,
    total: totalFigure,
    rows: spec.rows.map((row, i) => {
      const figure = states[i] === 'shown' ? shown(own[i]!) : hidden(states[i]!);
      return { ...row, count: figure, share: figure.value !== null && totalFigure.value ? figure.value / totalFigure.value : null };
    }),
  };
}
