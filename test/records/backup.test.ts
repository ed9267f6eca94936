/**
 * Backup and restore on both dialects, through the command line: back up a running installation,
 * wipe it (database, attachment files, key files), restore, and the reporter's receipt and the
 * handler's password still open the same case, its messages and its evidence; a second restore
 * into the now non-empty database is refused. And `candor migrate-store` moves a SQLite
 * installation onto PostgreSQL with nothing lost.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../src/audit/audit.service.js';
import { listTables } from '../../src/records/schema-graph.repository.js';
import { startTestApp, TEST_PASSWORD, type TestApp } from '../support/app.js';
import { runCli } from '../support/cli.js';
import { createTestDatabase, DIALECTS, POSTGRES_ADMIN_URL, type TestDatabase } from '../support/databases.js';
import type { HttpClient } from '../support/http-client.js';

const cookieOf = (client: HttpClient) => [...client.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
const keyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'candor-backup-keys-'));
afterAll(() => fs.rmSync(keyDir, { recursive: true, force: true }));

/** An installation with one case: a message from the reporter, one from the handler, and a file. */
async function installationWithCase(app: TestApp) {
  const handler = await app.createStaff('handler', { channel: 'general', email: `hana-${app.dialect}@example.org` });
  const staff = await app.signIn(handler);
  const submitted = await app.submitReport({ narrative: 'ZQXBACKUP what happened in the lift' });
  const reporter = app.client();
  await reporter.post('/api/v1/reporter/session', { receipt: submitted.receipt });
  await reporter.post('/api/v1/reporter/messages', { body: 'ZQXBACKUP a message' });
  const form = new FormData();
  form.append('files', new Blob([Buffer.from('evidence kept in the backup')], { type: 'text/plain' }), 'evidence.txt');
  expect((await fetch(`${app.baseUrl}/api/v1/reporter/attachments`, { method: 'POST', body: form, headers: { cookie: cookieOf(reporter) } })).status).toBe(201);
  const caseId: string = (await staff.get('/api/v1/cases')).body.items[0].id;
  await staff.post(`/api/v1/cases/${caseId}/messages`, { body: 'ZQXBACKUP a reply' });
  return { handler, receipt: submitted.receipt, caseId };
}

/** What a handler and the reporter can open of the case. */
async function openCase(app: TestApp, email: string, receipt: string, caseId: string) {
  const staff = await app.signIn({ id: '', email, password: TEST_PASSWORD, recoveryKey: '', role: 'handler' });
  const detail = await staff.get(`/api/v1/cases/${caseId}`);
  const reporter = app.client();
  expect((await reporter.post('/api/v1/reporter/session', { receipt })).status).toBe(204);
  const own = await reporter.get('/api/v1/reporter/case');
  const file = await fetch(`${app.baseUrl}/api/v1/cases/${caseId}/attachments/${detail.body.attachments[0].id}`, { headers: { cookie: cookieOf(staff) } });
  return { narrative: detail.body.narrative, messages: own.body.messages.map((message: { body: string }) => message.body), file: await file.text() };
}

/** Whether an ANALYZE has run on each table (last_analyze: autovacuum's own runs are counted apart). */
async function analysed(app: TestApp, tables: string[]): Promise<boolean[]> {
  const result = await sql<{ relname: string; last_analyze: Date | null }>`SELECT relname, last_analyze FROM pg_stat_user_tables`.execute(app.ctx.db);
  return tables.map((table) => result.rows.some((row) => row.relname === table && row.last_analyze !== null));
}

async function wipe(database: TestDatabase): Promise<void> {
  if (database.dialect === 'sqlite') {
    for (const suffix of ['', '-wal', '-shm']) fs.rmSync(`${database.location}${suffix}`, { force: true });
  } else {
    const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
    await admin.connect();
    await admin.query(`DROP DATABASE ${database.location} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${database.location}`);
    await admin.end();
  }
  for (const name of ['attachments', 'escrow.key', 'signing.key', 'notify-address.key']) fs.rmSync(path.join(database.dataDir, name), { recursive: true, force: true });
}

describe.each(DIALECTS)('backup and restore (%s)', (dialect) => {
  it('backs up, wipes, restores: the receipt and the password open the same case; a non-empty target is refused', { timeout: 300_000 }, async () => {
    const database = await createTestDatabase(dialect);
    try {
      let app = await startTestApp(dialect, { database });
      const { handler, receipt, caseId } = await installationWithCase(app);
      const before = await openCase(app, handler.email, receipt, caseId);
      expect(before.file).toBe('evidence kept in the backup');
      const privateKey = path.join(keyDir, `${dialect}-backup.key`);
      const keygen = await runCli(['backup', 'keygen', '--out', privateKey], { database });
      expect(keygen.code, keygen.stderr).toBe(0);
      const file = path.join(keyDir, `${dialect}.candor-backup`);
      // Online: the server keeps running while the backup is taken.
      const made = await runCli(['backup', file], { database });
      expect([made.code, made.stderr]).toEqual([0, '']);
      expect(fs.readFileSync(file).includes(Buffer.from('ZQXBACKUP'))).toBe(false);
      expect(fs.readFileSync(file).includes(Buffer.from('evidence kept'))).toBe(false);
      await app.close();

      await wipe(database);
      const restored = await runCli(['restore', file, '--key', privateKey], { database });
      expect([restored.code, restored.stderr]).toEqual([0, '']);
      app = await startTestApp(dialect, { database });
      try {
        expect(await openCase(app, handler.email, receipt, caseId)).toEqual(before);
        expect((await verifyAuditChain(app.ctx.db)).ok).toBe(true);
        if (dialect === 'postgres') expect(await analysed(app, ['cases', 'audit_events', 'case_access'])).toEqual([true, true, true]);
        // A new report still gets fresh ids after the restore (sequences moved past the copied rows).
        await app.submitReport({ narrative: 'after the restore' });
      } finally {
        await app.close();
      }
      const again = await runCli(['restore', file, '--key', privateKey], { database });
      expect([again.code, again.stderr]).toEqual([1, expect.stringContaining('not empty')]);
      const wrongKey = path.join(keyDir, `${dialect}-other.key`);
      await runCli(['backup', 'keygen', '--out', wrongKey], { database: { ...database, dataDir: fs.mkdtempSync(path.join(keyDir, 'x-')) } });
      const refused = await runCli(['restore', file, '--key', wrongKey], { database });
      expect([refused.code, refused.stderr]).toEqual([1, expect.stringContaining('was made for the backup key')]);
    } finally {
      await database.dispose();
    }
  });
});

describe('candor migrate-store', () => {
  it('moves a SQLite installation onto PostgreSQL: same counts, the case opens, the audit chain verifies', { timeout: 300_000 }, async () => {
    const sqlite = await createTestDatabase('sqlite');
    const postgres = await createTestDatabase('postgres');
    try {
      let app = await startTestApp('sqlite', { database: sqlite });
      const { handler, receipt, caseId } = await installationWithCase(app);
      const before = await openCase(app, handler.email, receipt, caseId);
      const counts = new Map<string, number>();
      for (const table of await listTables(app.ctx.db, 'sqlite')) {
        const row = await app.ctx.db.selectFrom(table as 'cases').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
        counts.set(table, Number(row.n));
      }
      await app.close();
      const moved = await runCli(['migrate-store', '--to', postgres.url], { database: sqlite });
      expect([moved.code, moved.stderr]).toEqual([0, '']);
      expect(moved.stdout).toContain('the audit chain verifies on PostgreSQL');
      // The same data directory (key files, attachments), now on PostgreSQL.
      app = await startTestApp('postgres', { database: { ...postgres, dataDir: sqlite.dataDir } });
      try {
        for (const [table, n] of counts) {
          const row = await app.ctx.db.selectFrom(table as 'cases').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
          expect(Number(row.n), table).toBe(n);
        }
        expect((await verifyAuditChain(app.ctx.db)).ok).toBe(true);
        expect(await analysed(app, ['cases', 'audit_events', 'case_access'])).toEqual([true, true, true]);
        expect(await openCase(app, handler.email, receipt, caseId)).toEqual(before);
      } finally {
        await app.close();
      }
      const twice = await runCli(['migrate-store', '--to', postgres.url], { database: sqlite });
      expect([twice.code, twice.stderr]).toEqual([1, expect.stringContaining('not empty')]);
    } finally {
      await sqlite.dispose();
      await postgres.dispose();
    }
  });
});
