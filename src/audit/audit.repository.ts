import { sql } from 'kysely';
import type { Dialect, Queryable, Tx } from '../kernel/database.js';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import type { Config } from '../kernel/config.js';
import type { AuditRow, ChainedAuditEntry } from './audit.chain.js';

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

/**
 * Reads the chain in order through Kysely, a page at a time, as the rows the verifier checks:
 * the portable path (the fast reader below is what `candor audit verify` uses).
 */
export async function* readAuditPages(db: Queryable, pageSize = 5000): AsyncGenerator<AuditRow[]> {
  // The first page has no lower bound, so a row slipped in below the start of the chain is seen too.
  let after: number | null = null;
  for (;;) {
    let query = db.selectFrom('audit_events').selectAll();
    if (after !== null) query = query.where('seq', '>', after);
    const rows = await query.orderBy('seq').limit(pageSize).execute();
    const page = rows.map((row): AuditRow => [Number(row.seq), row.at, row.actor_type, row.actor_id, row.action, row.case_id, row.target_id, row.details, row.prev_hash, row.hash]);
    if (page.length > 0) yield page;
    if (rows.length < pageSize) return;
    after = page[page.length - 1]![0];
  }
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

const CHAIN_COLUMNS = 'seq, at, actor_type, actor_id, action, case_id, target_id, details, prev_hash, hash';

/**
 * The chain read for verification at full speed, on its own connection: rows as arrays (no object
 * per row), pages by sequence number, all inside one read transaction so the walk sees one
 * consistent chain while Candor keeps writing. On PostgreSQL the next page is asked for while the
 * current one is checked. Dialect-specific on purpose: it is what makes `candor audit verify` fast.
 */
export async function* readAuditRows(database: Config['database'], pageSize = 10_000): AsyncGenerator<AuditRow[]> {
  if (database.kind === 'sqlite') {
    const sqlite = new BetterSqlite3(database.file, { readonly: true, fileMustExist: true });
    try {
      sqlite.pragma('busy_timeout = 5000');
      const first = sqlite.prepare(`SELECT ${CHAIN_COLUMNS} FROM audit_events ORDER BY seq LIMIT ?`).raw(true);
      const next = sqlite.prepare(`SELECT ${CHAIN_COLUMNS} FROM audit_events WHERE seq > ? ORDER BY seq LIMIT ?`).raw(true);
      sqlite.exec('BEGIN');
      try {
        let rows = first.all(pageSize) as AuditRow[];
        for (;;) {
          if (rows.length > 0) yield rows;
          if (rows.length < pageSize) return;
          rows = next.all(rows[rows.length - 1]![0], pageSize) as AuditRow[];
        }
      } finally {
        sqlite.exec('COMMIT');
      }
    } finally {
      sqlite.close();
    }
  }
  if (database.kind !== 'postgres') return;
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const page = async (after: number | null) => {
      const result = await client.query<AuditRow>({
        text: after === null ? `SELECT ${CHAIN_COLUMNS} FROM audit_events ORDER BY seq LIMIT $1` : `SELECT ${CHAIN_COLUMNS} FROM audit_events WHERE seq > $2 ORDER BY seq LIMIT $1`,
        values: after === null ? [pageSize] : [pageSize, after],
        rowMode: 'array',
      });
      const rows = result.rows;
      // int8 arrives as text: the canonical form hashes the number.
      for (let i = 0; i < rows.length; i += 1) rows[i]![0] = Number(rows[i]![0]);
      return rows;
    };
    let rows = await page(null);
    for (;;) {
      const upcoming = rows.length === pageSize ? page(rows[rows.length - 1]![0]) : null;
      // Keep the next page's promise handled while this one is checked.
      upcoming?.catch(() => undefined);
      if (rows.length > 0) yield rows;
      if (!upcoming) break;
      rows = await upcoming;
    }
    await client.query('COMMIT');
  } finally {
    await client.end();
  }
}
