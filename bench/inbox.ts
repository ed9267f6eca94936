/**
 * Inbox latency: GET /api/v1/cases with 100,000 cases readable by one handler, on the first page and
 * on pages deep in the list (following nextCursor from the top, and near the end of the list), one
 * request at a time against a running server.
 * Run on its own: `node --import tsx bench/inbox.ts` (after `npm run build`).
 */
import type { Dialect } from '../src/kernel/database.js';
import { cpuSnapshot, cpuUse, pidsNamed, waitForQuietMachine, type CpuUse } from './support/cpu.js';
import { createBenchDatabase } from './support/databases.js';
import { dialectsFromEnv, intFromEnv, numberFromEnv } from './support/env.js';
import { describeMachine, isEntryPoint, runAsScript, type Figure } from './support/figures.js';
import { BenchClient } from './support/http.js';
import { seedHandlerInbox } from './support/seed-cases.js';
import { assertBuilt, candorEnv, startCandorServer } from './support/server.js';
import { formatLatency, ms, summarize } from './support/stats.js';

/** A page of the inbox should come back within this, at the 95th percentile. */
export const INBOX_TARGET_P95_MS = 50;

export interface InboxOptions {
  dialects: Dialect[];
  cases: number;
  limit: number;
  firstPageRequests: number;
  /** Requests for page 1 with counts=true, as the console sends once per filter. */
  countedRequests: number;
  walkPages: number;
  /** Where the tail walk starts, as a share of the list (0.9: at the 90,000th of 100,000 cases). */
  tailFrom: number;
  tailPages: number;
  warmup: number;
  quietWaitSeconds: number;
  /** The timed requests stop after this long, however many remain. */
  budgetSeconds: number;
  narrativeChars: number;
}

export function inboxOptionsFromEnv(): InboxOptions {
  return {
    dialects: dialectsFromEnv('BENCH_INBOX_DIALECTS', dialectsFromEnv('BENCH_DIALECTS', ['sqlite', 'postgres'])),
    cases: intFromEnv('BENCH_INBOX_CASES', 100_000),
    limit: intFromEnv('BENCH_INBOX_LIMIT', 50),
    firstPageRequests: intFromEnv('BENCH_INBOX_FIRST_PAGE', 100),
    countedRequests: intFromEnv('BENCH_INBOX_COUNTED', 20, 0),
    walkPages: intFromEnv('BENCH_INBOX_WALK_PAGES', 400),
    tailFrom: numberFromEnv('BENCH_INBOX_TAIL_FROM', 0.9),
    tailPages: intFromEnv('BENCH_INBOX_TAIL_PAGES', 100, 0),
    warmup: intFromEnv('BENCH_INBOX_WARMUP', 20, 0),
    quietWaitSeconds: intFromEnv('BENCH_QUIET_WAIT_SECONDS', 10, 0),
    budgetSeconds: intFromEnv('BENCH_INBOX_BUDGET_SECONDS', 120),
    narrativeChars: intFromEnv('BENCH_NARRATIVE_CHARS', 3_000),
  };
}

const HANDLER = { email: 'inbox-handler@bench.example.org', password: 'bench handler password 1' };

interface CasePage {
  items: { id: string }[];
  nextCursor: string | null;
}

async function getPage(client: BenchClient, limit: number, cursor: string | null, latencies: number[], extra = ''): Promise<CasePage> {
  const path = `/api/v1/cases?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}${extra}`;
  const sent = performance.now();
  const response = await client.request<CasePage>('GET', path);
  latencies.push(performance.now() - sent);
  if (response.status !== 200) throw new Error(`GET ${path} answered ${response.status}: ${JSON.stringify(response.body).slice(0, 300)}`);
  return response.body;
}

/** Follows nextCursor for up to `pages` pages (or until `deadline`), timing each request. */
async function walkPages(client: BenchClient, limit: number, from: string | null, pages: number, deadline: number): Promise<{ latencies: number[]; seen: number }> {
  const latencies: number[] = [];
  let cursor = from;
  let seen = 0;
  for (let index = 0; index < pages && performance.now() < deadline; index++) {
    const page = await getPage(client, limit, cursor, latencies);
    seen += page.items.length;
    cursor = page.nextCursor;
    if (!cursor) break;
  }
  return { latencies, seen };
}

interface Phase {
  name: string;
  latencies: number[];
  what: string;
}

/**
 * The timed requests: page 1 again and again, a walk from the top, then (after skipping through
 * the list untimed, 200 a page) a walk of its tail. Stops early at `deadline`, so a slow server
 * makes a short run rather than an endless one.
 */
async function measureInbox(client: BenchClient, options: InboxOptions, deadline: number): Promise<{ phases: Phase[]; requests: number }> {
  const firstPage: number[] = [];
  for (let index = 0; index < options.firstPageRequests && performance.now() < deadline; index++) {
    const page = await getPage(client, options.limit, null, firstPage);
    if (page.items.length !== Math.min(options.limit, options.cases)) throw new Error(`the first page held ${page.items.length} cases`);
  }
  // Page 1 with the counts by status and overdue (a scan of every grant, asked for once per filter).
  const counted: number[] = [];
  for (let index = 0; index < options.countedRequests && performance.now() < deadline; index++) {
    await getPage(client, options.limit, null, counted, '&counts=true');
  }
  const walk = await walkPages(client, options.limit, null, options.walkPages, deadline);
  let skipCursor: string | null = null;
  let skipRequests = 0;
  let skipped = 0;
  const skipTo = Math.floor(options.cases * Math.min(options.tailFrom, 1));
  while (skipped < skipTo && performance.now() < deadline) {
    skipRequests += 1;
    const page = await getPage(client, Math.min(200, skipTo - skipped), skipCursor, []);
    skipped += page.items.length;
    skipCursor = page.nextCursor;
    if (!skipCursor) break;
  }
  const tail = options.tailPages > 0 && skipCursor && skipped >= skipTo ? await walkPages(client, options.limit, skipCursor, options.tailPages, deadline) : { latencies: [], seen: 0 };
  const phases: Phase[] = [
    { name: 'first page', latencies: firstPage, what: 'page 1 again and again' },
    { name: 'counted', latencies: counted, what: 'page 1 with counts=true (counts by status and overdue)' },
    { name: 'walk', latencies: walk.latencies, what: `pages 1-${walk.latencies.length} by nextCursor, cases 1-${walk.seen}` },
    { name: 'tail', latencies: tail.latencies, what: `${tail.latencies.length} pages by nextCursor from case ${skipTo + 1} to ${skipTo + tail.seen}` },
  ];
  return { phases, requests: firstPage.length + counted.length + walk.latencies.length + skipRequests + tail.latencies.length };
}

async function runInboxOn(dialect: Dialect, options: InboxOptions): Promise<Figure[]> {
  const database = await createBenchDatabase(dialect, 'inbox');
  try {
    const env = candorEnv(database);
    await seedHandlerInbox(env, dialect, `[inbox/${dialect}]`, { handler: HANDLER, cases: options.cases, narrativeChars: options.narrativeChars });
    const server = await startCandorServer(env);
    const client = new BenchClient(server.baseUrl, 1);
    try {
      await client.signIn(HANDLER.email, HANDLER.password);
      for (let index = 0; index < options.warmup; index++) await getPage(client, options.limit, null, []);

      // PostgreSQL is part of what is measured; anything else using the cores is a disturbance.
      const watched = () => [process.pid, server.pid, ...(dialect === 'postgres' ? pidsNamed('postgres') : [])];
      await waitForQuietMachine(watched(), options.quietWaitSeconds);
      const cpuBefore = cpuSnapshot(watched());
      const started = performance.now();
      const { phases, requests } = await measureInbox(client, options, started + options.budgetSeconds * 1000);
      const outOfTime = performance.now() - started >= options.budgetSeconds * 1000;
      const use = cpuUse(cpuBefore, cpuSnapshot(watched()));
      return reportInbox(dialect, options, phases, requests, use, server.pid, outOfTime);
    } finally {
      client.close();
      await server.stop();
    }
  } finally {
    await database.dispose();
  }
}

function reportInbox(dialect: Dialect, options: InboxOptions, phases: Phase[], requests: number, use: CpuUse, serverPid: number, outOfTime: boolean): Figure[] {
  const tag = `[inbox/${dialect}]`;
  const all = phases.flatMap((phase) => phase.latencies);
  const overall = summarize(all);
  // Sequential: requests over the time spent in them (the untimed skipping left out).
  const rate = all.length / (all.reduce((sum, value) => sum + value, 0) / 1000);
  if (outOfTime) console.log(`${tag} stopped at the time budget (BENCH_INBOX_BUDGET_SECONDS=${options.budgetSeconds}): fewer requests than asked for`);
  console.log(`${tag} ${all.length} sequential GET /api/v1/cases?limit=${options.limit}: ${rate.toFixed(1)} requests/s; ${formatLatency(overall)}`);
  for (const phase of phases) {
    if (phase.latencies.length > 0) console.log(`${tag}   ${phase.name.padEnd(10)} ${formatLatency(summarize(phase.latencies))}: ${phase.what}`);
  }
  const perRequest = (seconds: number) => ((1000 * seconds) / requests).toFixed(2);
  const postgresSeconds = [...use.byProcess].filter(([pid]) => pid !== process.pid && pid !== serverPid).reduce((sum, [, cpu]) => sum + cpu, 0);
  console.log(
    `${tag}   CPU per request (all ${requests}, skipping included): server ${perRequest(use.byProcess.get(serverPid) ?? Number.NaN)} ms` +
      (dialect === 'postgres' ? `, PostgreSQL ${perRequest(postgresSeconds)} ms` : '') +
      `; other processes used ${use.otherCores.toFixed(2)} cores meanwhile` +
      (use.otherCores >= 0.25 ? ' -- DISTURBED: latencies overstate what this machine does alone' : ''),
  );
  // How latency moves with depth, in quarters of the walk from the top: flat if the cursor seeks.
  const walk = phases.find((phase) => phase.name === 'walk')!.latencies;
  const quarter = Math.max(1, Math.ceil(walk.length / 4));
  const byDepth: string[] = [];
  for (let from = 0; from < walk.length; from += quarter) {
    const part = summarize(walk.slice(from, from + quarter));
    byDepth.push(`cases ${from * options.limit + 1}-${Math.min(walk.length, from + quarter) * options.limit}: p50 ${ms(part.p50)} / p95 ${ms(part.p95)} ms`);
  }
  if (byDepth.length > 0) console.log(`${tag}   walk by depth: ${byDepth.join('; ')}`);

  const target = { op: '<' as const, value: INBOX_TARGET_P95_MS };
  const figures: Figure[] = [
    { bench: 'inbox', database: dialect, name: 'requests per second', value: rate, unit: '/s' },
    { bench: 'inbox', database: dialect, name: 'latency p50', value: overall.p50, unit: 'ms' },
    { bench: 'inbox', database: dialect, name: 'latency p95', value: overall.p95, unit: 'ms', target },
    { bench: 'inbox', database: dialect, name: 'latency p99', value: overall.p99, unit: 'ms' },
  ];
  for (const phase of phases) {
    if (phase.latencies.length > 0) figures.push({ bench: 'inbox', database: dialect, name: `${phase.name} p95`, value: summarize(phase.latencies).p95, unit: 'ms', target });
  }
  return figures;
}

/** Runs the inbox bench on each configured database, one after the other. */
export async function runInboxBench(options: InboxOptions = inboxOptionsFromEnv()): Promise<Figure[]> {
  assertBuilt();
  console.log(`[inbox] ${describeMachine()}; ${options.cases} cases`);
  const figures: Figure[] = [];
  for (const dialect of options.dialects) figures.push(...(await runInboxOn(dialect, options)));
  return figures;
}

if (isEntryPoint(import.meta.url)) await runAsScript('inbox', () => runInboxBench());
