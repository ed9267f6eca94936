/**
 * The audit chain as verification reads it: the segment and source shapes, and the fast readers
 * of `candor audit verify`, one per dialect. Kept light (no Kysely, no configuration code, each
 * driver loaded only when used), since every verification thread loads it.
 */
import { StringDecoder } from 'node:string_decoder';
import type { Config } from '../kernel/config.js';
import type { AuditChainPage, AuditRow, RowsPage } from './audit.chain.js';

/** A stretch of the chain by sequence number: the entries after `after`, up to and including `upTo` (null: no bound). */
export interface ChainSegment {
  after: number | null;
  upTo: number | null;
}

/** What verification reads the chain through: the portable reader below, or a dialect's fast one. */
export interface AuditChainSource {
  /** The segment's entries in order, a page at a time. */
  pages(segment: ChainSegment): AsyncIterable<AuditChainPage>;
  /** The entries' own columns after `after` up to `upTo`, in order: the careful read of a page that did not pass. */
  rows(after: number, upTo: number): Promise<AuditRow[]>;
  /** The highest sequence number in the chain (0 while it is empty). */
  headSeq(): Promise<number>;
  close(): Promise<void>;
}

// Bounds for an open end: seq is a bigint, but never beyond what a JavaScript number holds exactly.
export const LOWEST_SEQ = Number.MIN_SAFE_INTEGER;
export const HIGHEST_SEQ = Number.MAX_SAFE_INTEGER;

const CHAIN_COLUMNS = 'seq, at, actor_type, actor_id, action, case_id, target_id, details, prev_hash, hash';

/** The canonical form (canonicalAuditEntry), built by SQLite: json_array writes what JSON.stringify writes. */
const SQLITE_CANONICAL = `json_array('candor-audit-v1', prev_hash, seq, at, actor_type, actor_id, action, case_id, target_id, details)`;

/**
 * An SQLite page as one value: its lines, joined by the database. The aggregate is not asked to
 * keep the inner order (that would sort every page again); should it not, the page fails the fast
 * check and is read carefully, so the order costs speed at worst, never a wrong verdict.
 */
const SQLITE_PAGE = `SELECT group_concat(line, char(10)), count(*), max(seq)
  FROM (SELECT seq, hash || ${SQLITE_CANONICAL} AS line FROM audit_events WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?) page`;

/** COPY's text format: a backslash escapes these characters; `\\N` alone is NULL. */
const COPY_ESCAPES: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };
const copyText = (value: string) => (value.includes('\\') ? value.replace(/\\(.)/g, (_, char: string) => COPY_ESCAPES[char] ?? char) : value);
const copyNullable = (value: string) => (value === '\\N' ? null : copyText(value));

/** Rows of CHAIN_COLUMNS as `COPY … TO STDOUT` writes them (a line each, columns between tabs), added to `rows`. */
export function decodeCopyRows(text: string, rows: AuditRow[]): void {
  let start = 0;
  while (start < text.length) {
    const end = text.indexOf('\n', start);
    const line = text.slice(start, end < 0 ? text.length : end);
    start = end < 0 ? text.length : end + 1;
    const f = line.split('\t');
    if (!line.includes('\\')) {
      rows.push([Number(f[0]), f[1]!, f[2]!, f[3]!, f[4]!, f[5]!, f[6]!, f[7]!, f[8]!, f[9]!]);
    } else {
      rows.push([Number(f[0]), copyText(f[1]!), copyText(f[2]!), copyNullable(f[3]!), copyText(f[4]!), copyNullable(f[5]!), copyNullable(f[6]!), copyText(f[7]!), copyText(f[8]!), copyText(f[9]!)]);
    }
  }
}

/**
 * The chain read for verification at full speed, on a connection of its own inside one read
 * transaction, so the walk sees one consistent chain while Candor keeps writing. SQLite builds
 * each entry's canonical form and joins a page of them into one text: one value crosses into
 * JavaScript per page instead of ten per entry. PostgreSQL builds canonical forms slowly (to_json
 * per value), so it sends the columns through COPY, the cheapest way out of it, and Candor builds
 * them; `snapshot` makes several readers see the very same chain (pg_export_snapshot), and the
 * next page is asked for while the current one is checked. Either way the verifier hashes every
 * entry itself. Dialect-specific on purpose: it is what makes `candor audit verify` fast.
 */
export async function openAuditChainReader(database: Config['database'], options: { snapshot?: string; pageSize?: number } = {}): Promise<AuditChainSource> {
  if (database.kind === 'sqlite') {
    // One text per page, built in SQLite's C.
    const pageSize = options.pageSize ?? 10_000;
    const { default: BetterSqlite3 } = await import('better-sqlite3');
    const sqlite = new BetterSqlite3(database.file, { readonly: true, fileMustExist: true });
    sqlite.pragma('busy_timeout = 5000');
    // Pages straight from the file's mapping rather than a read call each (up to the first GiB).
    sqlite.pragma(`mmap_size = ${2 ** 30}`);
    const page = sqlite.prepare(SQLITE_PAGE).raw(true);
    const between = sqlite.prepare(`SELECT ${CHAIN_COLUMNS} FROM audit_events WHERE seq > ? AND seq <= ? ORDER BY seq`).raw(true);
    const head = sqlite.prepare('SELECT max(seq) FROM audit_events').pluck();
    sqlite.exec('BEGIN');
    return {
      async *pages(segment) {
        let after = segment.after ?? LOWEST_SEQ;
        for (;;) {
          const [text, count, lastSeq] = page.get(after, segment.upTo ?? HIGHEST_SEQ, pageSize) as [string | null, number, number | null];
          if (count === 0 || text === null || lastSeq === null) return;
          yield { text, count, lastSeq };
          if (count < pageSize) return;
          after = lastSeq;
        }
      },
      rows: async (after, upTo) => between.all(after, upTo) as AuditRow[],
      headSeq: async () => Number(head.get() ?? 0),
      async close() {
        sqlite.exec('COMMIT');
        sqlite.close();
      },
    };
  }
  // Rows, an object each: small pages keep them young, so the collector reclaims them cheaply.
  const pageSize = options.pageSize ?? 2000;
  const { to: copyTo } = await import('pg-copy-streams');
  const client = await connectPostgres(database.url);
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    if (options.snapshot) await client.query(`SET TRANSACTION SNAPSHOT ${client.escapeLiteral(options.snapshot)}`);
  } catch (error) {
    await client.end();
    throw error;
  }
  const page = async (after: number, upTo: number): Promise<RowsPage | null> => {
    // COPY takes no parameters; the bounds are numbers Candor computed.
    if (![after, upTo, pageSize].every(Number.isSafeInteger)) throw new Error('audit chain page bounds must be whole numbers');
    const stream = client.query(copyTo(`COPY (SELECT ${CHAIN_COLUMNS} FROM audit_events WHERE seq > ${after} AND seq <= ${upTo} ORDER BY seq LIMIT ${pageSize}) TO STDOUT`));
    // Decoded as it arrives, whole lines at a time (a chunk may end inside a line, or inside a character).
    const decoder = new StringDecoder('utf8');
    const rows: AuditRow[] = [];
    let carry = '';
    for await (const chunk of stream) {
      const text = carry + decoder.write(chunk as Buffer);
      const cut = text.lastIndexOf('\n') + 1;
      decodeCopyRows(text.slice(0, cut), rows);
      carry = text.slice(cut);
    }
    decodeCopyRows(carry + decoder.end(), rows);
    return rows.length === 0 ? null : { rows, lastSeq: rows[rows.length - 1]![0] };
  };
  return {
    async *pages(segment) {
      const upTo = segment.upTo ?? HIGHEST_SEQ;
      let current = await page(segment.after ?? LOWEST_SEQ, upTo);
      while (current) {
        const upcoming = current.rows.length === pageSize ? page(current.lastSeq, upTo) : null;
        // Keep the next page's promise handled while this one is checked.
        upcoming?.catch(() => undefined);
        yield current;
        current = upcoming ? await upcoming : null;
      }
    },
    async rows(after, upTo) {
      const result = await client.query<AuditRow>({ text: `SELECT ${CHAIN_COLUMNS} FROM audit_events WHERE seq > $1 AND seq <= $2 ORDER BY seq`, values: [after, upTo], rowMode: 'array' });
      for (const row of result.rows) row[0] = Number(row[0]);
      return result.rows;
    },
    async headSeq() {
      const result = await client.query<[string | null]>({ text: 'SELECT max(seq) FROM audit_events', rowMode: 'array' });
      return Number(result.rows[0]![0] ?? 0);
    },
    async close() {
      try {
        await client.query('COMMIT');
      } finally {
        await client.end();
      }
    },
  };
}

async function connectPostgres(url: string) {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return client;
}

/**
 * On PostgreSQL, a snapshot every reader of one verification imports (pg_export_snapshot), so all
 * of them see the same chain; it is held open until they are done. SQLite has no such thing: each
 * reader sees the chain as it stood when it began.
 */
export async function openChainSnapshot(database: Config['database']): Promise<{ id?: string; close(): Promise<void> }> {
  if (database.kind === 'sqlite') return { close: async () => undefined };
  const client = await connectPostgres(database.url);
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const { rows } = await client.query<{ id: string }>('SELECT pg_export_snapshot() AS id');
    return {
      id: rows[0]!.id,
      async close() {
        try {
          await client.query('COMMIT');
        } finally {
          await client.end();
        }
      },
    };
  } catch (error) {
    await client.end();
    throw error;
  }
}
