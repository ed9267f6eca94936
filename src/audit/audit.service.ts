import type { Config } from '../kernel/config.js';
import type { Dialect, Queryable, Tx } from '../kernel/database.js';
import { GENESIS_HASH, hashAuditEntry } from './audit.chain.js';
import { findAuditHead, hasAuditedRecords, insertAuditEntry, lockAuditHead, portableAuditChainSource } from './audit.repository.js';
import { joinSegments, verifyChainFast, verifySegment, type ChainVerification, type WitnessedHead } from './audit.verify.js';

export type AuditActor =
  | { type: 'staff'; id: string }
  | { type: 'reporter'; caseId: string }
  | { type: 'system'; id?: string };

export interface AuditEvent {
  actor: AuditActor;
  /** What happened, e.g. `case.read`, `report.submit`. */
  action: string;
  caseId?: string | null;
  /** The thing acted on when it is not the case: a user, a message, a channel. */
  targetId?: string | null;
  /** Ids, counts and states only: never content, names, receipts or addresses. */
  details?: Record<string, string | number | boolean | null>;
}

/**
 * Appends one entry to the audit chain inside the caller's transaction, so the entry and the thing
 * it records commit together or not at all.
 */
export async function recordAudit(tx: Tx, dialect: Dialect, at: Date, event: AuditEvent): Promise<void> {
  const head = await lockAuditHead(tx, dialect);
  const fields = {
    seq: head ? Number(head.seq) + 1 : 1,
    at: at.toISOString(),
    actorType: event.actor.type,
    // A reporter has no identity in Candor: the reporter's entries are tied to the case alone.
    actorId: event.actor.type === 'reporter' ? null : (event.actor.id ?? null),
    action: event.action,
    caseId: event.caseId ?? (event.actor.type === 'reporter' ? event.actor.caseId : null),
    targetId: event.targetId ?? null,
    details: JSON.stringify(event.details ?? {}),
  };
  const prevHash = head?.hash ?? GENESIS_HASH;
  await insertAuditEntry(tx, { ...fields, prevHash, hash: hashAuditEntry(fields, prevHash) });
}

/** A witnessed head: an entry's sequence number and hash, as `candor audit head` printed it. */
export interface AuditHead {
  seq: number;
  hash: string;
  at: string;
}

/** The newest entry of the chain, for witnessing outside Candor; null while the log is empty. */
export async function auditHead(db: Queryable): Promise<AuditHead | null> {
  const head = await findAuditHead(db);
  return head ? { seq: Number(head.seq), hash: head.hash, at: head.at } : null;
}

/** One line a person can keep, mail and compare: `candor-audit-head <seq> <hash> <time>`. */
export function formatAuditHead(head: AuditHead): string {
  return `candor-audit-head ${head.seq} ${head.hash} ${head.at}`;
}

/** Reads witnessed heads from text: every line holding a sequence number and a 64-digit hash (other lines are ignored). */
export function parseWitnessedHeads(text: string): WitnessedHead[] {
  const heads: WitnessedHead[] = [];
  for (const [index, line] of text.split(/\r?\n/).entries()) {
    const match = /(?:^|\s)#?(\d+)\s+([0-9a-f]{64})(?:\s|$)/i.exec(line);
    if (match) heads.push({ seq: Number(match[1]), hash: match[2]!.toLowerCase(), line: index + 1 });
  }
  return heads;
}

/**
 * Walks the whole chain and answers whether it is whole, or where it first breaks. With witnessed
 * heads, each must still be in the chain with the same hash: a chain rewritten from some entry on
 * (every hash recomputed) verifies on its own but fails here. Without `fast`, it reads through `db`
 * (the portable path); with it, through the dialect's fast reader on up to `threads` worker threads,
 * as `candor audit verify` does.
 */
export async function verifyAuditChain(
  db: Queryable,
  witnessed: readonly WitnessedHead[] = [],
  fast?: { database: Config['database']; threads: number; taskSize?: number },
): Promise<ChainVerification> {
  let result: ChainVerification;
  if (fast) {
    result = await verifyChainFast(fast.database, witnessed, fast);
  } else {
    const source = portableAuditChainSource(db);
    result = joinSegments([await verifySegment(source, { after: null, upTo: null }, { fromGenesis: true, watch: new Set(witnessed.map((head) => head.seq)) })], witnessed);
  }
  if (result.ok && result.entries === 0 && (await hasAuditedRecords(db))) {
    // Every user and case was created with an audit entry: an empty log beside them was emptied.
    return { ok: false, entries: 0, break: { seq: 1, reason: 'sequence_gap', message: 'the audit log is empty, but the database holds users or cases: it was emptied' } };
  }
  return result;
}
