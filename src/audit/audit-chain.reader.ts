/**
 * The audit chain as verification reads it: the segment and source shapes, and the fast readers
 * of `candor audit verify`, one per dialect. Kept light (no Kysely, no configuration code, each
 * driver loaded only when used), since every verification thread loads it.
 */
import type { Client as PostgresClient } from 'pg';
import type { Config } from '../kernel/config.js';
import { csvLineSeq, type AuditChainPage, type AuditRow, type LinesPage } from './audit.chain.js';
import { CopyLines, type CopyPage } from './audit-chain.copy.js';

/** A stretch of the chain by sequence number: the entries after `after`, up to and including `upTo` (null: no bound). */
export interface ChainSegment {
  after: number | null;
  upTo: number | null;
}

/**
 * A stretch of the audit table as PostgreSQL stores it: the rows in its blocks from `fromBlock` up
 * to `toBlock` (not included; null: to the end), in the order they are stored. Entries are
 * appended in key order, so they are mostly stored in it too; a stretch read this way costs the
 * server no index, but it verifies only where they are.
 */
export interface StoredStretch {
  fromBlock: number;
  toBlock: number | null;
}

/** What verification reads the chain through: the portable reader, or a dialect's fast one. */
export interface AuditChainSource {
  /** The segment's entries in order, a page at a time. */
  pages(segment: ChainSegment): AsyncIterable<AuditChainPage>;
  /**
   * PostgreSQL's reader only: the chain cut into stored stretches of about `length` entries
   * (Infinity: one), or null where the server cannot read a block range on its own (before 14).
   */
  storedStretches?(length: number): Promise<StoredStretch[] | null>;
  /** The stretch's rows in the order they are stored, a page at a time. */
  storedPages?(stretch: StoredStretch): AsyncIterable<LinesPage>;
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
 * An SQLite page as one value, bytes rather than text (hashed as they are, never decoded): its
 * lines, joined by the database, each the stored hash (left out unless it is 64 bytes, so that the
 * canonical form always starts at the same place) and the canonical form. The aggregate is not
 * asked to keep the inner order (that would sort every page again); should it not, the page fails
 * the fast check and is read carefully, so the order costs speed at worst, never a wrong verdict.
 */
const SQLITE_PAGE = `SELECT CAST(group_concat(line, char(10)) AS BLOB), count(*), max(seq)
  FROM (SELECT seq, iif(octet_length(hash) = 64, hash, '') || ${SQLITE_CANONICAL} AS line FROM audit_events WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?) page`;

/** Entries in an SQLite page: 2,000 (about 640 KiB) verify a tenth faster than 10,000. */
const SQLITE_PAGE_ENTRIES = 2000;

/**
 * The columns PostgreSQL's COPY writes for a line, in CSV with these options: the stored hash,
 * then the canonical form's fields after its tag, separated by commas, every string in double
 * quotes with `"` and `\` escaped by a backslash (as JSON does), NULL as null (LinesPage 'csv').
 */
const POSTGRES_CSV_COLUMNS = 'hash, prev_hash, seq, at, actor_type, actor_id, action, case_id, target_id, details';
const POSTGRES_CSV_OPTIONS = `FORMAT csv, DELIMITER ',', QUOTE '"', ESCAPE E'\\\\', NULL 'null', FORCE_QUOTE (hash, prev_hash, at, actor_type, actor_id, action, case_id, target_id, details)`;

/** About how many bytes a PostgreSQL page holds: a stretch streams in pages of whole lines (CopyLines). */
const POSTGRES_PAGE_BYTES = 256 * 1024;

/** The first PostgreSQL (server_version_num) that reads a range of a table's blocks without scanning the rest (a TID range scan). */
const TID_RANGE_SCANS_FROM = 140_000;

/**
 * The chain read for verification at full speed, on a connection of its own inside one read
 * transaction, so the walk sees one consistent chain while Candor keeps writing. SQLite builds
 * each entry's canonical form and joins a page of them into one text: one value crosses into
 * JavaScript per page instead of ten per entry. PostgreSQL builds JSON slowly, but its CSV writer
 * is fast and, told how, writes nearly all of a canonical form; each stretch is one COPY
 * statement, streamed in pages while the verifier checks the ones before (CopyLines), and a
 * careful read meanwhile goes through a second connection. `snapshot` makes several readers see
 * the very same chain (pg_export_snapshot). Either way the verifier hashes every entry itself,
 * from bytes that are never decoded. Dialect-specific on purpose: it is what makes
 * `candor audit verify` fast.
 */
export async function openAuditChainReader(database: Config['database'], options: { snapshot?: string; pageSize?: number } = {}): Promise<AuditChainSource> {
  if (database.kind === 'sqlite') {
    // One value per page, built in SQLite's C. A page of SQLITE_PAGE_ENTRIES is copied three times on its way (joined, cast, handed over): small enough to stay in the processor's cache.
    const pageSize = options.pageSize ?? SQLITE_PAGE_ENTRIES;
    const { default: BetterSqlite3 } = await import('better-sqlite3');
    const sqlite = new BetterSqlite3(database.file, { readonly: true, fileMustExist: true });
    sqlite.pragma('busy_timeout = 5000');
    // Pages straight from the file's mapping rather than a read call each (up to the first GiB).
    sqlite.pragma(`mmap_size = ${2 ** 30}`);
    const page = sqlite.prepare(SQLITE_PAGE).raw(true);
    // The entries' columns, at most as many as asked (-1: all).
    const between = sqlite.prepare(`SELECT ${CHAIN_COLUMNS} FROM audit_events WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?`).raw(true);
    const head = sqlite.prepare('SELECT max(seq) FROM audit_events').pluck();
    sqlite.exec('BEGIN');
    return {
      async *pages(segment) {
        const upTo = segment.upTo ?? HIGHEST_SEQ;
        let after = segment.after ?? LOWEST_SEQ;
        for (;;) {
          let lines: [Buffer | null, number, number | null];
          try {
            lines = page.get(after, upTo, pageSize) as typeof lines;
          } catch (error) {
            // json_array refuses a BLOB, which only someone writing to the file by hand can have put
            // in a column: that page is read as columns, and the careful check names the entry.
            if (!(error instanceof Error && /JSON cannot hold BLOB values/.test(error.message))) throw error;
            const rows = between.all(after, upTo, pageSize) as AuditRow[];
            yield { rows, lastSeq: rows[rows.length - 1]![0] };
            if (rows.length < pageSize) return;
            after = rows[rows.length - 1]![0];
            continue;
          }
          const [data, count, lastSeq] = lines;
          if (count === 0 || data === null || lastSeq === null) return;
          yield { data, count, lastSeq, form: 'joined' };
          if (count < pageSize) return;
          after = lastSeq;
        }
      },
      rows: async (after, upTo) => between.all(after, upTo, -1) as AuditRow[],
      headSeq: async () => Number(head.get() ?? 0),
      async close() {
        sqlite.exec('COMMIT');
        sqlite.close();
      },
    };
  }
  const client = await connectPostgres(database.url);
  let snapshot = options.snapshot;
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    if (snapshot) await client.query(`SET TRANSACTION SNAPSHOT ${client.escapeLiteral(snapshot)}`);
    // Else this reader's own snapshot, for the careful reads on a second connection.
    else snapshot = (await client.query<{ id: string }>('SELECT pg_export_snapshot() AS id')).rows[0]!.id;
    // A stretch is walked along the key's index, never sorted. Without statistics (a chain just
    // restored or moved, not yet analysed) the planner may rather sort all of it first. And the
    // table read as stored starts at its first block: a large table's scan otherwise joins one
    // already running, or starts where the last one stopped, and wraps around.
    await client.query('SET LOCAL enable_sort = off; SET LOCAL enable_bitmapscan = off; SET LOCAL enable_seqscan = off; SET LOCAL synchronize_seqscans = off');
  } catch (error) {
    await client.end();
    throw error;
  }
  const exported = snapshot;
  // The careful reads come while a stretch is still streaming on `client`: a second connection, on the same snapshot, opened when first needed.
  let careful: Promise<PostgresClient> | null = null;
  const carefulClient = () =>
    (careful ??= (async () => {
      const other = await connectPostgres(database.url);
      try {
        await other.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
        await other.query(`SET TRANSACTION SNAPSHOT ${other.escapeLiteral(exported)}`);
        return other;
      } catch (error) {
        await other.end();
        throw error;
      }
    })());
  const limits = { bytes: POSTGRES_PAGE_BYTES, rows: options.pageSize ?? Number.MAX_SAFE_INTEGER };
  // The statement streaming on `client`, if any: one still running when the reader closes is cut off with the connection.
  let copy: CopyLines | null = null;
  async function* copyPages(statement: string): AsyncGenerator<LinesPage> {
    copy = new CopyLines(`COPY ${statement} TO STDOUT WITH (${POSTGRES_CSV_OPTIONS})`, limits);
    client.query(copy);
    for await (const page of copy.pages()) yield linesOf(page);
  }
  return {
    pages(segment) {
      const after = segment.after ?? LOWEST_SEQ;
      const upTo = segment.upTo ?? HIGHEST_SEQ;
      // COPY takes no parameters; the bounds are numbers Candor computed.
      if (![after, upTo].every(Number.isSafeInteger)) throw new Error('audit chain stretch bounds must be whole numbers');
      return copyPages(`(SELECT ${POSTGRES_CSV_COLUMNS} FROM audit_events WHERE seq > ${after} AND seq <= ${upTo} ORDER BY seq)`);
    },
    async storedStretches(length) {
      const { rows } = await client.query<[string, string, string | null]>({
        text: `SELECT pg_relation_size('audit_events') / current_setting('block_size')::bigint, current_setting('server_version_num'), max(seq) FROM audit_events`,
        rowMode: 'array',
      });
      const [blocks, version, head] = [Number(rows[0]![0]), Number(rows[0]![1]), Number(rows[0]![2] ?? 0)];
      const count = Math.max(1, Math.min(blocks, Math.round(head / length)));
      if (count === 1) return [{ fromBlock: 0, toBlock: null }];
      if (version < TID_RANGE_SCANS_FROM) return null;
      return Array.from({ length: count }, (_, index) => ({
        fromBlock: Math.floor((blocks * index) / count),
        toBlock: index === count - 1 ? null : Math.floor((blocks * (index + 1)) / count),
      }));
    },
    storedPages({ fromBlock, toBlock }) {
      if (![fromBlock, toBlock ?? 0].every(Number.isSafeInteger)) throw new Error('audit table block bounds must be whole numbers');
      // The whole table: COPY reads it straight, as stored. A range: the rows whose place (ctid) is in those blocks.
      if (fromBlock === 0 && toBlock === null) return copyPages(`audit_events (${POSTGRES_CSV_COLUMNS})`);
      const upTo = toBlock === null ? '' : ` AND ctid < '(${toBlock},0)'::tid`;
      return copyPages(`(SELECT ${POSTGRES_CSV_COLUMNS} FROM audit_events WHERE ctid >= '(${fromBlock},0)'::tid${upTo})`);
    },
    async rows(after, upTo) {
      const result = await (await carefulClient()).query<AuditRow>({ text: `SELECT ${CHAIN_COLUMNS} FROM audit_events WHERE seq > $1 AND seq <= $2 ORDER BY seq`, values: [after, upTo], rowMode: 'array' });
      for (const row of result.rows) row[0] = Number(row[0]);
      return result.rows;
    },
    async headSeq() {
      const result = await client.query<[string | null]>({ text: 'SELECT max(seq) FROM audit_events', rowMode: 'array' });
      return Number(result.rows[0]![0] ?? 0);
    },
    async close() {
      const other = careful && (await careful.catch(() => null));
      try {
        await other?.query('COMMIT');
        // Nothing was written: a statement still streaming is not waited for.
        if (!copy || copy.finished) await client.query('COMMIT');
      } finally {
        await other?.end();
        await client.end();
      }
    },
  };
}

/** A page of COPY's lines as the verifier takes it: its last entry's sequence number read from its last line. */
function linesOf(page: CopyPage): LinesPage {
  const lastSeq = csvLineSeq(page.data, page.lastLineAt);
  if (!Number.isSafeInteger(lastSeq)) throw new Error('an audit chain line from PostgreSQL is not in the shape asked for');
  return { data: page.data, count: page.count, lastSeq, form: 'csv' };
}

async function connectPostgres(url: string): Promise<PostgresClient> {
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
