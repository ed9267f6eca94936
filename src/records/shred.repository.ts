/**
 * Crypto-shredding of one case, as storage work: every row that hangs off the case (found through
 * the database's foreign keys, so tables added by later features are included), every wrapped copy
 * of the case key (holders' grants, standby and escalation rungs, the reporter's copy on the case
 * row, reporter sessions), the case row itself, and the escrow link to it.
 */
import { sql } from 'kysely';
import type { Db, Dialect, Tx } from '../kernel/database.js';
import { identifier, listForeignKeys, type ForeignKey } from './schema-graph.repository.js';

/** Tables that point at a case without a foreign key, and what to do with them. */
async function detachLooseReferences(tx: Tx, caseId: string): Promise<number> {
  // A reporter's session holds the case key sealed under the cookie's secret.
  const sessions = await tx.deleteFrom('sessions').where('kind', '=', 'reporter').where('subject_id', '=', caseId).executeTakeFirst();
  // An escrow entry that became this report keeps its own (escrow) content, but not the link or the sealed receipt.
  const escrow = await tx.updateTable('escrow_entries').set({ case_id: null, case_receipt_sealed: null }).where('case_id', '=', caseId).executeTakeFirst();
  return Number(sessions.numDeletedRows) + Number(escrow.numUpdatedRows);
}

/** A SQL condition selecting the rows of `table` that belong to the case, through any chain of foreign keys. */
function belongsToCase(table: string, keys: readonly ForeignKey[], caseId: string, depth = 0): ReturnType<typeof sql> | null {
  if (depth > 4) return null;
  const parts: ReturnType<typeof sql>[] = [];
  for (const key of keys) {
    if (key.table !== table || key.refTable === table) continue;
    if (key.refTable === 'cases') {
      parts.push(sql`${sql.raw(identifier(key.column))} = ${caseId}`);
    } else {
      const parent = belongsToCase(key.refTable, keys, caseId, depth + 1);
      if (parent) parts.push(sql`${sql.raw(identifier(key.column))} IN (SELECT ${sql.raw(identifier(key.refColumn))} FROM ${sql.raw(identifier(key.refTable))} WHERE ${parent})`);
    }
  }
  if (parts.length === 0) return null;
  return parts.length === 1 ? parts[0]! : sql`(${sql.join(parts, sql` OR `)})`;
}

export interface ShreddedRows {
  /** Rows deleted or detached, over every table. */
  rows: number;
  /** Wrapped copies of the case key destroyed: grants (active and standby) and the reporter's. */
  wrappedKeys: number;
}

/** Deletes everything of the case inside the caller's transaction; the case row goes last. */
export async function deleteCaseEverywhere(tx: Tx, dialect: Dialect, caseId: string): Promise<ShreddedRows> {
  const keys = await listForeignKeys(tx, dialect);
  const grants = await tx.selectFrom('case_access').select((eb) => eb.fn.countAll<number>().as('n')).where('case_id', '=', caseId).executeTakeFirst();
  let rows = await detachLooseReferences(tx, caseId);
  // Children before parents: delete from the deepest tables first.
  const depthOf = (table: string, seen = new Set<string>()): number => {
    if (table === 'cases' || seen.has(table)) return 0;
    seen.add(table);
    return 1 + Math.max(0, ...keys.filter((key) => key.table === table && key.refTable !== table).map((key) => depthOf(key.refTable, seen)));
  };
  const tables = [...new Set(keys.map((key) => key.table))].filter((table) => table !== 'cases');
  const related = tables
    .map((table) => ({ table, where: belongsToCase(table, keys, caseId), depth: depthOf(table) }))
    .filter((entry): entry is { table: string; where: ReturnType<typeof sql>; depth: number } => entry.where !== null)
    .sort((a, b) => b.depth - a.depth);
  for (const { table, where } of related) {
    const result = await sql`DELETE FROM ${sql.raw(identifier(table))} WHERE ${where}`.execute(tx);
    rows += Number(result.numAffectedRows ?? 0);
  }
  const deleted = await tx.deleteFrom('cases').where('id', '=', caseId).executeTakeFirst();
  rows += Number(deleted.numDeletedRows);
  return { rows, wrappedKeys: Number(grants?.n ?? 0) + Number(deleted.numDeletedRows) };
}

/**
 * After shredding, outside any transaction. SQLite: fold the write-ahead log (which still holds the
 * old pages) into the database, where secure_delete has zeroed them, and truncate it. PostgreSQL:
 * VACUUM, so the deleted rows' space is reclaimed (see docs/records.md on what it cannot promise).
 */
export async function compactAfterShredding(db: Db, dialect: Dialect): Promise<void> {
  if (dialect === 'sqlite') {
    await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(db);
    return;
  }
  const tables = (await listForeignKeys(db, dialect)).filter((key) => key.refTable === 'cases').map((key) => key.table);
  for (const table of new Set([...tables, 'cases', 'sessions', 'escrow_entries'])) await sql`VACUUM ${sql.raw(identifier(table))}`.execute(db);
}
