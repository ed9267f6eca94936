/**
 * The audit log's hash chain, as pure functions: each entry's hash covers its own fields and the
 * previous entry's hash, so changing, removing or reordering any entry breaks every hash after it.
 */
import { sha256Hex } from '../kernel/digest.js';

export const GENESIS_HASH = '0'.repeat(64);

export interface AuditFields {
  seq: number;
  at: string;
  actorType: string;
  actorId: string | null;
  action: string;
  caseId: string | null;
  targetId: string | null;
  details: string;
}

export interface ChainedAuditEntry extends AuditFields {
  prevHash: string;
  hash: string;
}

/**
 * The canonical form an entry's hash covers: a fixed-order JSON array of its fields after the
 * previous hash, e.g. `["candor-audit-v1","<prev hash>",7,"2026-…","staff",…]`. The databases
 * can build the same text (json_array in SQLite, to_json in PostgreSQL), which is how
 * `candor audit verify` reads the chain fast.
 */
export function canonicalAuditEntry(fields: AuditFields, prevHash: string): string {
  return JSON.stringify([
    'candor-audit-v1',
    prevHash,
    fields.seq,
    fields.at,
    fields.actorType,
    fields.actorId,
    fields.action,
    fields.caseId,
    fields.targetId,
    fields.details,
  ]);
}

/** The hash of an entry: SHA-256 over its canonical form. */
export function hashAuditEntry(fields: AuditFields, prevHash: string): string {
  return sha256Hex(canonicalAuditEntry(fields, prevHash));
}

/** Where the previous hash sits in a canonical form: after `["candor-audit-v1","`. */
const PREV_HASH_OFFSET = '["candor-audit-v1","'.length;

/**
 * The sequence number in a canonical form, read from just after the previous hash (`",7,`), or
 * NaN if what is there is not one.
 */
function readSeq(text: string, at: number): number {
  if (text.charCodeAt(at) !== 0x22 || text.charCodeAt(at + 1) !== 0x2c) return NaN;
  let value = 0;
  let digits = 0;
  for (let index = at + 2; ; index += 1) {
    const code = text.charCodeAt(index);
    if (code === 0x2c) return digits > 0 && digits < 16 ? value : NaN;
    if (code < 0x30 || code > 0x39) return NaN;
    value = value * 10 + (code - 0x30);
    digits += 1;
  }
}

export interface ChainBreak {
  seq: number;
  reason: 'sequence_gap' | 'previous_hash_mismatch' | 'hash_mismatch';
  message: string;
}

export function sequenceGap(expected: number, found: number): ChainBreak {
  return { seq: found, reason: 'sequence_gap', message: `expected entry #${expected} but found #${found}: an entry is missing or was moved` };
}

export function notFollowing(seq: number): ChainBreak {
  return { seq, reason: 'previous_hash_mismatch', message: `entry #${seq} does not follow the entry before it: the order was changed or an entry replaced` };
}

/**
 * An entry as the fast readers hand it out, a plain array in column order:
 * [seq, at, actor_type, actor_id, action, case_id, target_id, details, prev_hash, hash].
 */
export type AuditRow = [number, string, string, string | null, string, string | null, string | null, string, string, string];

/** canonicalAuditEntry for an AuditRow: the same text, without building an object first. */
export function canonicalAuditRow(row: AuditRow): string {
  return JSON.stringify(['candor-audit-v1', row[8], row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7]]);
}

/**
 * A page of the chain as the verifying readers hand it out, the entries in order, the last one
 * #`lastSeq`. Either lines (SQLite's reader): one per entry, its stored hash followed by its
 * canonical form as the database built it from the stored columns (a canonical form holds no raw
 * line break: JSON escapes them); or the entries' columns.
 */
export type AuditChainPage = LinesPage | RowsPage;

export interface LinesPage {
  text: string;
  count: number;
  lastSeq: number;
}

/** A page as the entries' own columns (PostgreSQL's reader, and the portable one): each canonical form is built here. */
export interface RowsPage {
  rows: AuditRow[];
  lastSeq: number;
}

const HASH_LENGTH = 64;

/**
 * Tracks a walk along the chain in order and answers the first break it sees. It starts at genesis
 * (entry #1 after the all-zero hash), or, for one segment of a chain checked in parallel, at
 * whatever entry comes first: joinSegments then checks that entry against the segment before it.
 */
export class ChainVerifier {
  #expectedSeq = 1;
  #prevHash = GENESIS_HASH;
  #count = 0;
  /** Set while the first entry of an open start is still to come. */
  #open: boolean;
  #first: { seq: number; prevHash: string } | null = null;
  #lastSeq = 0;
  readonly #watch: ReadonlySet<number>;
  /** Hashes of the watched entries (witnessed heads), by sequence number, as verified. */
  readonly watched = new Map<number, string>();

  constructor(options: { openStart?: boolean; watch?: ReadonlySet<number> } = {}) {
    this.#open = options.openStart ?? false;
    this.#watch = options.watch ?? new Set();
  }

  check(entry: ChainedAuditEntry): ChainBreak | null {
    return this.checkRow([entry.seq, entry.at, entry.actorType, entry.actorId, entry.action, entry.caseId, entry.targetId, entry.details, entry.prevHash, entry.hash]);
  }

  /** The careful check, on an entry's own columns: builds its canonical form here and names what is wrong. */
  checkRow(row: AuditRow): ChainBreak | null {
    const seq = row[0];
    this.#openAt(seq, row[8]);
    if (seq !== this.#expectedSeq) return sequenceGap(this.#expectedSeq, seq);
    if (row[8] !== this.#prevHash) return notFollowing(seq);
    if (sha256Hex(canonicalAuditRow(row)) !== row[9]) return { seq, reason: 'hash_mismatch', message: `entry #${seq} was altered after it was written` };
    this.#advance(row[9]);
    return null;
  }

  /**
   * The fast check of a page: line by line, that the entry is the next one and names the previous
   * entry's hash, and that its canonical form hashes to its stored hash. Answers how many lines
   * passed; the chain advances over those only. A line that does not pass is not yet a break: the
   * caller reads that entry's columns and checkRow gives the verdict (the database may also have
   * written a character its own way). Sound because a canonical form is a JSON encoding of the
   * entry: two entries with different fields never share one, so a matching hash means the fields
   * are the ones that were hashed.
   */
  checkPage(page: LinesPage): number {
    const text = page.text;
    let start = 0;
    for (let line = 0; line < page.count; line += 1) {
      const end = line === page.count - 1 ? text.length : text.indexOf('\n', start);
      if (end < 0) return line;
      // Fixed offsets: the stored hash, then the canonical form (its prefix written by the query
      // itself), the previous hash and the sequence number. A stored hash of another length shifts
      // them all, and the line fails. Compared as slices: startsWith at a position is slower.
      const canonical = start + HASH_LENGTH;
      const prevHashAt = canonical + PREV_HASH_OFFSET;
      const seqAt = prevHashAt + HASH_LENGTH;
      if (this.#open) {
        // An open start takes the first entry's own sequence number and previous hash.
        const seq = readSeq(text, seqAt);
        if (Number.isNaN(seq)) return line;
        this.#openAt(seq, text.slice(prevHashAt, seqAt));
      }
      if (text.slice(prevHashAt, seqAt) !== this.#prevHash || readSeq(text, seqAt) !== this.#expectedSeq) return line;
      const digest = sha256Hex(text.slice(canonical, end));
      if (text.slice(start, canonical) !== digest) return line;
      this.#advance(digest);
      start = end + 1;
    }
    return page.count;
  }

  #openAt(seq: number, prevHash: string): void {
    if (!this.#open) return;
    this.#open = false;
    this.#expectedSeq = seq;
    this.#prevHash = prevHash;
    this.#first = { seq, prevHash };
  }

  #advance(hash: string): void {
    if (this.#watch.size > 0 && this.#watch.has(this.#expectedSeq)) this.watched.set(this.#expectedSeq, hash);
    this.#lastSeq = this.#expectedSeq;
    this.#expectedSeq += 1;
    this.#prevHash = hash;
    this.#count += 1;
  }

  /** The sequence number of the last entry verified (0 before any). */
  get lastSeq(): number {
    return this.#lastSeq;
  }

  /** For an open start: the first entry seen, its sequence number and the previous hash it names. */
  get first(): { seq: number; prevHash: string } | null {
    return this.#first;
  }

  get count(): number {
    return this.#count;
  }

  get headHash(): string {
    return this.#prevHash;
  }
}
