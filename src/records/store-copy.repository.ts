/**
 * Copying Candor's tables between databases as rows: the PostgreSQL backup (a logical dump read
 * through the database connection), its restore, and `candor migrate-store` from SQLite onto
 * PostgreSQL. Binary values travel as `{"$b": base64}` in JSON lines.
 */
import { sql } from 'kysely';
import type { Db, Dialect, Queryable } from '../kernel/database.js';
import { identifier, listForeignKeys, listTables, parentsFirst, primaryKeyColumns, serialColumns } from './schema-graph.repository.js';

export type Row = Record<string, unknown>;

export function encodeRow(row: Row): string {
  return JSON.stringify(row, (_key, value: unknown) => {
    if (value && typeof value === 'object' && (value as { type?: string }).type === 'Buffer' && Array.isArray((value as { data?: unknown }).data)) {
      return { $b: Buffer.from((value as { data: number[] }).data).toString('base64') };
    }
    return value;
  });
}

export function decodeRow(line: string): Row {
  return JSON.parse(line, (_key, value: unknown) => (value && typeof value === 'object' && typeof (value as { $b?: unknown }).$b === 'string' ? Buffer.from((value as { $b: string }).$b, 'base64') : value)) as Row;
}

/** The tables to copy, parents first (the migrator's bookkeeping excluded: the target migrates itself). */
export async function tablesInCopyOrder(db: Queryable, dialect: Dialect): Promise<string[]> {
  return parentsFirst(await listTables(db, dialect), await listForeignKeys(db, dialect));
}

/** Reads a table in pages, by its primary key when it has a single-column one. */
export async function* readTable(db: Queryable, dialect: Dialect, table: string, pageSize = 2000): AsyncGenerator<Row[]> {
  const keys = await primaryKeyColumns(db, dialect, table);
  const t = sql.raw(identifier(table));
  if (keys.length === 1) {
    const key = sql.raw(identifier(keys[0]!));
    let after: unknown = null;
    for (;;) {
      const page = after === null
        ? await sql<Row>`SELECT * FROM ${t} ORDER BY ${key} LIMIT ${pageSize}`.execute(db)
        : await sql<Row>`SELECT * FROM ${t} WHERE ${key} > ${after} ORDER BY ${key} LIMIT ${pageSize}`.execute(db);
      if (page.rows.length > 0) yield page.rows;
      if (page.rows.length < pageSize) return;
      after = page.rows[page.rows.length - 1]![keys[0]!];
    }
  }
  const order = keys.length > 0 ? sql.join(keys.map((key) => sql.raw(identifier(key)))) : sql.raw('1');
  for (let offset = 0; ; offset += pageSize) {
    const page = await sql<Row>`SELECT * FROM ${t} ORDER BY ${order} LIMIT ${pageSize} OFFSET ${offset}`.execute(db);
    if (page.rows.length > 0) yield page.rows;
    if (page.rows.length < pageSize) return;
  }
}

/** Inserts rows into a table, in batches that stay under PostgreSQL's parameter limit. */
export async function insertRows(db: Queryable, table: string, rows: readonly Row[]): Promise<void> {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0]!).length || 1;
  const batch = Math.max(1, Math.floor(30_000 / columns));
  for (let i = 0; i < rows.length; i += batch) {
    await (db as Db).insertInto(table as never).values(rows.slice(i, i + batch) as never).execute();
  }
}

/** Rows the target's migrations seeded (settings, the first channel...) make way for the copy's. Answers whether it held real data. */
export async function targetHoldsData(db: Queryable): Promise<boolean> {
  const users = await db.selectFrom('users').select('id').limit(1).executeTakeFirst();
  const cases = await db.selectFrom('cases').select('id').limit(1).executeTakeFirst();
  const audit = await db.selectFrom('audit_events').select('seq').limit(1).executeTakeFirst();
  return users !== undefined || cases !== undefined || audit !== undefined;
}

/** Empties every table of a freshly migrated, data-free target, children first. */
export async function clearSeededRows(db: Queryable, dialect: Dialect, tables: readonly string[]): Promise<void> {
  for (const table of [...tables].reverse()) {
    if (table === 'audit_events') continue; // append-only, and empty (checked by the caller)
    await sql`DELETE FROM ${sql.raw(identifier(table))}`.execute(db);
  }
  void dialect;
}

/** After rows were copied into PostgreSQL with their ids, move every sequence past them. */
export async function resetSequences(db: Queryable): Promise<void> {
  for (const [table, column] of await serialColumns(db)) {
    const t = sql.raw(identifier(table));
    const c = sql.raw(identifier(column));
    await sql`SELECT setval(pg_get_serial_sequence(${table}, ${column}), COALESCE((SELECT MAX(${c}) FROM ${t}), 1), (SELECT MAX(${c}) FROM ${t}) IS NOT NULL)`.execute(db);
  }
}
