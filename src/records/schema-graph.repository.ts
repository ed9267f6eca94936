/**
 * The database's own map of itself: its tables and their foreign keys, read from the catalogue of
 * either dialect. The shredder uses it to find every row that hangs off a case, including tables
 * other features add later; backup, restore and migrate-store use it to copy tables parents first.
 */
import { sql } from 'kysely';
import type { Dialect, Queryable } from '../kernel/database.js';

export interface ForeignKey {
  table: string;
  column: string;
  refTable: string;
  refColumn: string;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/** A table or column name from the catalogue, checked before it is put into SQL text. */
export function identifier(name: string): string {
  if (!IDENTIFIER.test(name)) throw new Error(`unexpected identifier in the schema: ${name}`);
  return `"${name}"`;
}

/** Candor's tables (the migrator's own bookkeeping excluded). */
export async function listTables(db: Queryable, dialect: Dialect): Promise<string[]> {
  const rows =
    dialect === 'sqlite'
      ? (await sql<{ name: string }>`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`.execute(db)).rows
      : (await sql<{ name: string }>`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`.execute(db)).rows;
  return rows.map((row) => row.name).filter((name) => !name.startsWith('kysely_')).sort();
}

export async function listForeignKeys(db: Queryable, dialect: Dialect): Promise<ForeignKey[]> {
  if (dialect === 'sqlite') {
    const rows = await sql<{ tbl: string; col: string; ref_table: string; ref_col: string | null }>`
      SELECT m.name AS tbl, p."from" AS col, p."table" AS ref_table, p."to" AS ref_col
      FROM sqlite_master m JOIN pragma_foreign_key_list(m.name) p
      WHERE m.type = 'table'`.execute(db);
    return rows.rows.map((row) => ({ table: row.tbl, column: row.col, refTable: row.ref_table, refColumn: row.ref_col ?? 'id' }));
  }
  const rows = await sql<{ tbl: string; col: string; ref_table: string; ref_col: string }>`
    SELECT kcu.table_name AS tbl, kcu.column_name AS col, ccu.table_name AS ref_table, ccu.column_name AS ref_col
    FROM information_schema.table_constraints tc
    JOIN information_schema.key_column_usage kcu ON tc.constraint_name = kcu.constraint_name AND tc.table_schema = kcu.table_schema
    JOIN information_schema.constraint_column_usage ccu ON ccu.constraint_name = tc.constraint_name AND ccu.table_schema = tc.table_schema
    WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_schema = current_schema()`.execute(db);
  return rows.rows.map((row) => ({ table: row.tbl, column: row.col, refTable: row.ref_table, refColumn: row.ref_col }));
}

/** Tables ordered so that every table comes after the tables it references (self-references ignored). */
export function parentsFirst(tables: readonly string[], keys: readonly ForeignKey[]): string[] {
  const ordered: string[] = [];
  const placed = new Set<string>();
  const visiting = new Set<string>();
  const visit = (table: string) => {
    if (placed.has(table) || visiting.has(table)) return;
    visiting.add(table);
    for (const key of keys) if (key.table === table && key.refTable !== table && tables.includes(key.refTable)) visit(key.refTable);
    visiting.delete(table);
    placed.add(table);
    ordered.push(table);
  };
  for (const table of tables) visit(table);
  return ordered;
}

/** A table's primary key columns, in order (empty when it has none). */
export async function primaryKeyColumns(db: Queryable, dialect: Dialect, table: string): Promise<string[]> {
  if (dialect === 'sqlite') {
    const rows = await sql<{ name: string; pk: number }>`SELECT name, pk FROM pragma_table_info(${table}) WHERE pk > 0 ORDER BY pk`.execute(db);
    return rows.rows.map((row) => row.name);
  }
  const rows = await sql<{ name: string }>`
    SELECT kcu.column_name AS name
    FROM information_schema.table_constraints tc
    JOIN information_schema.key_column_usage kcu ON tc.constraint_name = kcu.constraint_name AND tc.table_schema = kcu.table_schema
    WHERE tc.constraint_type = 'PRIMARY KEY' AND tc.table_schema = current_schema() AND tc.table_name = ${table}
    ORDER BY kcu.ordinal_position`.execute(db);
  return rows.rows.map((row) => row.name);
}

/** Columns filled from a sequence (PostgreSQL bigserial), as [table, column]. */
export async function serialColumns(db: Queryable): Promise<[string, string][]> {
  const rows = await sql<{ tbl: string; col: string }>`
    SELECT table_name AS tbl, column_name AS col FROM information_schema.columns
    WHERE table_schema = current_schema() AND column_default LIKE 'nextval(%'`.execute(db);
  return rows.rows.map((row) => [row.tbl, row.col]);
}
