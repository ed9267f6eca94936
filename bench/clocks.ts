/**
 * Clock sweep over 1,000,000 open cases: how long the sweep takes to find what is due, on SQLite
 * and on PostgreSQL, with the query plans that show it walks the sweep index (never a scan).
 *
 * The cases and their clocks (3 per case: acknowledge, feedback, idle) are generated inside the
 * database in batches, since a sweep never opens content; about 0.1% of the running clocks are
 * due at the moment measured. Figures:
 *   - find due: the sweep's own query (dueClocksQuery, one batch of 200), repeated;
 *   - empty sweep: sweepClocks when nothing is due (one index probe);
 *   - handle: sweepClocks over due clocks, each in its own transaction with its audit entry
 *     (no target: this is the cost of the work itself, not of finding it).
 * Run on its own: `node --import tsx bench/clocks.ts`. Knobs: BENCH_CLOCKS_CASES (1000000),
 * BENCH_CLOCKS_REPEAT (200), BENCH_CLOCKS_DIALECTS / BENCH_DIALECTS.
 */
import { Writable } from 'node:stream';
import { sql, type RawBuilder } from 'kysely';
import { sweepClocks } from '../src/clocks/clock-sweep.service.js';
import { dueClocksQuery } from '../src/clocks/clock.repository.js';
import { startRuntime } from '../src/kernel/bootstrap.js';
import { ManualClock } from '../src/kernel/clock.js';
import { loadConfig } from '../src/kernel/config.js';
import type { AppContext } from '../src/kernel/context.js';
import type { Dialect } from '../src/kernel/database.js';
import { createLogger } from '../src/kernel/logger.js';
import { createBenchDatabase } from './support/databases.js';
import { dialectsFromEnv, intFromEnv } from './support/env.js';
import { describeMachine, isEntryPoint, runAsScript, type Figure } from './support/figures.js';
import { formatLatency, summarize } from './support/stats.js';

/** A sweep should find what is due within this, at the 95th percentile. */
export const SWEEP_TARGET_P95_MS = 100;

const DAY_MS = 86_400_000;
const SWEEP_BATCH = 200;
/** Spread of the generated deadlines: 100,000 steps of 77.76 s = 90 days; the first 100 steps are in the past. */
const STEPS = 100_000;
const STEP_MS = 77_760;
const DUE_STEPS = 100;

export interface ClocksOptions {
  dialects: Dialect[];
  cases: number;
  repeat: number;
  batchRows: number;
}

export function clocksOptionsFromEnv(): ClocksOptions {
  return {
    dialects: dialectsFromEnv('BENCH_CLOCKS_DIALECTS', dialectsFromEnv('BENCH_DIALECTS', ['sqlite', 'postgres'])),
    cases: intFromEnv('BENCH_CLOCKS_CASES', 1_000_000),
    repeat: intFromEnv('BENCH_CLOCKS_REPEAT', 200),
    batchRows: intFromEnv('BENCH_CLOCKS_BATCH', 100_000),
  };
}

/** The clocks bench's figures; `bench/support/figures.ts` lists only its own benches by name. */
export type ClocksFigure = Omit<Figure, 'bench'> & { bench: 'clocks' };

/** An ISO-8601 UTC text of (base + offset) ms, computed in the database. */
function isoAt(dialect: Dialect, baseMs: number, offsetMs: RawBuilder<number>): RawBuilder<string> {
  return dialect === 'sqlite'
    ? sql<string>`strftime('%Y-%m-%dT%H:%M:%fZ', (${sql.lit(baseMs)} + ${offsetMs}) / 1000.0, 'unixepoch')`
    : sql<string>`to_char(to_timestamp((${sql.lit(baseMs)} + ${offsetMs}) / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}

/** Rows `from..to-1` as a row source `n(i)`: generate_series on PostgreSQL, a recursive CTE on SQLite. */
function numbers(dialect: Dialect, from: number, to: number) {
  return dialect === 'sqlite'
    ? sql`WITH RECURSIVE n(i) AS (SELECT ${sql.lit(from)} UNION ALL SELECT i + 1 FROM n WHERE i < ${sql.lit(to - 1)})`
    : sql`WITH n(i) AS (SELECT generate_series(${sql.lit(from)}::bigint, ${sql.lit(to - 1)}::bigint))`;
}

async function seed(ctx: AppContext, options: ClocksOptions, nowMs: number, log: (line: string) => void): Promise<number> {
  const { db, dialect } = ctx;
  const channel = await db.selectFrom('channels').select('id').where('slug', '=', 'general').executeTakeFirstOrThrow();
  const id = dialect === 'sqlite' ? sql`printf('bench-%09d', i)` : sql`'bench-' || lpad(i::text, 9, '0')`;
  const lookup = dialect === 'sqlite' ? sql`randomblob(32)` : sql`decode(md5(i::text) || md5('x' || i::text), 'hex')`;
  const blob = dialect === 'sqlite' ? sql`x'00'` : sql`'\\x00'::bytea`;
  const received = isoAt(dialect, nowMs, sql<number>`-((i % 30) * ${sql.lit(DAY_MS)})`);
  const started = performance.now();
  for (let from = 0; from < options.cases; from += options.batchRows) {
    const to = Math.min(options.cases, from + options.batchRows);
    await db.transaction().execute(async (tx) => {
      await sql`${numbers(dialect, from, to)}
        INSERT INTO cases (id, ref, channel_id, category, anonymity, status, received_at, acknowledge_by, feedback_by, next_deadline_at, updated_at, report_sealed, receipt_lookup, reporter_wrapped_key)
        SELECT ${id}, 'BN-' || i, ${channel.id}, 'harassment', 'anonymous', 'acknowledged', ${received}, ${received}, ${received}, ${received}, ${received}, ${blob}, ${lookup}, ${blob} FROM n`.execute(tx);
      // Three clocks a case; each running clock is due somewhere in the next 90 days, 0.1% of them already.
      for (const [kind, multiplier, running] of [
        ['acknowledge', 7919, sql`(i % 10) = 0`],
        ['feedback', 104_729, sql`1 = 1`],
        ['idle', 1_299_709, sql`1 = 1`],
      ] as const) {
        const step = sql<number>`(((i * ${sql.lit(multiplier)}) % ${sql.lit(STEPS)}) - ${sql.lit(DUE_STEPS)}) * ${sql.lit(STEP_MS)}`;
        const due = isoAt(dialect, nowMs, step);
        const start = isoAt(dialect, nowMs, sql<number>`${step} - ${sql.lit(14 * DAY_MS)}`);
        await sql`${numbers(dialect, from, to)}
          INSERT INTO case_clocks (case_id, kind, cycle, state, started_at, due_at, met_at, paused_ms, warned_50_at, warned_80_at, next_check_at, updated_at)
          SELECT ${id}, ${kind}, 1,
            CASE WHEN ${running} THEN 'running' ELSE 'met' END,
            ${start}, ${due},
            CASE WHEN ${running} THEN NULL ELSE ${start} END,
            0, ${start}, ${start},
            CASE WHEN ${running} THEN ${due} ELSE NULL END,
            ${start}
          FROM n`.execute(tx);
      }
    });
    log(`seeded ${to} cases, ${3 * to} clocks (${((performance.now() - started) / 1000).toFixed(1)} s)`);
  }
  if (dialect === 'postgres') await sql`ANALYZE`.execute(db);
  return (performance.now() - started) / 1000;
}

async function explain(ctx: AppContext, now: string): Promise<string> {
  const compiled = dueClocksQuery(ctx.db, now, SWEEP_BATCH).compile();
  if (ctx.dialect === 'sqlite') {
    const plan = await sql<{ detail: string }>`EXPLAIN QUERY PLAN ${sql.raw(compiled.sql.replaceAll('?', `'${now}'`).replace(/limit '[^']*'/i, `limit ${SWEEP_BATCH}`))}`.execute(ctx.db);
    return plan.rows.map((row) => row.detail).join('\n');
  }
  const text = compiled.sql.replace('$1', `'${now}'`).replace('$2', String(SWEEP_BATCH));
  const plan = await sql<{ 'QUERY PLAN': string }>`EXPLAIN (ANALYZE, BUFFERS) ${sql.raw(text)}`.execute(ctx.db);
  return plan.rows.map((row) => row['QUERY PLAN']).join('\n');
}

async function runClocksOn(dialect: Dialect, options: ClocksOptions): Promise<ClocksFigure[]> {
  const database = await createBenchDatabase(dialect, 'clocks');
  const log = (line: string) => console.log(`[clocks/${dialect}] ${line}`);
  const sink = new Writable({ write: (_chunk, _encoding, done) => done() });
  try {
    const nowMs = Date.parse('2026-06-01T12:00:00.000Z');
    const clock = new ManualClock(new Date(nowMs));
    const runtime = await startRuntime(loadConfig({ CANDOR_DATA_DIR: database.dataDir, CANDOR_DATABASE_URL: database.url, LOG_LEVEL: 'warn' }), {
      clock,
      logger: createLogger('warn', sink),
    });
    const { ctx } = runtime;
    try {
      const seconds = await seed(ctx, options, nowMs, log);
      const now = clock.now().toISOString();
      const counts = await ctx.db
        .selectFrom('case_clocks')
        .select((eb) => [eb.fn.countAll<number>().as('all'), eb.fn.count<number>('next_check_at').as('running')])
        .executeTakeFirstOrThrow();
      const due = await ctx.db.selectFrom('case_clocks').select((eb) => eb.fn.countAll<number>().as('due')).where('next_check_at', '<=', now).executeTakeFirstOrThrow();
      log(`${options.cases} open cases seeded in ${seconds.toFixed(1)} s: ${counts.all} clocks, ${counts.running} running, ${due.due} due now`);

      // Finding what is due: the sweep's query, as the sweep runs it.
      for (let index = 0; index < 10; index++) await dueClocksQuery(ctx.db, now, SWEEP_BATCH).execute();
      const find: number[] = [];
      let found = 0;
      for (let index = 0; index < options.repeat; index++) {
        const began = performance.now();
        found = (await dueClocksQuery(ctx.db, now, SWEEP_BATCH).execute()).length;
        find.push(performance.now() - began);
      }
      log(`find due (${found} of ${due.due} due, batch ${SWEEP_BATCH}) x${options.repeat}: ${formatLatency(summarize(find))}`);

      // A sweep when nothing is due (an hour before the earliest deadline): one index probe.
      const earliest = await ctx.db.selectFrom('case_clocks').select((eb) => eb.fn.min('next_check_at').as('at')).executeTakeFirstOrThrow();
      clock.set(new Date(Date.parse(String(earliest.at)) - 3_600_000));
      const empty: number[] = [];
      for (let index = 0; index < options.repeat; index++) {
        const began = performance.now();
        await sweepClocks(ctx);
        empty.push(performance.now() - began);
      }
      log(`empty sweep x${options.repeat}: ${formatLatency(summarize(empty))}`);

      log(`plan of the sweep query:\n${(await explain(ctx, now)).replace(/^/gm, '    ')}`);

      // Handling: one real sweep batch (each due clock breached, escalation attempted, audited).
      clock.set(new Date(nowMs));
      const began = performance.now();
      const handled = await sweepClocks(ctx, { maxBatches: 1 });
      const handleMs = performance.now() - began;
      log(`one sweep batch handled ${handled.examined} due clocks in ${handleMs.toFixed(0)} ms (${((handled.examined * 1000) / handleMs).toFixed(0)} clocks/s, ${handled.breaches} breaches)`);

      const target = { op: '<' as const, value: SWEEP_TARGET_P95_MS };
      const findStats = summarize(find);
      const emptyStats = summarize(empty);
      return [
        { bench: 'clocks', database: dialect, name: 'find due p50', value: findStats.p50, unit: 'ms' },
        { bench: 'clocks', database: dialect, name: 'find due p95', value: findStats.p95, unit: 'ms', target },
        { bench: 'clocks', database: dialect, name: 'empty sweep p95', value: emptyStats.p95, unit: 'ms', target },
        { bench: 'clocks', database: dialect, name: 'handled clocks per second', value: (handled.examined * 1000) / handleMs, unit: '/s' },
      ];
    } finally {
      await runtime.close();
    }
  } finally {
    await database.dispose();
  }
}

/** Runs the clock bench on each configured database, one after the other. */
export async function runClocksBench(options: ClocksOptions = clocksOptionsFromEnv()): Promise<ClocksFigure[]> {
  console.log(`[clocks] ${describeMachine()}; ${options.cases} open cases`);
  const figures: ClocksFigure[] = [];
  for (const dialect of options.dialects) figures.push(...(await runClocksOn(dialect, options)));
  return figures;
}

// The shared table printer reads only the fields; its `bench` name list does not know this bench yet.
if (isEntryPoint(import.meta.url)) await runAsScript('clocks', async () => await runClocksBench());
