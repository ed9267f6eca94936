/**
 * The statistics row of a case and what it adds to the monthly rollups. Pure: no I/O, no clock.
 *
 * A `case_stats` row holds only non-identifying fields (no reference, no names, no content) and
 * has no foreign key to `cases`, so it outlives the case when its content is crypto-shredded. The
 * rollups (`case_stats_monthly`, `case_stats_durations`) are sums of these rows, kept exact by
 * applying the difference between a row's old and new contributions in the same transaction.
 */
import type { CaseStatsTable } from '../kernel/db-schema.js';

/** The counters of one rollup cell (received month x channel x category x anonymity x department). */
export const COUNTERS = [
  'received',
  'acknowledged',
  'closed',
  'ack_breached',
  'feedback_breached',
  'investigation_breached',
  'rung_1',
  'rung_2',
  'rung_3',
  'rung_4_plus',
  'closing_findings_issued',
  'closing_out_of_scope',
  'closing_referred_elsewhere',
  'closing_appeal_dismissed',
  'outcome_substantiated',
  'outcome_partly_substantiated',
  'outcome_not_substantiated',
  'outcome_inconclusive',
  'appealed',
  'returned',
  'replied',
  'retaliation_reviews',
  'retaliation_upheld',
  'retaliation_cleared',
  'hr_events_flagged',
] as const;
export type Counter = (typeof COUNTERS)[number];
export type CounterVector = Record<Counter, number>;

/** The measures kept as histograms (whole hours to acknowledge, whole days to close). */
export const DURATION_MEASURES = ['ack_hours', 'close_days'] as const;
export type DurationMeasure = (typeof DURATION_MEASURES)[number];

/** Dimensions the duration histograms are kept for: all cases ('all'), or one dimension at a time. */
export const DURATION_DIMENSIONS = ['all', 'channel', 'category', 'department'] as const;
export type DurationDimension = (typeof DURATION_DIMENSIONS)[number];

/** The department column of a rollup key when the department is not known. */
export const UNKNOWN_DEPARTMENT = '';

export type StatsRow = Omit<CaseStatsTable, 'updated_at'>;

/** What a case's outcome is from its allegations' findings: the most serious finding recorded. */
export const OUTCOME_ORDER = ['substantiated', 'partly-substantiated', 'inconclusive', 'not-substantiated'] as const;
export function caseOutcome(findings: readonly (string | null)[]): string | null {
  for (const outcome of OUTCOME_ORDER) if (findings.includes(outcome)) return outcome;
  return null;
}

export function monthOf(iso: string): string {
  return iso.slice(0, 7);
}

const HOUR = 3_600_000;
const DAY = 86_400_000;
export function wholeHoursBetween(from: string, to: string): number {
  return Math.max(0, Math.floor((Date.parse(to) - Date.parse(from)) / HOUR));
}
export function wholeDaysBetween(from: string, to: string): number {
  return Math.max(0, Math.floor((Date.parse(to) - Date.parse(from)) / DAY));
}

export function emptyCounters(): CounterVector {
  return Object.fromEntries(COUNTERS.map((name) => [name, 0])) as CounterVector;
}

/**
 * The dimensions the rollups are kept by, one at a time ('all': every case), each with anonymity.
 * A case adds to four marginal cells: (month, 'all', ''), (month, 'channel', its channel),
 * (month, 'category', ...), (month, 'department', its department or '').
 */
export const MARGINAL_DIMENSIONS = ['all', 'channel', 'category', 'department'] as const;
export type MarginalDimension = (typeof MARGINAL_DIMENSIONS)[number];

/** Pairs of dimensions whose joint counts (received only) are kept, for a breakdown under one filter. */
export const PAIRS = ['channel:category', 'channel:department', 'category:department'] as const;
export type Pair = (typeof PAIRS)[number];

/** A marginal rollup cell. */
export interface CellKey {
  month: string;
  dimension: MarginalDimension;
  dim_value: string;
  anonymity: string;
}

export interface PairKey {
  month: string;
  pair: Pair;
  value_a: string;
  value_b: string;
}

function dimensionValue(row: StatsRow, dimension: MarginalDimension | 'anonymity'): string {
  if (dimension === 'all') return '';
  if (dimension === 'channel') return row.channel_id;
  if (dimension === 'category') return row.category;
  if (dimension === 'anonymity') return row.anonymity;
  return row.department ?? UNKNOWN_DEPARTMENT;
}

export function cellKeysOf(row: StatsRow): CellKey[] {
  return MARGINAL_DIMENSIONS.map((dimension) => ({ month: row.received_month, dimension, dim_value: dimensionValue(row, dimension), anonymity: row.anonymity }));
}

export function pairKeysOf(row: StatsRow): PairKey[] {
  return PAIRS.map((pair) => {
    const [a, b] = pair.split(':') as [MarginalDimension, MarginalDimension];
    return { month: row.received_month, pair, value_a: dimensionValue(row, a), value_b: dimensionValue(row, b) };
  });
}

/** What one case adds to its rollup cell. */
export function countersOf(row: StatsRow): CounterVector {
  const c = emptyCounters();
  c.received = 1;
  c.acknowledged = row.acknowledged_at ? 1 : 0;
  c.closed = row.closed_at ? 1 : 0;
  c.ack_breached = row.ack_breached;
  c.feedback_breached = row.feedback_breached;
  c.investigation_breached = row.investigation_breached;
  const rung = row.escalation_rung;
  if (rung === 1) c.rung_1 = 1;
  else if (rung === 2) c.rung_2 = 1;
  else if (rung === 3) c.rung_3 = 1;
  else if (rung >= 4) c.rung_4_plus = 1;
  if (row.closed_at) {
    if (row.closing === 'findings-issued') c.closing_findings_issued = 1;
    if (row.closing === 'out-of-scope') c.closing_out_of_scope = 1;
    if (row.closing === 'referred-elsewhere') c.closing_referred_elsewhere = 1;
    if (row.closing === 'appeal-dismissed') c.closing_appeal_dismissed = 1;
    if (row.outcome === 'substantiated') c.outcome_substantiated = 1;
    if (row.outcome === 'partly-substantiated') c.outcome_partly_substantiated = 1;
    if (row.outcome === 'not-substantiated') c.outcome_not_substantiated = 1;
    if (row.outcome === 'inconclusive') c.outcome_inconclusive = 1;
  }
  c.appealed = row.appealed;
  c.returned = row.returned_at ? 1 : 0;
  c.replied = row.replied_at ? 1 : 0;
  c.retaliation_reviews = row.retaliation_reviews;
  c.retaliation_upheld = row.retaliation_upheld;
  c.retaliation_cleared = row.retaliation_cleared;
  c.hr_events_flagged = row.hr_events_flagged;
  return c;
}

/** One histogram entry a case adds: (month, dimension, its value, measure, bucket). */
export interface DurationKey {
  month: string;
  dimension: DurationDimension;
  dim_value: string;
  measure: DurationMeasure;
  bucket: number;
}

/**
 * The histogram bucket of a duration: exact where medians and 90th percentiles of a handled case
 * usually fall (hours within three days, days within 120 days), coarser beyond (whole days, whole
 * weeks), so that a histogram stays a few hundred rows a month. A percentile reports its bucket's
 * lower bound. The statistics row keeps the exact value.
 */
export function durationBucket(measure: DurationMeasure, value: number): number {
  if (measure === 'ack_hours') return value < 72 ? value : value - (value % 24);
  return value < 120 ? value : value - ((value - 120) % 7);
}

export function durationsOf(row: StatsRow): DurationKey[] {
  const values: [DurationMeasure, number | null][] = [
    ['ack_hours', row.ack_hours === null ? null : durationBucket('ack_hours', row.ack_hours)],
    ['close_days', row.closed_at && row.close_days !== null ? durationBucket('close_days', row.close_days) : null],
  ];
  const dims: [DurationDimension, string | null][] = [
    ['all', ''],
    ['channel', row.channel_id],
    ['category', row.category],
    ['department', row.department],
  ];
  const keys: DurationKey[] = [];
  for (const [measure, bucket] of values) {
    if (bucket === null) continue;
    for (const [dimension, dim_value] of dims) {
      if (dim_value === null) continue;
      keys.push({ month: row.received_month, dimension, dim_value, measure, bucket });
    }
  }
  return keys;
}

const keyId = (key: object) => JSON.stringify(Object.values(key));

export interface RollupDelta {
  cells: { key: CellKey; delta: CounterVector }[];
  pairs: { key: PairKey; delta: number }[];
  durations: { key: DurationKey; delta: number }[];
}

/** Sums of deltas, keyed; used for one change and for bulk loads alike. */
export class RollupSum {
  readonly cells = new Map<string, { key: CellKey; delta: CounterVector }>();
  readonly pairs = new Map<string, { key: PairKey; delta: number }>();
  readonly durations = new Map<string, { key: DurationKey; delta: number }>();

  add(row: StatsRow, sign: 1 | -1): void {
    const counters = countersOf(row);
    for (const key of cellKeysOf(row)) {
      const id = keyId(key);
      let entry = this.cells.get(id);
      if (!entry) {
        entry = { key, delta: emptyCounters() };
        this.cells.set(id, entry);
      }
      for (const name of COUNTERS) entry.delta[name] += sign * counters[name];
    }
    for (const key of pairKeysOf(row)) {
      const id = keyId(key);
      const entry = this.pairs.get(id) ?? { key, delta: 0 };
      entry.delta += sign;
      this.pairs.set(id, entry);
    }
    for (const key of durationsOf(row)) {
      const id = keyId(key);
      const entry = this.durations.get(id) ?? { key, delta: 0 };
      entry.delta += sign;
      this.durations.set(id, entry);
    }
  }

  /** Only what changes. */
  delta(): RollupDelta {
    return {
      cells: [...this.cells.values()].filter((entry) => COUNTERS.some((name) => entry.delta[name] !== 0)),
      pairs: [...this.pairs.values()].filter((entry) => entry.delta !== 0),
      durations: [...this.durations.values()].filter((entry) => entry.delta !== 0),
    };
  }
}

/** What must be added to the rollups when a row changes from `before` (or nothing) to `after`. */
export function rollupDelta(before: StatsRow | null, after: StatsRow | null): RollupDelta {
  const sum = new RollupSum();
  if (before) sum.add(before, -1);
  if (after) sum.add(after, 1);
  return sum.delta();
}

/** The facts a statistics row is computed from (read from the case and its clocks, escalations, allegations). */
export interface CaseFactsForStats {
  caseId: string;
  channelId: string;
  category: string;
  anonymity: string;
  receivedAt: string;
  acknowledgedAt: string | null;
  closedAt: string | null;
  closing: string | null;
  reopenedAt: string | null;
  findings: (string | null)[];
  breachedClocks: string[];
  highestRung: number;
}

/**
 * The row for a case now. Flags that record something that happened (a breach, an appeal, a
 * return visit) are sticky: a later reset of a clock does not undo that a deadline was missed.
 */
export function statsRowFor(facts: CaseFactsForStats, previous: StatsRow | null): StatsRow {
  const sticky = (name: 'ack_breached' | 'feedback_breached' | 'investigation_breached', kind: string) =>
    previous?.[name] === 1 || facts.breachedClocks.includes(kind) ? 1 : 0;
  return {
    case_id: facts.caseId,
    channel_id: facts.channelId,
    category: facts.category,
    anonymity: facts.anonymity,
    department: previous?.department ?? null,
    received_at: facts.receivedAt,
    received_month: monthOf(facts.receivedAt),
    acknowledged_at: facts.acknowledgedAt,
    ack_hours: facts.acknowledgedAt ? wholeHoursBetween(facts.receivedAt, facts.acknowledgedAt) : null,
    closed_at: facts.closedAt,
    close_days: facts.closedAt ? wholeDaysBetween(facts.receivedAt, facts.closedAt) : null,
    closing: facts.closedAt ? facts.closing : null,
    outcome: facts.closedAt ? caseOutcome(facts.findings) : null,
    action: previous?.action ?? null,
    ack_breached: sticky('ack_breached', 'acknowledge'),
    feedback_breached: sticky('feedback_breached', 'feedback'),
    investigation_breached: sticky('investigation_breached', 'investigation'),
    escalation_rung: Math.max(previous?.escalation_rung ?? 0, facts.highestRung),
    appealed: previous?.appealed === 1 || facts.reopenedAt ? 1 : 0,
    returned_at: previous?.returned_at ?? null,
    replied_at: previous?.replied_at ?? null,
    retaliation_reviews: previous?.retaliation_reviews ?? 0,
    retaliation_upheld: previous?.retaliation_upheld ?? 0,
    retaliation_cleared: previous?.retaliation_cleared ?? 0,
    hr_events_flagged: previous?.hr_events_flagged ?? 0,
  };
}

/** Whether two rows differ in anything the rollups or the row itself keep. */
export function sameStats(a: StatsRow, b: StatsRow): boolean {
  return (Object.keys(a) as (keyof StatsRow)[]).every((key) => a[key] === b[key]);
}
