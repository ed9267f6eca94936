/**
 * Inbox latency: GET /api/v1/cases with 100,000 cases readable by one handler, on the first page and
 * on pages deep in the list (following nextCursor from the top, and near the end of the list), one
 * request at a time against a running server.
 * Run on its own: `node --import tsx bench/inbox.ts` (after `npm run build`).
 */
import { sql } from 'kysely';
import { createStaffUser } from '../src/identity/identity.service.js';
import { startRuntime } from '../src/kernel/bootstrap.js';
import { loadConfig } from '../src/kernel/config.js';
import type { UserPublicKey } from '../src/kernel/crypto.js';
import type { Dialect } from '../src/kernel/database.js';
import { createLogger } from '../src/kernel/logger.js';
import { cpuSnapshot, cpuUse, pidsNamed, waitForQuietMachine } from './support/cpu.js';
import { createBenchDatabase } from './support/databases.js';
import { dialectsFromEnv, intFromEnv, numberFromEnv } from './support/env.js';
import { describeMachine, isEntryPoint, runAsScript, type Figure } from './support/figures.js';
import { BenchClient } from './support/http.js';
import { seedCases } from './support/seed-cases.js';
import { assertBuilt, candorEnv, startCandorServer } from './support/server.js';
import { formatLatency, ms, summarize } from './support/stats.js';

/** A page of the inbox should come back within this, at the 95th percentile. */
export const INBOX_TARGET_P95_MS = 50;

export interface InboxOptions {
  dialects: Dialect[];
  cases: number;
  limit: number;
  firstPageRequests: number;
  walkPages: number;
  /** Where the tail walk starts, as a share of the list (0.9: at the 90,000th of 100,000 cases). */
  tailFrom: number;
  tailPages: number;
  warmup: number;
  quietWaitSeconds: number;
  narrativeChars: number;
}

export function inboxOptionsFromEnv(): InboxOptions {
  return {
    dialects: dialectsFromEnv('BENCH_INBOX_DIALECTS', dialectsFromEnv('BENCH_DIALECTS', ['sqlite', 'postgres'])),
    cases: intFromEnv('BENCH_INBOX_CASES', 100_000),
    limit: intFromEnv('BENCH_INBOX_LIMIT', 50),
    firstPageRequests: intFromEnv('BENCH_INBOX_FIRST_PAGE', 100),
    walkPages: intFromEnv('BENCH_INBOX_WALK_PAGES', 400),
    tailFrom: numberFromEnv('BENCH_INBOX_TAIL_FROM', 0.9),
    tailPages: intFromEnv('BENCH_INBOX_TAIL_PAGES', 100, 0),
    warmup: intFromEnv('BENCH_INBOX_WARMUP', 20, 0),
    quietWaitSeconds: intFromEnv('BENCH_QUIET_WAIT_SECONDS', 10, 0),
    narrativeChars: intFromEnv('BENCH_NARRATIVE_CHARS', 3_000),
  };
}

const HANDLER = { email: 'inbox-handler@bench.example.org', password: 'bench handler password 1' };

interface CasePage {
  items: { id: string }[];
  nextCursor: string | null;
}

/** Creates the handler (and an oversight member holding every key) and seeds the cases; answers seconds taken. */
async function prepareDatabase(env: NodeJS.ProcessEnv, dialect: Dialect, options: InboxOptions): Promise<number> {
  const config = loadConfig(env);
  const runtime = await startRuntime(config, { logger: createLogger('warn', process.stderr) });
  try {
    const { ctx } = runtime;
    const actor = { type: 'system' as const, id: 'bench' };
    const handler = await createStaffUser(ctx, actor, { ...HANDLER, name: 'Inbox Handler', role: 'handler', channel: 'general' });
    const oversight = await createStaffUser(ctx, actor, { email: 'oversight@bench.example.org', password: HANDLER.password, name: 'Oversight', role: 'oversight' });
    const keys = await ctx.db.selectFrom('users').select(['id', 'public_key']).execute();
    const publicKey = (id: string) => keys.find((row) => row.id === id)!.public_key as UserPublicKey;
    const channel = await ctx.db.selectFrom('channels').select('id').where('slug', '=', 'general').executeTakeFirstOrThrow();
    const salt = await ctx.db.selectFrom('settings').select('value').where('key', '=', 'receipt_salt').executeTakeFirstOrThrow();

    const started = performance.now();
    let reported = 0;
    const { open } = await seedCases(
      ctx.db,
      {
        cases: options.cases,
        channelId: channel.id,
        handler: { id: handler.id, publicKey: publicKey(handler.id) },
        oversight: { id: oversight.id, publicKey: publicKey(oversight.id) },
        narrativeChars: options.narrativeChars,
        clocks: config.clocks,
        argon2: config.argon2,
        receiptSalt: Buffer.from(salt.value, 'base64'),
        now: new Date(),
      },
      (done) => {
        if (done - reported >= 25_000 || done === options.cases) {
          reported = done;
          console.log(`[inbox/${dialect}] seeded ${done} cases (${((performance.now() - started) / 1000).toFixed(1)} s)`);
        }
      },
    );
    // PostgreSQL's autovacuum would have analysed a table that grew this much; do it now rather than
    // measure plans made without statistics. SQLite is left as Candor leaves it (no ANALYZE).
    if (dialect === 'postgres') await sql`ANALYZE`.execute(ctx.db);
    const seconds = (performance.now() - started) / 1000;
    console.log(`[inbox/${dialect}] ${options.cases} cases seeded in ${seconds.toFixed(1)} s (${open} with a running deadline, the rest closed)`);
    return seconds;
  } finally {
    await runtime.close();
  }
}

async function getPage(client: BenchClient, limit: number, cursor: string | null, latencies: number[]): Promise<CasePage> {
  const path = `/api/v1/cases?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
  const sent = performance.now();
  const response = await client.request<CasePage>('GET', path);
  latencies.push(performance.now() - sent);
  if (response.status !== 200) throw new Error(`GET ${path} answered ${response.status}: ${JSON.stringify(response.body).slice(0, 300)}`);
  return response.body;
}

/** Follows nextCursor for up to `pages` pages, timing each request. */
async function walkPages(client: BenchClient, limit: number, from: string | null, pages: number): Promise<{ latencies: number[]; seen: number }> {
  const latencies: number[] = [];
  let cursor = from;
  let seen = 0;
  for (let index = 0; index < pages; index++) {
    const page = await getPage(client, limit, cursor, latencies);
    seen += page.items.length;
    cursor = page.nextCursor;
    if (!cursor) break;
  }
  return { latencies, seen };
}

async function runInboxOn(dialect: Dialect, options: InboxOptions): Promise<Figure[]> {
  const database = await createBenchDatabase(dialect, 'inbox');
  try {
    const env = candorEnv(database);
    await prepareDatabase(env, dialect, options);
    const server = await startCandorServer(env);
    const client = new BenchClient(server.baseUrl, 1);
    try {
      await client.signIn(HANDLER.email, HANDLER.password);
      const scratch: number[] = [];
      for (let index = 0; index < options.warmup; index++) await getPage(client, options.limit, null, scratch);

      // PostgreSQL is part of what is measured; anything else using the cores is a disturbance.
      const watched = () => [process.pid, server.pid, ...(dialect === 'postgres' ? pidsNamed('postgres') : [])];
      await waitForQuietMachine(watched(), options.quietWaitSeconds);
      const cpuBefore = cpuSnapshot(watched());
      const firstPage: number[] = [];
      for (let index = 0; index < options.firstPageRequests; index++) {
        const page = await getPage(client, options.limit, null, firstPage);
        if (page.items.length !== Math.min(options.limit, options.cases)) throw new Error(`the first page held ${page.items.length} cases`);
      }
      // Follow the cursor from the top: every request after the first is a page deeper in the list.
      const walk = await walkPages(client, options.limit, null, options.walkPages);
      // Then skip (untimed, 200 a page) to near the end of the list and walk its tail, the deepest pages.
      let skipCursor: string | null = null;
      const skipTo = Math.floor(options.cases * Math.min(options.tailFrom, 1));
      let skipRequests = 0;
      for (let skipped = 0; skipped < skipTo; skipped += 200) {
        skipRequests += 1;
        const page = await getPage(client, Math.min(200, skipTo - skipped), skipCursor, []);
        skipCursor = page.nextCursor;
        if (!skipCursor) break;
      }
      const tail = options.tailPages > 0 && skipCursor ? await walkPages(client, options.limit, skipCursor, options.tailPages) : { latencies: [], seen: 0 };

      const use = cpuUse(cpuBefore, cpuSnapshot(watched()));
      const all = [...firstPage, ...walk.latencies, ...tail.latencies];
      const overall = summarize(all);
      const rate = all.length / (all.reduce((sum, value) => sum + value, 0) / 1000);
      const phases = [
        { name: 'first page', latencies: firstPage, what: `page 1 again and again` },
        { name: 'walk', latencies: walk.latencies, what: `pages 1-${walk.latencies.length} by nextCursor, cases 1-${walk.seen}` },
        { name: 'tail', latencies: tail.latencies, what: `${tail.latencies.length} pages by nextCursor from case ${skipTo + 1} to ${skipTo + tail.seen}` },
      ];
      console.log(`[inbox/${dialect}] ${all.length} sequential GET /api/v1/cases?limit=${options.limit}: ${rate.toFixed(1)} requests/s; ${formatLatency(overall)}`);
      for (const phase of phases) {
        if (phase.latencies.length > 0) console.log(`[inbox/${dialect}]   ${phase.name.padEnd(10)} ${formatLatency(summarize(phase.latencies))}: ${phase.what}`);
      }
      const requests = all.length + skipRequests;
      const perRequest = (pid: number) => (1000 * (use.byProcess.get(pid) ?? Number.NaN)) / requests;
      const postgresSeconds = [...use.byProcess].filter(([pid]) => pid !== process.pid && pid !== server.pid).reduce((sum, [, cpu]) => sum + cpu, 0);
      console.log(
        `[inbox/${dialect}]   CPU per request (all ${requests}, skipping included): server ${perRequest(server.pid).toFixed(2)} ms` +
          (dialect === 'postgres' ? `, PostgreSQL ${((1000 * postgresSeconds) / requests).toFixed(2)} ms` : '') +
          `; other processes used ${use.otherCores.toFixed(2)} cores meanwhile` +
          (use.otherCores >= 0.25 ? ' -- DISTURBED: latencies overstate what this machine does alone' : ''),
      );
      // How latency moves with depth, in quarters of the walk from the top.
      const quarter = Math.max(1, Math.ceil(walk.latencies.length / 4));
      const byDepth: string[] = [];
      for (let from = 0; from < walk.latencies.length; from += quarter) {
        const part = summarize(walk.latencies.slice(from, from + quarter));
        byDepth.push(`cases ${from * options.limit + 1}-${Math.min(walk.seen, (from + quarter) * options.limit)}: p50 ${ms(part.p50)} / p95 ${ms(part.p95)} ms`);
      }
      console.log(`[inbox/${dialect}]   walk by depth: ${byDepth.join('; ')}`);

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
    } finally {
      client.close();
      await server.stop();
    }
  } finally {
    await database.dispose();
  }
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
