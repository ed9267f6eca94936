import fs from 'node:fs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadConfig } from '../../src/kernel/config.js';
import { openDatabase } from '../../src/kernel/database.js';
import { runCli } from '../support/cli.js';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../support/databases.js';

describe.each(DIALECTS)('command-line errors an operator can act on (%s)', (dialect) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(dialect);
  });
  afterAll(() => database?.dispose());

  test('audit verify on a database never started migrates it and reports an intact, empty chain', async () => {
    const result = await runCli(['audit', 'verify'], { database });
    expect(result.stderr).not.toMatch(/at .*\.ts:\d+/);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Audit chain intact: 0 entries');
  });

  test('a thread count that is not a whole number from 1 to 64 is refused before anything is read', async () => {
    for (const threads of ['0', 'two', '65']) {
      const result = await runCli(['audit', 'verify', '--threads', threads], { database });
      expect(result.code).not.toBe(0);
      expect(result.stderr).toContain('It must be a whole number from 1 to 64.');
      expect(result.stdout).not.toContain('Audit chain');
    }
    const one = await runCli(['audit', 'verify', '--threads', '1'], { database });
    expect(one.code).toBe(0);
    expect(one.stdout).toContain('Audit chain intact');
  });

  test('a bad channel slug is explained, with usage exit code 2', async () => {
    const result = await runCli(['channel', 'add', '--slug', 'Bad Slug', '--name', 'Bad'], { database });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/lower-case letters, digits and dashes/);
  });

  test('an audit row slipped in below the start of the chain is caught', async () => {
    expect((await runCli(['channel', 'add', '--slug', 'one', '--name', 'One'], { database })).code).toBe(0);
    const handle = openDatabase(loadConfig({ CANDOR_DATABASE_URL: database.url, CANDOR_DATA_DIR: database.dataDir }));
    try {
      const forged = { at: new Date().toISOString(), actor_type: 'system' as const, actor_id: null, action: 'case.read', case_id: null, target_id: null, details: '{}', prev_hash: '0'.repeat(64), hash: '0'.repeat(64) };
      await expect(handle.db.insertInto('audit_events').values({ ...forged, seq: 0 }).execute()).rejects.toThrow(/check/i);
      await expect(handle.db.insertInto('audit_events').values({ ...forged, seq: -7 }).execute()).rejects.toThrow(/check/i);
      if (dialect === 'sqlite') {
        // With the constraint removed (rebuilding the table), verify still reads from the very first row.
        await sql`PRAGMA ignore_check_constraints = ON`.execute(handle.db);
        await handle.db.insertInto('audit_events').values({ ...forged, seq: 0 }).execute();
      }
    } finally {
      await handle.close();
    }
    if (dialect === 'sqlite') {
      const result = await runCli(['audit', 'verify'], { database });
      expect(result.code).not.toBe(0);
      expect(result.stderr).toMatch(/BROKEN at entry #0/);
    }
  });
});

test('an empty sqlite: path is refused', async () => {
  expect(() => loadConfig({ CANDOR_DATABASE_URL: 'sqlite:' })).toThrow(/CANDOR_DATABASE_URL/);
  expect(() => loadConfig({ PORT: '0x50' })).toThrow(/PORT/);
  expect(fs.existsSync('sqlite:')).toBe(false);
});
