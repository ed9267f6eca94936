import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../src/audit/audit.service.js';
import { DIALECTS, createTestDatabase, type TestDatabase } from '../support/databases.js';
import { startTestApp, type TestApp } from '../support/app.js';

describe.each(DIALECTS)('receipts and sessions over time (%s)', (dialect) => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
  });
  afterAll(() => database?.dispose());

  it('still opens old receipts after the Argon2id parameters are raised', async () => {
    const before = await startTestApp(dialect, { database });
    await before.createStaff('handler', { channel: 'general' });
    const old = await before.submitReport({ narrative: 'made under the old parameters' });
    await before.close();

    const after = await startTestApp(dialect, { database, env: { CANDOR_ARGON2_PASSES: '3', CANDOR_ARGON2_MEMORY_KIB: '24576' } });
    try {
      const fresh = await after.submitReport({ narrative: 'made under the new parameters' });
      for (const report of [old, fresh]) {
        const reporter = after.client();
        expect((await reporter.post('/api/v1/reporter/session', { receipt: report.receipt })).status).toBe(204);
        expect((await reporter.get('/api/v1/reporter/case')).body.caseRef).toBe(report.caseRef);
      }
      const history = await after.ctx.db.selectFrom('settings').select('value').where('key', '=', 'receipt_kdf_history').executeTakeFirstOrThrow();
      expect(JSON.parse(history.value)).toEqual([
        { memoryKib: 19456, passes: 2, parallelism: 1 },
        { memoryKib: 24576, passes: 3, parallelism: 1 },
      ]);
    } finally {
      await after.close();
    }
  });

  it('signs out other sessions on a password change, and every session on request', async () => {
    const app = await startTestApp(dialect, { database });
    try {
      const person = await app.createStaff('handler', { channel: 'general' });
      const laptop = await app.signIn(person);
      const phone = await app.signIn(person);
      expect((await laptop.post('/api/v1/auth/password', { currentPassword: person.password, newPassword: 'a new and longer password' })).status).toBe(204);
      expect((await laptop.get('/api/v1/cases')).status).toBe(200);
      expect((await phone.get('/api/v1/cases')).status).toBe(401);

      const tablet = await app.signIn({ ...person, password: 'a new and longer password' });
      expect((await tablet.post('/api/v1/auth/logout-all')).status).toBe(204);
      expect((await laptop.get('/api/v1/cases')).status).toBe(401);
      expect((await tablet.get('/api/v1/cases')).status).toBe(401);
    } finally {
      await app.close();
    }
  });

  it('does not pass an audit log that was emptied', async () => {
    const app = await startTestApp(dialect, { database });
    try {
      expect((await verifyAuditChain(app.ctx.db)).ok).toBe(true);
      if (dialect === 'postgres') {
        await expect(sql`TRUNCATE audit_events`.execute(app.ctx.db)).rejects.toThrow(/append-only/);
        await sql`DROP TRIGGER audit_events_no_truncate ON audit_events`.execute(app.ctx.db);
        await sql`TRUNCATE audit_events`.execute(app.ctx.db);
      } else {
        await sql`DROP TRIGGER audit_events_no_delete`.execute(app.ctx.db);
        await sql`DELETE FROM audit_events`.execute(app.ctx.db);
      }
      const result = await verifyAuditChain(app.ctx.db);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.break?.message).toMatch(/emptied/);
    } finally {
      await app.close();
    }
  });
});

describe('the SQLite file', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp('sqlite');
  });
  afterAll(() => app?.close());

  it('is readable by its owner only', async () => {
    const { statSync } = await import('node:fs');
    expect(statSync(app.database.location).mode & 0o777).toBe(0o600);
  });
});
