/**
 * `candor audit verify` over 1,000,000 audit entries, on SQLite and PostgreSQL, beside the SHA-256
 * throughput of this machine measured in the same run.
 *
 * The comparison: verifying an entry costs at least one SHA-256 of its canonical form (the JSON
 * array hashAuditEntry builds, about 250 bytes). So the same run hashes the same number of
 * equivalent messages (one createHash per message, messages of the entries' own lengths) and
 * reports that as "SHA-256 entries/s": the ceiling verification could reach if reading rows and
 * building their canonical form were free. The target is a quarter of it.
 *
 * The ceiling is measured twice, just before and just after the command runs, and the higher of
 * the two is the one compared against: on a shared machine one measurement can land in a slow
 * moment, and that must not make the target easier.
 *
 * The chain is generated in the database in batches (real hashes, a whole chain); then the real
 * command line runs (`node bin/candor.js audit verify`, the built code, with its default threads:
 * on SQLite the machine's cores, on PostgreSQL half of them, at most four) and its own figures are
 * read from its output: entries verified per second of its verification loop, how it read them
 * (by key, or as stored), and the CPU its threads spent per entry; the wall time of the whole
 * command, start-up included, is printed beside them. Last, the same reader hands over the whole
 * chain once more on this thread with nothing checked: how much of the time is the database's.
 * Run on its own: `node --import tsx bench/audit-verify.ts`. Knobs: BENCH_AUDIT_ENTRIES (1000000),
 * BENCH_AUDIT_DIALECTS / BENCH_DIALECTS, BENCH_AUDIT_THREADS (the command's --threads; unset: its default).
 */
import { spawnSync } from 'node:child_process';
import { createHash, hash } from 'node:crypto';
import path from 'node:path';
import { Writable } from 'node:stream';
import { sql } from 'kysely';
import { openAuditChainReader } from '../src/audit/audit-chain.reader.js';
import { GENESIS_HASH, hashAuditEntry, type AuditFields } from '../src/audit/audit.chain.js';
import { startRuntime } from '../src/kernel/bootstrap.js';
import { loadConfig, type Config } from '../src/kernel/config.js';
import type { Dialect } from '../src/kernel/database.js';
import { createLogger } from '../src/kernel/logger.js';
import { createBenchDatabase, type BenchDatabase } from './support/databases.js';
import { dialectsFromEnv, intFromEnv } from './support/env.js';
import { describeMachine, isEntryPoint, runAsScript, type Figure } from './support/figures.js';
import { REPO_ROOT } from './support/server.js';

const ACTIONS = ['case.read', 'case.message.create', 'attachment.create', 'case.transition', 'report.submit', 'reporter.case.read'];

/** The entry at position `seq`: realistic field sizes (uuids, an ISO time, small JSON details). */
function entryFields(seq: number, baseMs: number): AuditFields {
  const hex = (n: number) => n.toString(16).padStart(12, '0');
  const action = ACTIONS[seq % ACTIONS.length]!;
  return {
    seq,
    at: new Date(baseMs + seq * 1000).toISOString(),
    actorType: seq % 5 === 0 ? 'reporter' : 'staff',
    actorId: seq % 5 === 0 ? null : `6f1c2d3e-0000-4000-8000-${hex(seq % 500)}`,
    action,
    caseId: `9a8b7c6d-0000-4000-8000-${hex(seq % 100_000)}`,
    targetId: seq % 3 === 0 ? `1e2d3c4b-0000-4000-8000-${hex(seq)}` : null,
    details: action === 'case.message.create' ? `{"sha256":"${createHash('sha256').update(String(seq)).digest('hex')}"}` : '{}',
  };
}

/** SHA-256 of `count` messages as long as the entries' canonical forms, one digest each: entries/s. */
function sha256Ceiling(count: number, baseMs: number): { perSecond: number; mbPerSecond: number; bulkMbPerSecond: number; bytes: number } {
  const messages = Array.from({ length: 1000 }, (_, index) => {
    const fields = entryFields(index + 1, baseMs);
    return JSON.stringify(['candor-audit-v1', GENESIS_HASH, fields.seq, fields.at, fields.actorType, fields.actorId, fields.action, fields.caseId, fields.targetId, fields.details]);
  });
  const bytes = messages.reduce((sum, message) => sum + Buffer.byteLength(message), 0) / messages.length;
  // The fastest per-message SHA-256 Node offers (the one-shot digest, as verify uses); a Hash object per message is slower.
  for (let i = 0; i < 50_000; i++) hash('sha256', messages[i % 1000]!, 'hex');
  const started = process.hrtime.bigint();
  for (let i = 0; i < count; i++) hash('sha256', messages[i % 1000]!, 'hex');
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  // Bulk throughput, for reference: one digest over 64 MiB.
  const bulk = Buffer.alloc(64 * 2 ** 20, 7);
  const bulkStarted = process.hrtime.bigint();
  createHash('sha256').update(bulk).digest();
  const bulkSeconds = Number(process.hrtime.bigint() - bulkStarted) / 1e9;
  return { perSecond: count / seconds, mbPerSecond: (count * bytes) / seconds / 1e6, bulkMbPerSecond: bulk.length / bulkSeconds / 1e6, bytes };
}

/**
 * How fast the command's reader alone hands over the chain (pages from the database, nothing
 * checked or hashed), on this one thread, in the order verify reads it in on one thread: the part
 * of verification that is the database's.
 */
async function readingRate(database: Config['database']): Promise<number> {
  const reader = await openAuditChainReader(database);
  try {
    const started = performance.now();
    let entries = 0;
    const pages = reader.storedPages ? reader.storedPages({ fromBlock: 0, toBlock: null }) : reader.pages({ after: null, upTo: null });
    for await (const page of pages) entries += 'rows' in page ? page.rows.length : page.count;
    return entries / ((performance.now() - started) / 1000);
  } finally {
    await reader.close();
  }
}

/** How many times the command runs; the median run is the figure (this machine's speed wanders from run to run). */
const VERIFY_RUNS = 3;

/** One run of the real command line, and the figures it prints with --timing. */
function runVerify(database: BenchDatabase) {
  const started = performance.now();
  const threads = process.env.BENCH_AUDIT_THREADS ? ['--threads', process.env.BENCH_AUDIT_THREADS] : [];
  const cli = spawnSync(process.execPath, [path.join(REPO_ROOT, 'bin/candor.js'), 'audit', 'verify', '--timing', ...threads], {
    env: { ...process.env, CANDOR_DATA_DIR: database.dataDir, CANDOR_DATABASE_URL: database.url, LOG_LEVEL: 'warn' },
    encoding: 'utf8',
  });
  const wallSeconds = (performance.now() - started) / 1000;
  if (cli.status !== 0) throw new Error(`candor audit verify failed (${cli.status}): ${cli.stderr}`);
  const timing = /\((\d+) entries\/s, read (as stored|by key) on (\d+) threads?; ([\d.]+) µs of CPU per entry/.exec(cli.stderr);
  if (!timing) throw new Error(`candor audit verify printed no timing: ${cli.stderr}`);
  return { rate: Number(timing[1]), order: timing[2]!, threadsUsed: Number(timing[3]), cpuPerEntry: Number(timing[4]), wallSeconds, stdout: cli.stdout.trim() };
}

async function runOn(dialect: Dialect, entries: number, log: (line: string) => void): Promise<Figure[]> {
  const database = await createBenchDatabase(dialect, 'audit');
  const sink = new Writable({ write: (_chunk, _encoding, done) => done() });
  try {
    const config = loadConfig({ CANDOR_DATA_DIR: database.dataDir, CANDOR_DATABASE_URL: database.url, LOG_LEVEL: 'warn' });
    const runtime = await startRuntime(config, { logger: createLogger('warn', sink) });
    const baseMs = Date.parse('2026-01-01T00:00:00.000Z');
    try {
      const batch = dialect === 'sqlite' ? 3000 : 6000;
      let prev = GENESIS_HASH;
      const began = performance.now();
      for (let from = 1; from <= entries; from += batch) {
        const rows = [];
        for (let seq = from; seq < Math.min(entries + 1, from + batch); seq++) {
          const fields = entryFields(seq, baseMs);
          const hash = hashAuditEntry(fields, prev);
          rows.push({ seq, at: fields.at, actor_type: fields.actorType as 'staff', actor_id: fields.actorId, action: fields.action, case_id: fields.caseId, target_id: fields.targetId, details: fields.details, prev_hash: prev, hash });
          prev = hash;
        }
        await runtime.ctx.db.insertInto('audit_events').values(rows).execute();
        if ((from - 1) % 200_000 < batch) log(`seeded ${Math.min(entries, from + batch - 1)} entries (${((performance.now() - began) / 1000).toFixed(1)} s)`);
      }
      // A chain written over months has been vacuumed by PostgreSQL's autovacuum long since; one
      // loaded a moment ago has not, and its first reader would pay for marking every row visible.
      if (dialect === 'postgres') await sql`VACUUM ANALYZE audit_events`.execute(runtime.ctx.db);
    } finally {
      await runtime.close();
    }
    const before = sha256Ceiling(entries, baseMs);
    const runs = Array.from({ length: VERIFY_RUNS }, () => runVerify(database));
    const after = sha256Ceiling(entries, baseMs);
    const { rate, order, threadsUsed, cpuPerEntry, wallSeconds, stdout } = [...runs].sort((a, b) => a.rate - b.rate)[Math.floor(VERIFY_RUNS / 2)]!;
    const reading = await readingRate(config.database);
    const ceiling = after.perSecond > before.perSecond ? after : before;
    log(`SHA-256 before and after: ${Math.round(before.perSecond)} and ${Math.round(after.perSecond)} messages/s; the higher is the ceiling`);
    log(stdout);
    log(`candor audit verify, ${VERIFY_RUNS} runs: ${runs.map((run) => Math.round(run.rate)).join(', ')} entries/s in its verification loop; the median is the figure`);
    log(`the median run: read ${order} on ${threadsUsed} thread(s), ${cpuPerEntry} µs of its CPU per entry; ${wallSeconds.toFixed(1)} s for the whole command (${Math.round(entries / wallSeconds)} entries/s with start-up)`);
    log(`reading the chain alone through the same reader, one thread, nothing checked: ${Math.round(reading)} entries/s`);
    log(`SHA-256 on this machine, same run: ${Math.round(ceiling.perSecond)} messages/s of the entries' size (${Math.round(ceiling.bytes)} bytes, ${ceiling.mbPerSecond.toFixed(0)} MB/s; bulk ${ceiling.bulkMbPerSecond.toFixed(0)} MB/s); verify reaches ${((rate / ceiling.perSecond) * 100).toFixed(0)} % of it`);
    return [
      { bench: 'audit', database: dialect, name: 'verify entries/s', value: rate, unit: '/s', target: { op: '>=', value: ceiling.perSecond / 4 } },
      { bench: 'audit', database: dialect, name: 'SHA-256 entries/s (same size)', value: ceiling.perSecond, unit: '/s' },
      { bench: 'audit', database: dialect, name: 'verify command wall time', value: wallSeconds, unit: 's' },
      { bench: 'audit', database: dialect, name: "verify's CPU per entry (its threads)", value: cpuPerEntry, unit: 'µs' },
      { bench: 'audit', database: dialect, name: 'reading alone entries/s (1 thread)', value: reading, unit: '/s' },
    ];
  } finally {
    await database.dispose();
  }
}

export async function runAuditVerifyBench(): Promise<Figure[]> {
  const entries = intFromEnv('BENCH_AUDIT_ENTRIES', 1_000_000);
  const dialects = dialectsFromEnv('BENCH_AUDIT_DIALECTS', dialectsFromEnv('BENCH_DIALECTS', ['sqlite', 'postgres']));
  console.log(`[audit] ${describeMachine()}; ${entries} audit entries`);
  const figures: Figure[] = [];
  for (const dialect of dialects) figures.push(...(await runOn(dialect, entries, (line) => console.log(`[audit/${dialect}] ${line}`))));
  return figures;
}

if (isEntryPoint(import.meta.url)) await runAsScript('audit verify', () => runAuditVerifyBench());
