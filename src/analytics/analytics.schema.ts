import { z } from 'zod';

const Month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month as YYYY-MM');

export const DashboardQuery = z
  .strictObject({
    from: Month.optional(),
    to: Month.optional(),
    channel: z.string().min(1).max(100).optional(),
    category: z.string().min(1).max(100).optional(),
    department: z.string().min(1).max(200).optional(),
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { message: 'must not be after "to"', path: ['from'] })
  .meta({ id: 'AnalyticsQuery' });
export type DashboardQuery = z.infer<typeof DashboardQuery>;

export const BoardReportQuery = z
  .strictObject({
    quarter: z.string().regex(/^\d{4}-Q[1-4]$/, 'must be a quarter as YYYY-Q1 .. YYYY-Q4'),
  })
  .meta({ id: 'BoardReportQuery' });

/** A published count: its value, or null with why it is hidden ('small': fewer than k cases; 'withheld': hidden to protect a small one). */
export const Figure = z
  .object({
    value: z.number().int().nullable(),
    state: z.enum(['shown', 'small', 'withheld']),
  })
  .meta({ id: 'AnalyticsFigure' });
export type Figure = z.infer<typeof Figure>;

export const FigureTable = z
  .object({
    id: z.string(),
    title: z.string(),
    /** What the shares are of. */
    total: Figure,
    rows: z.array(z.object({ key: z.string(), label: z.string(), count: Figure, share: z.number().nullable() })),
  })
  .meta({ id: 'AnalyticsTable' });
export type FigureTable = z.infer<typeof FigureTable>;

export const Distribution = z
  .object({
    unit: z.enum(['hours', 'days']),
    n: Figure,
    median: z.number().nullable(),
    p90: z.number().nullable(),
  })
  .meta({ id: 'AnalyticsDistribution' });
export type Distribution = z.infer<typeof Distribution>;

export const Dashboard = z
  .object({
    k: z.number().int(),
    generatedAt: z.string(),
    requested: z.object({ from: z.string(), to: z.string() }),
    /** The months the figures cover: the request widened to whole periods of at least k reports. */
    covered: z.object({ from: z.string(), to: z.string() }).nullable(),
    /** Recent months held back until their period holds k reports. */
    withheld: z.object({ from: z.string(), to: z.string() }).nullable(),
    filters: z.object({ channel: z.string().nullable(), category: z.string().nullable(), department: z.string().nullable() }),
    /** Why no figures are shown, when none are. */
    suppressed: z.enum(['too_few_cases', 'filter_too_narrow']).nullable(),
    received: Figure,
    tables: z.array(FigureTable),
    durations: z.object({ acknowledge: Distribution, close: Distribution }),
    targets: z.object({ acknowledgeDays: z.number(), feedbackMonths: z.number() }),
    benchmark: z.object({ closeDays: z.number().nullable(), source: z.string(), year: z.number().nullable() }),
    escrow: z.object({ held: Figure, matches: Figure }),
    /** Filter values that can be asked for over the covered months (each large enough, with what is left). */
    options: z.object({
      channels: z.array(z.object({ slug: z.string(), name: z.string() })),
      categories: z.array(z.string()),
      departments: z.array(z.string()),
    }),
  })
  .meta({ id: 'AnalyticsDashboard' });
export type Dashboard = z.infer<typeof Dashboard>;
