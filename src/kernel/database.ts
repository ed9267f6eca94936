import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, type SqliteDatabase, type Transaction } from 'kysely';
import pg from 'pg';
import type { Config } from './config.js';
import type { Database } from './db-schema.js';

export type Dialect = 'sqlite' | 'postgres';
export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;
/** Either the database or an open transaction: repositories accept both. */
export type Queryable = Kysely<Database>;

export interface DatabaseHandle {
  db: Db;
  dialect: Dialect;
  close(): Promise<void>;
}

/** Opens the configured database: an SQLite file (WAL, foreign keys on, full sync) or a PostgreSQL pool. */
export function openDatabase(config: Pick<Config, 'database'>): DatabaseHandle {
  if (config.database.kind === 'sqlite') {
    // Only Candor's own user may read the database: it holds ciphertext, but also metadata.
    fs.mkdirSync(path.dirname(config.database.file), { recursive: true, mode: 0o700 });
    const sqlite = new BetterSqlite3(config.database.file);
    fs.chmodSync(config.database.file, 0o600);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('foreign_keys = ON');
    // FULL: a report Candor acknowledged survives a power cut, not only a process crash.
    sqlite.pragma('synchronous = FULL');
    sqlite.pragma('busy_timeout = 5000');
    // Deleted content is overwritten with zeros, not left in free pages: shredding a case must leave nothing behind.
    sqlite.pragma('secure_delete = ON');
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
    return { db, dialect: 'sqlite', close: () => db.destroy() };
  }
  const pool = new pg.Pool({
    connectionString: config.database.url,
    max: 10,
    // Counts and sequence numbers come back as int8; they fit a JS number for any real deployment.
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === 20 ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  // An idle connection that the server drops (restart, failover) must not bring the process down;
  // the pool replaces it and the next query reconnects.
  pool.on('error', () => undefined);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, dialect: 'postgres', close: () => db.destroy() };
}

/** How many compiled statements an SQLite connection keeps; Candor issues a few hundred distinct ones. */
const STATEMENT_CACHE_SIZE = 500;

/**
 * Kysely prepares every query afresh; compiling SQL is a large part of a small query's cost on
 * SQLite. The same SQL text reuses its compiled statement (least recently used dropped first),
 * unless that statement is still being iterated.
 */
function withStatementCache(sqlite: BetterSqlite3.Database): SqliteDatabase {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => {
      cache.clear();
      sqlite.close();
    },
    prepare: (text: string) => {
      const cached = cache.get(text);
      if (cached && !cached.busy) {
        cache.delete(text);
        cache.set(text, cached);
        return cached;
      }
      const statement = sqlite.prepare(text);
      if (!cached) {
        cache.set(text, statement);
        if (cache.size > STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
      }
      return statement;
    },
  };
}
