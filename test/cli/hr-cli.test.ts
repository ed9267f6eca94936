/** `candor directory import`, `candor token create` and `candor hr-events import`, as an operator runs them, on both databases. */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadConfig } from '../../src/kernel/config.js';
import { openDatabase } from '../../src/kernel/database.js';
import { runCli } from '../support/cli.js';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../support/databases.js';

describe.each(DIALECTS)('the HR commands (%s)', (dialect) => {
  let database: TestDatabase;
  const file = (name: string, text: string) => {
    const where = path.join(database.dataDir, name);
    fs.writeFileSync(where, text);
    return where;
  };
  beforeAll(async () => {
    database = await createTestDatabase(dialect);
  });
  afterAll(() => database?.dispose());

  test('imports a directory: a dry run changes nothing, the import adds, updates and deactivates', async () => {
    const first = file('first.csv', 'employee_id,name,email,department,manager_id\nE1,Mark Manager,mark@corp.example,Sales,E2\nE2,"Boss, Mona",mona@corp.example,Sales,\nE3,Una,una@corp.example,IT,E2\n');
    const dry = await runCli(['directory', 'import', first, '--dry-run'], { database });
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('Dry run: nothing was changed');
    expect(dry.stdout).toMatch(/added: 3\n  E1, E2, E3/);
    const handle = openDatabase(loadConfig({ CANDOR_DATABASE_URL: database.url, CANDOR_DATA_DIR: database.dataDir }));
    try {
      expect(await handle.db.selectFrom('directory_employees').selectAll().execute()).toEqual([]);
      expect((await runCli(['directory', 'import', first], { database })).code).toBe(0);
      const second = file('second.csv', 'id,name,email,department,manager_id\nE1,Mark Manager,mark@corp.example,Sales,E3\nE2,"Boss, Mona",mona@corp.example,Sales,\n');
      const again = await runCli(['directory', 'import', second, '--json'], { database });
      expect(JSON.parse(again.stdout)).toMatchObject({ dryRun: false, added: [], updated: ['E1'], unchanged: 1, deactivated: ['E3'] });
      const rows = await handle.db.selectFrom('directory_employees').select(['id', 'name', 'manager_id', 'active']).orderBy('id').execute();
      expect(rows).toEqual([
        { id: 'E1', name: 'Mark Manager', manager_id: 'E3', active: 1 },
        { id: 'E2', name: 'Boss, Mona', manager_id: null, active: 1 },
        { id: 'E3', name: 'Una', manager_id: 'E2', active: 0 },
      ]);
      const bad = await runCli(['directory', 'import', file('bad.csv', 'id,name\nE1,\nE1,X\n')], { database });
      expect(bad.code).toBe(1);
      expect(bad.stderr).toContain('line 2: name is required');

      // A token is shown once and stored as a hash only.
      const token = await runCli(['token', 'create', '--role', 'hr-system', '--name', 'Workday', '--json'], { database });
      expect(token.code).toBe(0);
      const { token: secret } = JSON.parse(token.stdout) as { token: string };
      expect(secret).toMatch(/^cndr_/);
      const stored = await handle.db.selectFrom('api_tokens').selectAll().execute();
      expect(stored).toHaveLength(1);
      expect(Buffer.from(stored[0]!.token_hash).includes(secret)).toBe(false);
      expect((await runCli(['token', 'create', '--role', 'handler', '--name', 'x'], { database })).code).not.toBe(0);

      // HR events from a file: recorded, nobody protected, so none flagged.
      const events = await runCli(['hr-events', 'import', file('events.csv', 'employee_id,type,effective_at,event_id\nE1,termination,2026-12-01,A1\nE2,Pay Cut,,A2\n')], { database });
      expect([events.code, events.stdout.trim()]).toEqual([0, 'Recorded 2 HR event(s) (0 seen before). 0 need clearance and were sent to oversight for review.']);
      const repeat = await runCli(['hr-events', 'import', file('events2.csv', 'employee_id,type,event_id\nE1,termination,A1\n'), '--json'], { database });
      expect(JSON.parse(repeat.stdout)).toEqual({ events: 1, flagged: 0, duplicates: 1 });
      expect((await runCli(['hr-events', 'import', file('bad-events.csv', 'employee_id,type\nE1,promotion\n')], { database })).stderr).toContain('type must be one of');
      expect((await handle.db.selectFrom('hr_events').select(['employee_id', 'type', 'status']).orderBy('employee_id').execute())).toEqual([
        { employee_id: 'E1', type: 'termination', status: 'recorded' },
        { employee_id: 'E2', type: 'pay_cut', status: 'recorded' },
      ]);
    } finally {
      await handle.close();
    }
  }, 300_000);
});
