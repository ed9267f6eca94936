import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../src/audit/audit.service.js';
import { DIALECTS } from '../support/databases.js';
import { startTestApp, type TestApp, type TestStaff } from '../support/app.js';

/** When the audit entry cannot be written, the read or change it records must fail with it. */
describe.each(DIALECTS)('audit entries commit with what they record (%s)', (dialect) => {
  let app: TestApp;
  let handler: TestStaff;

  async function breakAuditInserts() {
    if (dialect === 'sqlite') {
      await sql`CREATE TRIGGER audit_refuse_insert BEFORE INSERT ON audit_events BEGIN SELECT RAISE(ABORT, 'audit store unavailable'); END`.execute(app.ctx.db);
    } else {
      await sql`CREATE FUNCTION audit_refuse_insert() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit store unavailable'; END $$`.execute(app.ctx.db);
      await sql`CREATE TRIGGER audit_refuse_insert BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION audit_refuse_insert()`.execute(app.ctx.db);
    }
  }
  async function repairAuditInserts() {
    await sql`DROP TRIGGER audit_refuse_insert${dialect === 'postgres' ? sql` ON audit_events` : sql``}`.execute(app.ctx.db);
  }

  beforeAll(async () => {
    app = await startTestApp(dialect);
    handler = await app.createStaff('handler', { channel: 'general' });
  });
  afterAll(() => app?.close());

  it('refuses to show a case whose read cannot be audited, and rolls back changes', async () => {
    const report = await app.submitReport({ narrative: 'SECRET-UNAUDITED-READ' });
    const { id } = await app.ctx.db.selectFrom('cases').select('id').where('ref', '=', report.caseRef).executeTakeFirstOrThrow();
    const staff = await app.signIn(handler);
    const reporter = app.client();
    await reporter.post('/api/v1/reporter/session', { receipt: report.receipt });

    await breakAuditInserts();
    try {
      const read = await staff.get(`/api/v1/cases/${id}`);
      expect(read.status).toBe(500);
      expect(read.body.error.code).toBe('internal_error');
      expect(JSON.stringify(read.body)).not.toContain('SECRET-UNAUDITED-READ');
      expect(JSON.stringify(read.body)).not.toContain('audit store unavailable');

      expect((await staff.post(`/api/v1/cases/${id}/acknowledge`)).status).toBe(500);
      expect((await staff.post(`/api/v1/cases/${id}/messages`, { body: 'hello' })).status).toBe(500);
      expect((await reporter.post('/api/v1/reporter/messages', { body: 'hello' })).status).toBe(500);
      expect((await reporter.get('/api/v1/reporter/case')).status).toBe(500);
      const refused = await app.client().post('/api/v1/reports', { category: 'fraud', narrative: 'not stored', anonymity: 'anonymous' });
      expect(refused.status).toBe(500);

      const row = await app.ctx.db.selectFrom('cases').select(['status', 'acknowledged_at']).where('id', '=', id).executeTakeFirstOrThrow();
      expect(row).toEqual({ status: 'received', acknowledged_at: null });
      expect(await app.ctx.db.selectFrom('case_messages').select('id').execute()).toHaveLength(0);
      expect(await app.ctx.db.selectFrom('cases').select('id').execute()).toHaveLength(1);
    } finally {
      await repairAuditInserts();
    }
    expect((await staff.get(`/api/v1/cases/${id}`)).status).toBe(200);
  });

  it('keeps the chain whole under concurrent writers', async () => {
    await Promise.all(Array.from({ length: 10 }, (_, index) => app.submitReport({ narrative: `parallel ${index}` })));
    const result = await verifyAuditChain(app.ctx.db);
    expect(result.ok).toBe(true);
    const entries = await app.ctx.db.selectFrom('audit_events').select('seq').orderBy('seq').execute();
    expect(entries.map((entry) => Number(entry.seq))).toEqual(entries.map((_, index) => index + 1));
  });

  it('refuses UPDATE and DELETE on the audit log at the database', async () => {
    await expect(app.ctx.db.updateTable('audit_events').set({ action: 'nothing.happened' }).where('seq', '=', 1).execute()).rejects.toThrow(/append-only/);
    await expect(app.ctx.db.deleteFrom('audit_events').where('seq', '=', 1).execute()).rejects.toThrow(/append-only/);
  });
});
