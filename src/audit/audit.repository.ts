import { sql, type Selectable } from 'kysely';
import type { Dialect, Queryable, Tx } from '../kernel/database.js';
import type { AuditEventsTable } from '../kernel/db-schema.js';
import type { AuditRow, ChainedAuditEntry } from './audit.chain.js';
import { LOWEST_SEQ, HIGHEST_SEQ, type AuditChainSource } from './audit-chain.reader.js';

// Any constant: every node of one installation takes the same lock to append to the chain.
const AUDIT_APPEND_LOCK = 7_340_451;

/** Serializes appends to the chain for this transaction, then answers the current head. */
export async function lockAuditHead(tx: Tx, dialect: Dialect): Promise<{ seq: number; hash: string } | undefined> {
  // SQLite runs one write transaction at a time already; PostgreSQL needs an explicit lock so that
  // two nodes never chain onto the same head.
  if (dialect === 'postgres') await sql`SELECT pg_advisory_xact_lock(${AUDIT_APPEND_LOCK})`.execute(tx);
  return tx.selectFrom('audit_events').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
}

export async function insertAuditEntry(tx: Tx, entry: ChainedAuditEntry): Promise<void> {
  await tx
    .insertInto('audit_events')
    .values({
      seq: entry.seq,
      at: entry.at,
      actor_type: entry.actorType as 'staff' | 'reporter' | 'system',
      actor_id: entry.actorId,
      action: entry.action,
      case_id: entry.caseId,
      target_id: entry.targetId,
      details: entry.details,
      prev_hash: entry.prevHash,
      hash: entry.hash,
    })
    .execute();
}

const toAuditRow = (row: Selectable<AuditEventsTable>): AuditRow => [Number(row.seq), row.at, row.actor_type, row.actor_id, row.action, row.case_id, row.target_id, row.details, row.prev_hash, row.hash];

/**
 * The chain read through Kysely, a page of rows at a time: the portable reader (the fast ones, for
 * `candor audit verify`, are in audit-chain.reader.ts).
 */
export function portableAuditChainSource(db: Queryable, pageSize = 5000): AuditChainSource {
  const between = async (after: number, upTo: number, limit?: number) => {
    let query = db.selectFrom('audit_events').selectAll().where('seq', '>', after).where('seq', '<=', upTo).orderBy('seq');
    if (limit !== undefined) query = query.limit(limit);
    return (await query.execute()).map(toAuditRow);
  };
  return {
    async *pages(segment) {
      let after = segment.after ?? LOWEST_SEQ;
      for (;;) {
        const rows = await between(after, segment.upTo ?? HIGHEST_SEQ, pageSize);
        if (rows.length === 0) return;
        after = rows[rows.length - 1]![0];
        yield { rows, lastSeq: after };
        if (rows.length < pageSize) return;
      }
    },
    rows: (after, upTo) => between(after, upTo),
    headSeq: async () => Number((await findAuditHead(db))?.seq ?? 0),
    close: async () => undefined,
  };
}

/** The newest entry of the chain. */
export function findAuditHead(db: Queryable) {
  return db.selectFrom('audit_events').select(['seq', 'hash', 'at']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
}

export interface AuditTrailFilters {
  caseId?: string;
  actorId?: string;
  action?: string;
  from?: string;
  to?: string;
  /** Entries with a sequence number below this one (newest first paging). */
  beforeSeq?: number;
}

/** Audit entries, newest first, with the actor's name and the case's reference where there is one. */
export function listAuditTrail(db: Queryable, filters: AuditTrailFilters, limit: number) {
  let query = db
    .selectFrom('audit_events')
    .leftJoin('users', 'users.id', 'audit_events.actor_id')
    .leftJoin('cases', 'cases.id', 'audit_events.case_id')
    .leftJoin('case_disposals', 'case_disposals.case_id', 'audit_events.case_id')
    .select([
      'audit_events.seq',
      'audit_events.at',
      'audit_events.actor_type',
      'audit_events.actor_id',
      'users.name as actor_name',
      'audit_events.action',
      'audit_events.case_id',
      'cases.ref as case_ref',
      'case_disposals.ref as disposed_ref',
      'audit_events.target_id',
      'audit_events.details',
      'audit_events.hash',
    ]);
  if (filters.caseId) query = query.where('audit_events.case_id', '=', filters.caseId);
  // A person by id, or by their sign-in address.
  if (filters.actorId) query = filters.actorId.includes('@') ? query.where('users.email', '=', filters.actorId.trim().toLowerCase()) : query.where('audit_events.actor_id', '=', filters.actorId);
  if (filters.action) query = query.where('audit_events.action', '=', filters.action);
  if (filters.from) query = query.where('audit_events.at', '>=', filters.from);
  if (filters.to) query = query.where('audit_events.at', '<', filters.to);
  if (filters.beforeSeq !== undefined) query = query.where('audit_events.seq', '<', filters.beforeSeq);
  return query.orderBy('audit_events.seq', 'desc').limit(limit).execute();
}

export async function listCaseAuditEntries(db: Queryable, caseId: string) {
  return db.selectFrom('audit_events').selectAll().where('case_id', '=', caseId).orderBy('seq').execute();
}

/** Whether anything exists whose creation must have been audited. */
export async function hasAuditedRecords(db: Queryable): Promise<boolean> {
  const user = await db.selectFrom('users').select('id').limit(1).executeTakeFirst();
  const anyCase = await db.selectFrom('cases').select('id').limit(1).executeTakeFirst();
  return user !== undefined || anyCase !== undefined;
}
