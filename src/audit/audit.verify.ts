/**
 * Verifying the audit chain: one walk along it, or (for `candor audit verify` on a long chain)
 * several segments walked at once on worker threads, each on a reader of its own, and joined in
 * order. The verdict is the same either way: the first break in sequence order, then the
 * witnessed heads.
 */
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Config } from '../kernel/config.js';
import { ChainVerifier, GENESIS_HASH, notFollowing, sequenceGap, type AuditRow, type ChainBreak } from './audit.chain.js';
import { LOWEST_SEQ, openAuditChainReader, openChainSnapshot, type AuditChainSource, type ChainSegment, type StoredStretch } from './audit-chain.reader.js';

/** What one segment's walk found, for joinSegments. */
export interface SegmentResult {
  entries: number;
  /** The segment's first entry and the previous hash it names (null for the segment that starts at genesis, or an empty one). */
  first: { seq: number; prevHash: string } | null;
  lastSeq: number;
  lastHash: string;
  break: ChainBreak | null;
  /** The hashes of the witnessed entries this segment verified, by sequence number. */
  watched: Map<number, string>;
}

/** A head witnessed outside Candor, with the line of the heads file it came from. */
export interface WitnessedHead {
  seq: number;
  hash: string;
  line: number;
}

export interface WitnessMismatch {
  seq: number;
  line: number;
  reason: 'hash_differs' | 'entry_missing';
  message: string;
}

export type ChainVerification =
  /** `order`: how the entries were read, by key, or as stored (PostgreSQL, where that is key order too). */
  | { ok: true; entries: number; headHash: string; headSeq: number; witnessed: number; order: 'key' | 'stored' }
  | { ok: false; entries: number; break?: ChainBreak; witness?: WitnessMismatch };

/** Where a walk along the stored rows stops: not a verdict, only that this walk cannot give one. */
const NOT_IN_KEY_ORDER: ChainBreak = { seq: 0, reason: 'sequence_gap', message: 'the entries are not stored in key order here (or one of them is broken): walked again by key' };

/**
 * Walks one segment: pages through the fast check, and a page that does not pass is read again as
 * columns and checked carefully from the entry where it stopped, which names the break (or finds
 * the entries whole, written by the database in a form of its own). A stored stretch is walked in
 * the order its rows are stored, and must pass whole.
 */
export async function verifySegment(source: AuditChainSource, segment: ChainSegment | StoredStretch, options: { fromGenesis: boolean; watch: ReadonlySet<number> }): Promise<SegmentResult> {
  const verifier = new ChainVerifier({ openStart: !options.fromGenesis, watch: options.watch });
  const result = (broken: ChainBreak | null): SegmentResult => ({ entries: verifier.count, first: verifier.first, lastSeq: verifier.lastSeq, lastHash: verifier.headHash, break: broken, watched: verifier.watched });
  if ('fromBlock' in segment) {
    // As stored: every line must pass; any that does not ends this walk (the chain is then walked by key).
    for await (const page of source.storedPages!(segment)) {
      if (verifier.checkPage(page) < page.count) return result(NOT_IN_KEY_ORDER);
    }
    return result(null);
  }
  for await (const page of source.pages(segment)) {
    // Columns get the careful check; lines the fast one, and those after a line that failed it are read again as columns.
    let rows: AuditRow[] = [];
    if ('rows' in page) rows = page.rows;
    else if (verifier.checkPage(page) < page.count) rows = await source.rows(verifier.count > 0 ? verifier.lastSeq : (segment.after ?? LOWEST_SEQ), page.lastSeq);
    for (const row of rows) {
      const broken = verifier.checkRow(row);
      if (broken) return result(broken);
    }
  }
  return result(null);
}

/**
 * Joins the segments' results in order into the verdict one walk from genesis would give: each
 * segment's first entry must follow the last of the segment before it; then the witnessed heads.
 */
export function joinSegments(segments: readonly SegmentResult[], witnessed: readonly WitnessedHead[], order: 'key' | 'stored' = 'key'): ChainVerification {
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  let entries = 0;
  let chainBreak: ChainBreak | null = null;
  const watched = new Map<number, string>();
  for (const [index, segment] of segments.entries()) {
    if (index > 0 && segment.first) {
      if (segment.first.seq !== expectedSeq) chainBreak = sequenceGap(expectedSeq, segment.first.seq);
      else if (segment.first.prevHash !== prevHash) chainBreak = notFollowing(segment.first.seq);
      if (chainBreak) break;
    }
    for (const [seq, hash] of segment.watched) watched.set(seq, hash);
    entries += segment.entries;
    if (segment.entries > 0) {
      expectedSeq = segment.lastSeq + 1;
      prevHash = segment.lastHash;
    }
    if (segment.break) {
      chainBreak = segment.break;
      break;
    }
  }
  const headSeq = expectedSeq - 1;
  // A witnessed entry before the break was verified: its hash must be the one witnessed.
  for (const head of [...witnessed].sort((a, b) => a.seq - b.seq)) {
    if (head.seq > headSeq) break;
    if (watched.get(head.seq) !== head.hash) {
      return {
        ok: false,
        entries: head.seq,
        witness: { seq: head.seq, line: head.line, reason: 'hash_differs', message: `entry #${head.seq} is not the entry that was witnessed (line ${head.line}): history was rewritten` },
      };
    }
  }
  if (chainBreak) return { ok: false, entries, break: chainBreak };
  const missing = witnessed.find((head) => head.seq > headSeq);
  if (missing) {
    return {
      ok: false,
      entries,
      witness: { seq: missing.seq, line: missing.line, reason: 'entry_missing', message: `entry #${missing.seq} was witnessed (line ${missing.line}) but the chain ends at #${headSeq}: entries were removed` },
    };
  }
  return { ok: true, entries, headHash: prevHash, headSeq, witnessed: witnessed.length, order };
}

/** How long a stretch one thread takes at a time, when there are several: small enough that threads finish together, large enough that handing out costs nothing. */
const ENTRIES_PER_TASK = 50_000;

/**
 * Threads to use by default, at most four: the machine's cores on SQLite; on PostgreSQL half of
 * them, since each thread's reader has a server process working as hard beside it (two threads on
 * two cores verify slower than one). With the database on another machine, more threads help.
 */
export function defaultVerifyThreads(kind: Config['database']['kind']): number {
  const cores = os.availableParallelism();
  return Math.min(kind === 'postgres' ? Math.max(1, Math.floor(cores / 2)) : cores, 4);
}

/**
 * `candor audit verify`: the chain through the dialect's fast reader, cut into stretches that this
 * thread and up to `threads - 1` worker threads take in turn, each on a reader of its own, the
 * results joined in order (one thread walks it as one stretch). On PostgreSQL every reader imports
 * one exported snapshot, so all of them see the same chain, and the chain is first walked as
 * stored, which spares the server its index: if that walk finds every entry in key order and
 * whole, that is the verdict; if not, the chain is walked again by key, which names the first
 * break. SQLite readers each see the chain as it stood when they began (it only grows, and the last
 * stretch has no upper bound). After a break, no later stretch is started.
 */
export async function verifyChainFast(
  database: Config['database'],
  witnessed: readonly WitnessedHead[],
  options: { threads: number; taskSize?: number },
): Promise<ChainVerification> {
  const length = options.threads > 1 ? (options.taskSize ?? ENTRIES_PER_TASK) : Number.POSITIVE_INFINITY;
  const snapshot = await openChainSnapshot(database);
  const open = () => openAuditChainReader(database, { snapshot: snapshot.id });
  // This thread's reader; the chain's head (or its stored size), read through it, decides the stretches.
  let reader: AuditChainSource | null = null;
  try {
    reader = await open();
    const walk = (stretches: readonly (ChainSegment | StoredStretch)[]) => walkStretches(reader!, { database, snapshot: snapshot.id, witnessed, threads: options.threads }, stretches);
    const stored = await reader.storedStretches?.(length);
    if (stored) {
      const verdict = await walk(stored);
      if (verdict.ok) return verdict;
      // A statement of that walk may still be streaming on the reader: a fresh one for the walk by key.
      const done = reader;
      reader = null;
      await done.close();
      reader = await open();
    }
    return await walk(splitChain(await reader.headSeq(), length));
  } finally {
    await reader?.close();
    await snapshot.close();
  }
}

/** Walks the stretches on this thread's reader and up to `threads - 1` worker threads, and joins the results. */
async function walkStretches(
  reader: AuditChainSource,
  walk: { database: Config['database']; snapshot?: string; witnessed: readonly WitnessedHead[]; threads: number },
  stretches: readonly (ChainSegment | StoredStretch)[],
): Promise<ChainVerification> {
  const watch = new Set(walk.witnessed.map((head) => head.seq));
  const workers: Worker[] = [];
  try {
    // Shared by every thread: [the next stretch to take, the last one still needed]. Taking one is an atomic add, no message.
    const tasks = new Int32Array(new SharedArrayBuffer(8));
    tasks[1] = stretches.length - 1;
    const results: SegmentResult[] = [];
    const settle = (index: number, result: SegmentResult) => {
      results[index] = result;
      if (result.break) stopAfter(tasks, index);
    };
    const done = Array.from({ length: Math.min(walk.threads, stretches.length) - 1 }, () =>
      new Promise<void>((resolve, reject) => {
        const worker = startVerifyWorker({ database: walk.database, watch: [...watch], snapshot: walk.snapshot, segments: [...stretches], tasks });
        workers.push(worker);
        worker.on('message', (message: { index: number; result: SegmentResult } | 'done') => (message === 'done' ? resolve() : settle(message.index, message.result)));
        worker.once('error', reject);
        worker.once('exit', (code) => reject(new Error(`an audit verification thread stopped early (exit code ${code})`)));
      }),
    );
    // Handled now, so that a worker failing while this thread walks is reported after it, not as an unhandled rejection.
    for (const promise of done) promise.catch(() => undefined);
    for (let index = takeTask(tasks); index !== null; index = takeTask(tasks)) settle(index, await verifySegment(reader, stretches[index]!, { fromGenesis: index === 0, watch }));
    await Promise.all(done);
    return joinSegments(results.slice(0, Atomics.load(tasks, 1) + 1), walk.witnessed, 'fromBlock' in stretches[0]! ? 'stored' : 'key');
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
}

/** The next stretch for this thread to walk, or null when none is left (or needed: a break was found before it). */
export function takeTask(tasks: Int32Array): number | null {
  const index = Atomics.add(tasks, 0, 1);
  return index <= Atomics.load(tasks, 1) ? index : null;
}

/** After a break in stretch `index`, no later stretch is needed. */
function stopAfter(tasks: Int32Array, index: number): void {
  for (let last = Atomics.load(tasks, 1); index < last; last = Atomics.load(tasks, 1)) {
    if (Atomics.compareExchange(tasks, 1, last, index) === last) return;
  }
}

/** Stretches of about `length` entries by sequence number; the first has no lower bound and the last no upper one. */
export function splitChain(headSeq: number, length: number): ChainSegment[] {
  const count = Math.max(1, Math.round(headSeq / length));
  return Array.from({ length: count }, (_, index) => ({
    after: index === 0 ? null : Math.floor((headSeq * index) / count),
    upTo: index === count - 1 ? null : Math.floor((headSeq * (index + 1)) / count),
  }));
}

/** What a verification thread is started with: it takes stretches through `tasks` (takeTask) until none is left. */
export interface VerifyWorkerSetup {
  database: Config['database'];
  watch: number[];
  snapshot?: string;
  segments: (ChainSegment | StoredStretch)[];
  tasks: Int32Array;
}

/**
 * Starts a verification thread (audit-verify.worker) from the built code or, in development and
 * tests, from source: Node 20 does not pass `--import tsx` on to worker threads, so the thread
 * registers tsx itself before it imports the worker.
 */
function startVerifyWorker(setup: VerifyWorkerSetup): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./audit-verify.worker.js', import.meta.url), { workerData: setup });
  const source = new URL('./audit-verify.worker.ts', import.meta.url).href;
  return new Worker(`import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(source)}); });`, { eval: true, workerData: setup });
}
