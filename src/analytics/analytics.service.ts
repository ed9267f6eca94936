/**
 * The leadership dashboard: figures for analysts and oversight, computed from the statistics
 * rollups (never from a case), with small cells suppressed. Every read is audited.
 */
import { recordAudit } from '../audit/audit.service.js';
import type { StaffPrincipal } from '../identity/identity.service.js';
import type { Config } from '../kernel/config.js';
import { inTransaction, type AppContext } from '../kernel/context.js';
import type { Queryable } from '../kernel/database.js';
import { Forbidden, ValidationFailed } from '../kernel/errors.js';
import { DIMS, FigureContext, type Dim, type Filters } from './analytics.figures.js';
import type { Dashboard, DashboardQuery, Distribution, Figure } from './analytics.schema.js';
import { buildTable } from './analytics.figures.js';
import { tableSpecs } from './analytics.tables.js';
import { quarterMonths, renderBoardReport } from './board-report.pdf.js';
import { countEscrow, durationHistogram, listChannelNames, listMarginalCells, listMonthlyTotals, listPairCells } from './stats.repository.js';
import { histogramPercentile, periodsOf, previousMonth, snapRange } from './suppression.rules.js';

export const ANALYTICS_ROLES = new Set(['analyst', 'oversight']);

export function assertAnalyticsRole(principal: StaffPrincipal): void {
  if (!ANALYTICS_ROLES.has(principal.role)) throw new Forbidden('analytics_only', 'Only analysts and oversight see the dashboard.');
}

/** The twelve months up to and including this one, when no range is asked for. */
export function defaultRange(now: Date): { from: string; to: string } {
  const to = now.toISOString().slice(0, 7);
  let from = to;
  for (let i = 0; i < 11; i++) from = previousMonth(from);
  return { from, to };
}

function countFigure(n: number, k: number): Figure {
  return n > 0 && n < k ? { value: null, state: 'small' } : { value: n, state: 'shown' };
}

const NO_FIGURE: Figure = { value: null, state: 'withheld' };

async function distribution(db: Queryable, measure: 'ack_hours' | 'close_days', range: { from: string; to: string }, filters: Filters, k: number): Promise<Distribution> {
  const unit = measure === 'ack_hours' ? 'hours' : 'days';
  const [dimension, value] = (Object.entries(filters)[0] as [string, string] | undefined) ?? ['all', ''];
  const histogram = await durationHistogram(db, measure, range.from, range.to, dimension, value);
  const n = histogram.reduce((sum, h) => sum + h.n, 0);
  // A median or 90th percentile of fewer than k durations is one of them, near enough: not shown.
  if (n < k) return { unit, n: countFigure(n, k), median: null, p90: null };
  return { unit, n: countFigure(n, k), median: histogramPercentile(histogram, 50), p90: histogramPercentile(histogram, 90) };
}

/** The dashboard's figures for a range and filters (no access check: the callers do it). */
export async function computeDashboard(db: Queryable, config: Pick<Config, 'analytics' | 'clocks'>, query: DashboardQuery, now: Date): Promise<Dashboard> {
  const k = config.analytics.k;
  const requested = { ...defaultRange(now), ...(query.from ? { from: query.from } : {}), ...(query.to ? { to: query.to } : {}) };
  if (requested.from > requested.to) throw new ValidationFailed({ from: ['must not be after "to"'] });
  const channels = await listChannelNames(db);
  const channel = query.channel ? channels.find((c) => c.slug === query.channel) : undefined;
  if (query.channel && !channel) throw new ValidationFailed({ channel: ['no such channel'] });
  const filters: Filters = {
    ...(channel ? { channel: channel.id } : {}),
    ...(query.category ? { category: query.category } : {}),
    ...(query.department ? { department: query.department } : {}),
  };
  // One slice at a time: crossing two filters makes cells small and defeats suppression (docs/analytics.md).
  if (Object.keys(filters).length > 1) throw new ValidationFailed({ filters: ['filter by one of channel, category or department at a time'] });
  const { closed, open } = periodsOf(await listMonthlyTotals(db), k);
  const snapped = snapRange(closed, open, requested.from, requested.to);
  const escrowCounts = await countEscrow(db);
  const base: Dashboard = {
    k,
    generatedAt: now.toISOString(),
    requested,
    covered: snapped.from && snapped.to ? { from: snapped.from, to: snapped.to } : null,
    withheld: snapped.withheld,
    filters: { channel: query.channel ?? null, category: query.category ?? null, department: query.department ?? null },
    suppressed: null,
    received: NO_FIGURE,
    tables: [],
    durations: { acknowledge: { unit: 'hours', n: NO_FIGURE, median: null, p90: null }, close: { unit: 'days', n: NO_FIGURE, median: null, p90: null } },
    targets: { acknowledgeDays: config.clocks.acknowledgeDays, feedbackMonths: config.clocks.feedbackMonths },
    benchmark: config.analytics.benchmark,
    escrow: { held: countFigure(escrowCounts.held, k), matches: countFigure(escrowCounts.matches, k) },
    options: { channels: [], categories: [], departments: [] },
  };
  if (!snapped.from || !snapped.to) return { ...base, suppressed: 'too_few_cases' };

  const filterDim = (Object.keys(filters) as Dim[])[0];
  const pairNames = filterDim ? DIMS.filter((dim) => dim !== filterDim).map((dim) => DIMS.filter((d) => d === dim || d === filterDim).join(':')) : [];
  const range = { from: snapped.from, to: snapped.to };
  // The distributions are read alongside the cells (in parallel on PostgreSQL's pool); shown only if the filter is answered.
  const durations = Promise.all([distribution(db, 'ack_hours', range, filters, k), distribution(db, 'close_days', range, filters, k)]);
  durations.catch(() => undefined);
  const [marginal, ...pairRows] = await Promise.all([listMarginalCells(db, snapped.from, snapped.to), ...pairNames.map((pair) => listPairCells(db, pair, snapped.from!, snapped.to!))]);
  const ctx = new FigureContext(marginal, new Map(pairNames.map((pair, i) => [pair, pairRows[i]!])), snapped.periods, k);
  const eligibleChannels = ctx.eligible('channel', {}).eligible;
  base.options = {
    channels: channels.filter((c) => eligibleChannels.includes(c.id)).map((c) => ({ slug: c.slug, name: c.name })),
    categories: ctx.eligible('category', {}).eligible,
    departments: ctx.eligible('department', {}).eligible,
  };
  // A filter is answered only for a value that passes the small-cell test under the other filters.
  for (const dim of ['channel', 'category', 'department'] as const) {
    const value = filters[dim];
    if (value === undefined) continue;
    const rest = { ...filters };
    delete rest[dim];
    if (!ctx.eligible(dim, rest).eligible.includes(value)) return { ...base, suppressed: 'filter_too_narrow' };
  }
  const received = ctx.perPeriod(filters).reduce((a, b) => a + b, 0);
  if (received < k) return { ...base, received: countFigure(received, k), suppressed: 'too_few_cases' };
  const labels = { channels: new Map(channels.map((c) => [c.id, c.name])) };
  const [acknowledge, close] = await durations;
  return {
    ...base,
    received: countFigure(received, k),
    tables: tableSpecs(ctx, filters, labels).map((spec) => buildTable(ctx, spec, filters)),
    durations: {
      acknowledge,
      close,
    },
  };
}

/** The dashboard for an analyst or oversight (audited: who looked, at which range and filters). */
export async function getDashboard(ctx: AppContext, principal: StaffPrincipal, query: DashboardQuery): Promise<Dashboard> {
  assertAnalyticsRole(principal);
  const now = ctx.clock.now();
  const dashboard = await computeDashboard(ctx.db, ctx.config, query, now);
  await inTransaction(ctx, (tx) =>
    recordAudit(tx, ctx.dialect, now, {
      actor: { type: 'staff', id: principal.userId },
      action: 'analytics.read',
      details: { from: dashboard.requested.from, to: dashboard.requested.to, channel: query.channel ?? null, category: query.category ?? null, department: query.department ?? null },
    }),
  );
  return dashboard;
}

/** The board report for a quarter, as PDF bytes (audited). */
export async function getBoardReport(ctx: AppContext, principal: StaffPrincipal, quarter: string): Promise<Uint8Array> {
  assertAnalyticsRole(principal);
  const now = ctx.clock.now();
  const dashboard = await computeDashboard(ctx.db, ctx.config, quarterMonths(quarter), now);
  const pdf = await renderBoardReport(dashboard, quarter, ctx.config.publicUrl ?? 'Candor');
  await inTransaction(ctx, (tx) =>
    recordAudit(tx, ctx.dialect, now, { actor: { type: 'staff', id: principal.userId }, action: 'analytics.board_report', details: { quarter } }),
  );
  return pdf;
}
