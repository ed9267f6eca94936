import type { Dialect, Queryable, Tx } from '../kernel/database.js';
import { ChainVerifier, GENESIS_HASH, hashAuditEntry, type ChainBreak } from './audit.chain.js';
import { hasAuditedRecords, insertAuditEntry, lockAuditHead, readAuditChain } from './audit.repository.js';

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

export type ChainVerification = { ok: true; entries: number; headHash: string; headSeq: number } | { ok: false; entries: number; break: ChainBreak };

/** Walks the whole chain and answers whether it is whole, or where it first breaks. */
export async function verifyAuditChain(db: Queryable): Promise<ChainVerification> {
  const verifier = new ChainVerifier();
  let lastSeq = 0;
  for await (const entry of readAuditChain(db)) {
    const broken = verifier.check(entry);
    if (broken) return { ok: false, entries: verifier.count, break: broken };
    lastSeq = entry.seq;
  }
  if (verifier.count === 0 && (await hasAuditedRecords(db))) {
    // Every user and case was created with an audit entry: an empty log beside them was emptied.
    return { ok: false, entries: 0, break: { seq: 1, reason: 'sequence_gap', message: 'the audit log is empty, but the database holds users or cases: it was emptied' } };
  }
  return { ok: true, entries: verifier.count, headHash: verifier.headHash, headSeq: lastSeq };
}
