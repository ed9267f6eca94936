/**
 * A fresh database per bench run: an SQLite file in a temp directory, or a PostgreSQL database
 * created for the run and dropped after it (the same server the tests use).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Dialect } from '../../src/kernel/database.js';
import { undoOnInterrupt } from './cleanup.js';

export const POSTGRES_ADMIN_URL =
  process.env.BENCH_POSTGRES_URL ?? process.env.CANDOR_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface BenchDatabase {
  dialect: Dialect;
  /** The value for CANDOR_DATABASE_URL. */
  url: string;
  /** CANDOR_DATA_DIR; also holds the server's log. */
  dataDir: string;
  dispose(): Promise<void>;
}

async function withAdmin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(`PostgreSQL is not reachable at ${POSTGRES_ADMIN_URL} (${(error as Error).message}); set BENCH_POSTGRES_URL or BENCH_DIALECTS=sqlite.`);
  }
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export async function createBenchDatabase(dialect: Dialect, purpose: string): Promise<BenchDatabase> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `candor-bench-${purpose}-${dialect}-`));
  const keep = process.env.BENCH_KEEP_DATA === '1';
  const removeDir = async () => {
    if (!keep) fs.rmSync(dataDir, { recursive: true, force: true });
  };
  if (dialect === 'sqlite') {
    const forget = undoOnInterrupt(removeDir);
    return {
      dialect,
      url: `sqlite:${path.join(dataDir, 'candor.sqlite')}`,
      dataDir,
      dispose: async () => {
        forget();
        await removeDir();
      },
    };
  }
  const name = `candor_bench_${purpose}_${randomBytes(4).toString('hex')}`;
  try {
    await withAdmin((client) => client.query(`CREATE DATABASE ${name}`));
  } catch (error) {
    await removeDir();
    throw error;
  }
  const drop = async () => {
    if (!keep) await withAdmin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    await removeDir();
  };
  const forget = undoOnInterrupt(drop);
  return {
    dialect,
    url: POSTGRES_ADMIN_URL.replace(/\/[^/]*$/, `/${name}`),
    dataDir,
    dispose: async () => {
      forget();
      await drop();
    },
  };
}
