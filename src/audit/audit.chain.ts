/**
 * The audit log's hash chain, as pure functions: each entry's hash covers its own fields and the
 * previous entry's hash, so changing, removing or reordering any entry breaks every hash after it.
 */
import { isUtf8 } from 'node:buffer';
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
function readSeq(data: Buffer, at: number): number {
  if (data[at] !== 0x22 || data[at + 1] !== 0x2c) return NaN;
  let value = 0;
  let digits = 0;
  for (let index = at + 2; ; index += 1) {
    const code = data[index];
    if (code === 0x2c) return digits > 0 && digits < 16 ? value : NaN;
    if (code === undefined || code < 0x30 || code > 0x39) return NaN;
    value = value * 10 + (code - 0x30);
    digits += 1;
  }
}

/** The 64 bytes at `at`, as text to compare with a hash (faster than comparing byte by byte). */
function hashAt(data: Buffer, at: number): string {
  return data.toString('latin1', at, at + HASH_LENGTH);
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
 * #`lastSeq`. Either lines, one per entry, each holding the entry's stored hash and its canonical
 * form as the database wrote it from the stored columns; or the entries' columns.
 */
export type AuditChainPage = LinesPage | RowsPage;

/** A page as lines of UTF-8: a line break between each two ('joined') or after each ('csv'). */
export interface LinesPage {
  data: Buffer;
  count: number;
  lastSeq: number;
  /**
   * How a line holds its entry. 'joined' (SQLite's reader): the stored hash, exactly 64 bytes (the
   * reader leaves out one of another length), then the canonical form. 'csv' (PostgreSQL's): the
   * columns as its CSV writer puts them, in the canonical form's order after the stored hash:
   * every string in double quotes with backslash escapes, NULL as null, control characters raw. So
   * a line is the stored hash in quotes, a comma, and the canonical form without its opening
   * `["candor-audit-v1",` and its closing bracket; each line ends in a line break.
   */
  form: 'joined' | 'csv';
}

/** A page as the entries' own columns (the portable reader): each canonical form is built here. */
export interface RowsPage {
  rows: AuditRow[];
  lastSeq: number;
}

const HASH_LENGTH = 64;

/** The control characters but the line break: JSON escapes them, PostgreSQL's CSV writer does not. */
const CONTROL_BYTES = Array.from({ length: 0x20 }, (_, byte) => byte).filter((byte) => byte !== 0x0a);

/** What the 'csv' form leaves out of the start of a canonical form: written into the line, over the end of the stored hash. */
const CANONICAL_START = Buffer.from('["candor-audit-v1",');

/**
 * Where a 'csv' line's canonical form starts, once CANONICAL_START is written there: just before
 * the previous hash's opening quote, which follows the stored hash's closing quote and a comma.
 */
const CSV_CANONICAL_AT = 1 + HASH_LENGTH + 2 - CANONICAL_START.length;

/**
 * The sequence number of the 'csv' line starting at `at` (its third field: after two quoted
 * fields, whatever they hold), or NaN if the line is not in that shape.
 */
export function csvLineSeq(data: Buffer, at: number): number {
  for (let field = 0; field < 2; field += 1) {
    if (field > 0) at += 2;
    if (data[at] !== 0x22) return NaN;
    // To the closing quote: a backslash escapes the byte after it.
    for (at += 1; at < data.length && data[at] !== 0x22; at += data[at] === 0x5c ? 2 : 1);
  }
  return readSeq(data, at);
}

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
  /** Scratch for #lineEnds, kept from page to page. */
  #ends = new Int32Array(0);
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
   * written a character its own way).
   *
   * Exact, not merely likely: a line passes only if the bytes hashed are the entry's canonical
   * form and the stored hash is exactly the digest, so it passes precisely when checkRow would.
   * Hence the checks on the page as a whole: one line per entry (a stored value holding a line
   * break would shift the lines), valid UTF-8, and for the CSV form no control character. A CSV
   * page is changed in place: its canonical forms are completed.
   */
  checkPage(page: LinesPage): number {
    const { data, count } = page;
    const csv = page.form === 'csv';
    const ends = this.#lineEnds(data, count, csv);
    if (ends === null || !isUtf8(data) || (csv && CONTROL_BYTES.some((byte) => data.includes(byte)))) return 0;
    const canonicalAt = csv ? CSV_CANONICAL_AT : HASH_LENGTH;
    let start = 0;
    for (let line = 0; line < count; line += 1) {
      const end = ends[line]!;
      // Fixed offsets from the line's start; a stored hash of another length shifts them all, and the line fails.
      const canonical = start + canonicalAt;
      const prevHashAt = canonical + PREV_HASH_OFFSET;
      const seqAt = prevHashAt + HASH_LENGTH;
      // An open start takes the first entry's own sequence number and previous hash, once it passes.
      const open = this.#open;
      const seq = readSeq(data, seqAt);
      const prevHash = hashAt(data, prevHashAt);
      if (open ? Number.isNaN(seq) : seq !== this.#expectedSeq || prevHash !== this.#prevHash) return line;
      // Read before a CSV line's canonical form is completed over the end of it.
      const stored = hashAt(data, csv ? start + 1 : start);
      let canonicalEnd = end;
      if (csv) {
        // The stored hash is the whole first field only if a quote and a comma follow its 64 bytes
        // (which, equal to a digest, hold no quote to escape). The line break becomes the closing bracket.
        if (data[start] !== 0x22 || data[start + 1 + HASH_LENGTH] !== 0x22 || data[start + 2 + HASH_LENGTH] !== 0x2c) return line;
        CANONICAL_START.copy(data, canonical);
        data[end] = 0x5d;
        canonicalEnd = end + 1;
      }
      const digest = sha256Hex(data.subarray(canonical, canonicalEnd));
      if (stored !== digest) return line;
      if (open) this.#openAt(seq, prevHash);
      this.#advance(digest);
      start = end + 1;
    }
    return count;
  }

  /**
   * Where each of the page's lines ends (its line break, or for the last 'joined' line the end of
   * the page), or null unless there are exactly `count` of them. A canonical form holds no line
   * break, but a stored hash (and, in the CSV form, any value) is written as it is: one holding a
   * line break would split its line in two and shift every line after it, so such a page has no
   * line pass at all.
   */
  #lineEnds(data: Buffer, count: number, terminated: boolean): Int32Array | null {
    if (this.#ends.length < count) this.#ends = new Int32Array(count);
    const ends = this.#ends;
    let at = 0;
    for (let line = 0; line < count - 1; line += 1) {
      const end = data.indexOf(0x0a, at);
      if (end < 0) return null;
      ends[line] = end;
      at = end + 1;
    }
    if (count === 0) return ends;
    const last = terminated ? data.length - 1 : data.length;
    if (data.indexOf(0x0a, at) !== (terminated ? last : -1)) return null;
    ends[count - 1] = last;
    return ends;
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
