/**
 * The audit chain as verification reads it: the segment and source shapes, and the fast readers
 * of `candor audit verify`, one per dialect. Kept light (no Kysely, no configuration code, each
 * driver loaded only when used), since every verification thread loads it.
 */
import type { Config } from '../kernel/config.js';
import type { AuditChainPage, AuditRow, LinesPage } from './audit.chain.js';

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
 * An SQLite page as one value, bytes rather than text (hashed as they are, never decoded): its
 * lines, joined by the database, each the stored hash (left out unless it is 64 bytes, so that the
 * canonical form always starts at the same place) and the canonical form. The aggregate is not
 * asked to keep the inner order (that would sort every page again); should it not, the page fails
 * the fast check and is read carefully, so the order costs speed at worst, never a wrong verdict.
 */
const SQLITE_PAGE = `SELECT CAST(group_concat(line, char(10)) AS BLOB), count(*), max(seq)
  FROM (SELECT seq, iif(octet_length(hash) = 64, hash, '') || ${SQLITE_CANONICAL} AS line FROM audit_events WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?) page`;

/**
 * A PostgreSQL page through COPY's CSV writer, which with these options writes nearly the
 * canonical form itself: the columns in its order after the stored hash, separated by commas,
 * every string in double quotes with `"` and `\` escaped by a backslash (as JSON does), NULL as
 * null. Only the brackets are missing, and control characters are raw (LinesPage 'csv'). The
 * sequence number comes once more at the end of the line, where the page's last one can always be
 * read: it is the last thing COPY writes.
 */
const POSTGRES_CSV_COLUMNS = `hash, 'candor-audit-v1' AS tag, prev_hash, seq, at, actor_type, actor_id, action, case_id, target_id, details, seq AS last`;
const POSTGRES_CSV_OPTIONS = `FORMAT csv, DELIMITER ',', QUOTE '"', ESCAPE E'\\\\', NULL 'null', FORCE_QUOTE (hash, tag, prev_hash, at, actor_type, actor_id, action, case_id, target_id, details)`;

/**
 * About how many bytes a PostgreSQL page holds: what the connection's buffers take in while the
 * page before is checked. The server then writes the next page while this one is checked; a page
 * much larger stalls it until Candor reads again, and halves the speed.
 */
const POSTGRES_PAGE_BYTES = 320 * 1024;

/**
 * The chain read for verification at full speed, on a connection of its own inside one read
 * transaction, so the walk sees one consistent chain while Candor keeps writing. SQLite builds
 * each entry's canonical form and joins a page of them into one text: one value crosses into
 * JavaScript per page instead of ten per entry. PostgreSQL builds JSON slowly, but its CSV writer
 * is fast and, told how, writes all of a canonical form but its brackets; `snapshot` makes several
 * readers see the very same chain (pg_export_snapshot), and the next page is asked for while the
 * current one is checked. Either way the verifier hashes every entry itself, from bytes that are
 * never decoded. Dialect-specific on purpose: it is what makes `candor audit verify` fast.
 */
export async function openAuditChainReader(database: Config['database'], options: { snapshot?: string; pageSize?: number } = {}): Promise<AuditChainSource> {
  if (database.kind === 'sqlite') {
    // One value per page, built in SQLite's C.
    const pageSize = options.pageSize ?? 10_000;
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
  // Pages of about POSTGRES_PAGE_BYTES: entries as many as the last page's lines were long allows.
  let pageSize = options.pageSize ?? 1000;
  const { to: copyTo } = await import('pg-copy-streams');
  const client = await connectPostgres(database.url);
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    if (options.snapshot) await client.query(`SET TRANSACTION SNAPSHOT ${client.escapeLiteral(options.snapshot)}`);
    // A page is the next entries in the key's order: walked along the index, never sorted. Without
    // statistics (a chain just restored or moved, not yet analysed) the planner would rather sort
    // all the rest of the stretch for every page, which makes a walk quadratic.
    await client.query('SET LOCAL enable_sort = off; SET LOCAL enable_bitmapscan = off; SET LOCAL enable_seqscan = off');
  } catch (error) {
    await client.end();
    throw error;
  }
  /** The page after `after`, and whether there may be more (it is as long as was asked). */
  const page = async (after: number, upTo: number): Promise<{ lines: LinesPage; more: boolean } | null> => {
    const limit = pageSize;
    // COPY takes no parameters; the bounds are numbers Candor computed.
    if (![after, upTo, limit].every(Number.isSafeInteger)) throw new Error('audit chain page bounds must be whole numbers');
    const stream = client.query(
      copyTo(`COPY (SELECT ${POSTGRES_CSV_COLUMNS} FROM audit_events WHERE seq > ${after} AND seq <= ${upTo} ORDER BY seq LIMIT ${limit}) TO STDOUT WITH (${POSTGRES_CSV_OPTIONS})`),
    );
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    const count = stream.rowCount;
    if (count === 0) return null;
    // Without the last line break; the last line ends in the last entry's sequence number.
    const data = Buffer.concat(chunks).subarray(0, -1);
    const lastSeq = Number(data.toString('latin1', data.lastIndexOf(0x2c) + 1));
    if (!Number.isSafeInteger(lastSeq)) throw new Error('audit chain page does not end in a sequence number');
    if (options.pageSize === undefined) pageSize = Math.max(100, Math.min(10_000, Math.floor((POSTGRES_PAGE_BYTES * count) / data.length)));
    return { lines: { data, count, lastSeq, form: 'csv' }, more: count === limit };
  };
  return {
    async *pages(segment) {
      const upTo = segment.upTo ?? HIGHEST_SEQ;
      let current = await page(segment.after ?? LOWEST_SEQ, upTo);
      while (current) {
        const upcoming = current.more ? page(current.lines.lastSeq, upTo) : null;
        // Keep the next page's promise handled while this one is checked.
        upcoming?.catch(() => undefined);
        yield current.lines;
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
