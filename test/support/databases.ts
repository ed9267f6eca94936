import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Dialect } from '../../src/kernel/database.js';

export const DIALECTS: readonly Dialect[] = ['sqlite', 'postgres'];

/** The PostgreSQL server the tests use: the machine's own (trust auth, user postgres). */
export const POSTGRES_ADMIN_URL = process.env.CANDOR_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  dialect: Dialect;
  /** The value for CANDOR_DATABASE_URL (sqlite:FILE or postgres://...). */
  url: string;
  /** The SQLite file, or the PostgreSQL database name. */
  location: string;
  dataDir: string;
  dispose(): Promise<void>;
}

/**
 * A fresh, empty database of the dialect for one test file. A PostgreSQL server that cannot be
 * reached fails the test: storage tests never quietly skip a dialect.
 */
export async function createTestDatabase(dialect: Dialect): Promise<TestDatabase> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `candor-test-${dialect}-`));
  if (dialect === 'sqlite') {
    const file = path.join(dataDir, 'candor.sqlite');
    return {
      dialect,
      url: `sqlite:${file}`,
      location: file,
      dataDir,
      dispose: async () => fs.rmSync(dataDir, { recursive: true, force: true }),
    };
  }
  const name = `candor_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  try {
    await admin.connect();
  } catch (error) {
    throw new Error(`PostgreSQL is not reachable at ${POSTGRES_ADMIN_URL} (${(error as Error).message}). Start it: .ci/run does.`);
  }
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = POSTGRES_ADMIN_URL.replace(/\/[^/]*$/, `/${name}`);
  return {
    dialect,
    url,
    location: name,
    dataDir,
    dispose: async () => {
      const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
