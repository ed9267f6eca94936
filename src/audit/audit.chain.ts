/**
 * The audit log's hash chain, as pure functions: each entry's hash covers its own fields and the
 * previous entry's hash, so changing, removing or reordering any entry breaks every hash after it.
 */
import { sha256Hex } from '../kernel/crypto.js';

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

/** The hash of an entry: SHA-256 over a fixed-order JSON of its fields and the previous hash. */
export function hashAuditEntry(fields: AuditFields, prevHash: string): string {
  return sha256Hex(
    JSON.stringify([
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
    ]),
  );
}

export interface ChainBreak {
  seq: number;
  reason: 'sequence_gap' | 'previous_hash_mismatch' | 'hash_mismatch';
  message: string;
}

/**
 * An entry as the fast readers hand it out, a plain array in column order:
 * [seq, at, actor_type, actor_id, action, case_id, target_id, details, prev_hash, hash].
 */
export type AuditRow = [number, string, string, string | null, string, string | null, string | null, string, string, string];

/** hashAuditEntry for an AuditRow: the same canonical form, without building an object first. */
export function hashAuditRow(row: AuditRow): string {
  return sha256Hex(JSON.stringify(['candor-audit-v1', row[8], row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7]]));
}

/** Tracks a walk along the chain in order; `check` answers the first break it sees, or null. */
export class ChainVerifier {
  #expectedSeq = 1;
  #prevHash = GENESIS_HASH;
  #count = 0;

  check(entry: ChainedAuditEntry): ChainBreak | null {
    if (entry.seq !== this.#expectedSeq) {
      return {
        seq: entry.seq,
        reason: 'sequence_gap',
        message: `expected entry #${this.#expectedSeq} but found #${entry.seq}: an entry is missing or was moved`,
      };
    }
    if (entry.prevHash !== this.#prevHash) {
      return {
        seq: entry.seq,
        reason: 'previous_hash_mismatch',
        message: `entry #${entry.seq} does not follow the entry before it: the order was changed or an entry replaced`,
      };
    }
    if (hashAuditEntry(entry, entry.prevHash) !== entry.hash) {
      return { seq: entry.seq, reason: 'hash_mismatch', message: `entry #${entry.seq} was altered after it was written` };
    }
    this.#expectedSeq += 1;
    this.#prevHash = entry.hash;
    this.#count += 1;
    return null;
  }

  /** check() for an AuditRow (the fast readers' form). */
  checkRow(row: AuditRow): ChainBreak | null {
    const seq = row[0];
    if (seq !== this.#expectedSeq) {
      return { seq, reason: 'sequence_gap', message: `expected entry #${this.#expectedSeq} but found #${seq}: an entry is missing or was moved` };
    }
    if (row[8] !== this.#prevHash) {
      return { seq, reason: 'previous_hash_mismatch', message: `entry #${seq} does not follow the entry before it: the order was changed or an entry replaced` };
    }
    if (hashAuditRow(row) !== row[9]) return { seq, reason: 'hash_mismatch', message: `entry #${seq} was altered after it was written` };
    this.#expectedSeq += 1;
    this.#prevHash = row[9];
    this.#count += 1;
    return null;
  }

  get count(): number {
    return this.#count;
  }

  get headHash(): string {
    return this.#prevHash;
  }
}
