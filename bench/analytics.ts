/**
 * The leadership dashboard over a million cases, on SQLite and on PostgreSQL.
 *
 * `case_stats` is seeded directly with server-side SQL (a million rows over 36 months, 4 channels,
 * 10 categories, 3 anonymity choices, 12 departments and unknown ones, with acknowledgements,
 * closings, outcomes, breaches and escalations); the rollups are then summed from those rows by the
 * same code that keeps them at run time (`rollupDelta`), and checked against a count of the rows.
 * Then it times `computeDashboard`, everything the dashboard page asks for (every table, both
 * distributions, the suppression), for the whole 36 months and under filters. Target: under 500 ms.
 *
 * Run: `node --import tsx bench/analytics.ts`. Knobs: BENCH_DIALECTS=sqlite,postgres,
 * BENCH_ANALYTICS_CASES=1000000, BENCH_ANALYTICS_RUNS=15, BENCH_POSTGRES_URL.
 */
import { sql } from 'kysely';
import { computeDashboard } from '../src/analytics/analytics.service.js';
import { RollupSum } from '../src/analytics/stats.rules.js';
import { insertRollups } from '../src/kernel/migrations/0011-analytics.js';
import type { DashboardQuery } from '../src/analytics/analytics.schema.js';
import { startRuntime } from '../src/kernel/bootstrap.js';
import { loadConfig } from '../src/kernel/config.js';
import type { Db, Dialect } from '../src/kernel/database.js';
import { createLogger } from '../src/kernel/logger.js';
import { createBenchDatabase } from './support/databases.js';
import { formatLatency, summarize } from './support/stats.js';

const TARGET_MS = 500;

function intFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer`);
  return value;
}
const CASES = intFromEnv('BENCH_ANALYTICS_CASES', 1_000_000);
const RUNS = intFromEnv('BENCH_ANALYTICS_RUNS', 15);
const DIALECTS = (process.env.BENCH_DIALECTS ?? 'sqlite,postgres').split(',').map((name) => name.trim()) as Dialect[];

/** A million statistics rows, computed by the database from the row number (no round trips). */
async function seedRows(db: Db, dialect: Dialect, channelIds: string[]): Promise<void> {
  const month =
    dialect === 'sqlite'
      ? sql`printf('%04d-%02d', 2023 + (n % 36) / 12, (n % 36) % 12 + 1)`
      : sql`format('%s-%s', 2023 + (n % 36) / 12, lpad(((n % 36) % 12 + 1)::text, 2, '0'))`;
  // Every combination of month (36), channel (4), category (10), anonymity (3) and department (13,
  // one of them unknown) occurs, spread evenly: the most rollup cells a million cases can make.
  const channel = sql`case (n / 36) % 4 ${sql.join(channelIds.map((id, i) => sql`when ${sql.lit(i)} then ${sql.lit(id)}`), sql` `)} end`;
  const select = sql`
    select 'bench-' || n, ${channel}, 'category-' || ((n / 144) % 10), case (n / 1440) % 3 when 0 then 'anonymous' when 1 then 'confidential' else 'named' end,
      case when (n / 4320) % 13 = 12 then null else 'Department ' || ((n / 4320) % 13) end,
      ${month} || '-15T10:00:00.000Z', ${month},
      case when n % 10 < 9 then ${month} || '-16T10:00:00.000Z' else null end,
      case when n % 10 < 9 then (n * 7) % 337 else null end,
      case when n % 10 < 8 then ${month} || '-28T10:00:00.000Z' else null end,
      case when n % 10 < 8 then (n * 11) % 181 else null end,
      case when n % 10 < 8 then case (n / 7) % 4 when 0 then 'out-of-scope' when 1 then 'referred-elsewhere' else 'findings-issued' end else null end,
      case when n % 10 < 8 and (n / 7) % 4 >= 2 then case (n / 3) % 4 when 0 then 'substantiated' when 1 then 'partly-substantiated' when 2 then 'not-substantiated' else 'inconclusive' end else null end,
      null,
      case when n % 11 = 0 then 1 else 0 end, case when n % 17 = 0 then 1 else 0 end, case when n % 23 = 0 then 1 else 0 end,
      case when n % 11 = 0 then 1 + (n / 11) % 3 else 0 end,
      case when n % 29 = 0 then 1 else 0 end,
      case when n % 3 = 0 then ${month} || '-20T10:00:00.000Z' else null end,
      case when n % 6 = 0 then ${month} || '-21T10:00:00.000Z' else null end,
      case when n % 31 = 0 then 1 else 0 end, case when n % 62 = 0 then 1 else 0 end, 0, case when n % 47 = 0 then 1 else 0 end,
      '2026-01-01T00:00:00.000Z'`;
  const columns = sql`(case_id, channel_id, category, anonymity, department, received_at, received_month, acknowledged_at, ack_hours, closed_at, close_days, closing, outcome, action,
      ack_breached, feedback_breached, investigation_breached, escalation_rung, appealed, returned_at, replied_at, retaliation_reviews, retaliation_upheld, retaliation_cleared, hr_events_flagged, updated_at)`;
  if (dialect === 'sqlite') {
    await sql`with recursive seq(n) as (select 1 union all select n + 1 from seq where n < ${sql.lit(CASES)}) insert into case_stats ${columns} ${select} from seq`.execute(db);
  } else {
    await sql`insert into case_stats ${columns} ${select} from generate_series(1, ${sql.lit(CASES)}) as seq(n)`.execute(db);
  }
}

/** The rollups, summed from the rows by the run-time code (`RollupSum`), page by page. */
async function sumRollups(db: Db): Promise<void> {
  const sum = new RollupSum();
  let after = '';
  for (;;) {
    const rows = await db.selectFrom('case_stats').selectAll().where('case_id', '>', after).orderBy('case_id').limit(50_000).execute();
    if (rows.length === 0) break;
    after = rows[rows.length - 1]!.case_id;
    for (const row of rows) {
      sum.add({ ...row, ack_hours: row.ack_hours === null ? null : Number(row.ack_hours), close_days: row.close_days === null ? null : Number(row.close_days), escalation_rung: Number(row.escalation_rung) }, 1);
    }
  }
  await insertRollups(db, sum);
  console.log(`  rollups: ${sum.cells.size} cells, ${sum.pairs.size} pair cells, ${sum.durations.size} histogram rows`);
}

async function runDialect(dialect: Dialect) {
  const database = await createBenchDatabase(dialect, 'analytics');
  try {
    const config = loadConfig({ CANDOR_DATA_DIR: database.dataDir, CANDOR_DATABASE_URL: database.url, LOG_LEVEL: 'warn', CANDOR_JOBS: 'off' });
    const runtime = await startRuntime(config, { logger: createLogger('warn', process.stderr) });
    try {
      const db = runtime.ctx.db;
      const slugs = ['general', 'hr', 'finance', 'external'];
      for (const slug of slugs.slice(1)) await db.insertInto('channels').values({ id: `channel-${slug}`, slug, name: slug, created_at: '2023-01-01T00:00:00.000Z', description: null }).execute();
      const channelIds = (await db.selectFrom('channels').select(['id', 'slug']).execute()).sort((a, b) => slugs.indexOf(a.slug) - slugs.indexOf(b.slug)).map((c) => c.id);
      let started = performance.now();
      await seedRows(db, dialect, channelIds);
      console.log(`[analytics/${dialect}] seeded ${CASES} statistics rows in ${((performance.now() - started) / 1000).toFixed(1)} s`);
      started = performance.now();
      await sumRollups(db);
      if (dialect === 'postgres') await sql`analyze`.execute(db);
      else await sql`analyze`.execute(db);
      console.log(`  summed in ${((performance.now() - started) / 1000).toFixed(1)} s`);
      const now = new Date('2026-01-10T00:00:00.000Z');
      const whole = await computeDashboard(db, config, { from: '2023-01', to: '2025-12' }, now);
      if (whole.received.value !== CASES) throw new Error(`the dashboard counts ${whole.received.value} cases, not ${CASES}`);
      const scenarios: [string, DashboardQuery][] = [
        ['36 months, no filter', { from: '2023-01', to: '2025-12' }],
        ['12 months, no filter', { from: '2025-01', to: '2025-12' }],
        ['36 months, channel', { from: '2023-01', to: '2025-12', channel: 'hr' }],
        ['36 months, department', { from: '2023-01', to: '2025-12', department: 'Department 3' }],
        ['36 months, category', { from: '2023-01', to: '2025-12', category: 'category-2' }],
      ];
      const results: { name: string; p50: number; p95: number }[] = [];
      for (const [name, query] of scenarios) {
        const samples: number[] = [];
        for (let i = 0; i < RUNS + 2; i++) {
          const t = performance.now();
          const dashboard = await computeDashboard(db, config, query, now);
          if (i >= 2) samples.push(performance.now() - t);
          if (i === 0 && dashboard.suppressed) throw new Error(`${name}: suppressed (${dashboard.suppressed})`);
        }
        const summary = summarize(samples);
        results.push({ name, p50: summary.p50, p95: summary.p95 });
        console.log(`  ${name}: ${formatLatency(summary)}${summary.p95 < TARGET_MS ? '' : '  MISSED the 500 ms target'}`);
      }
      return results;
    } finally {
      await runtime.close();
    }
  } finally {
    await database.dispose();
  }
}

const all: Record<string, { name: string; p50: number; p95: number }[]> = {};
for (const dialect of DIALECTS) all[dialect] = await runDialect(dialect);
console.log(`\nAnalytics dashboard over ${CASES} cases (target p95 < ${TARGET_MS} ms):`);
for (const [dialect, results] of Object.entries(all)) {
  for (const r of results) console.log(`  ${dialect.padEnd(8)} ${r.name.padEnd(36)} p50 ${r.p50.toFixed(1)} ms  p95 ${r.p95.toFixed(1)} ms`);
}
const missed = Object.values(all).flat().filter((r) => r.p95 >= TARGET_MS);
process.exitCode = missed.length > 0 && process.env.BENCH_STRICT === '1' ? 1 : 0;
