/**
 * `candor demo` fills a fresh installation with an organisation, staff and cases in every state the
 * case API offers, on SQLite and PostgreSQL; it refuses an installation with accounts unless forced.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../src/audit/audit.service.js';
import { CASE_STATUSES } from '../../src/cases/case.rules.js';
import { DEMO_PASSWORD, runDemo, type DemoResult } from '../../src/setup/demo.service.js';
import { API_ROUTES } from '../../src/server.js';
import { DIALECTS } from '../support/databases.js';
import { startTestApp, type TestApp } from '../support/app.js';

describe.each(DIALECTS)('candor demo (%s)', (dialect) => {
  let app: TestApp;
  let result: DemoResult;

  beforeAll(async () => {
    app = await startTestApp(dialect);
    await app.createStaff('admin', { email: 'existing-admin@example.org' });
    await expect(runDemo(app.ctx)).rejects.toMatchObject({ code: 'has_accounts' });
    result = await runDemo(app.ctx, { force: true });
  });
  afterAll(() => app?.close());

  it('reaches every state the case API lets it reach', async () => {
    const hasLifecycle = API_ROUTES.some((spec) => spec.url === '/api/v1/cases/:id/transitions');
    const reached = Object.keys(result.casesByStatus);
    expect(reached).toEqual(expect.arrayContaining(['received', 'acknowledged']));
    if (hasLifecycle) {
      expect(result.skipped).toEqual([]);
      expect(result.unreached).toEqual([]);
      expect(reached.sort()).toEqual([...CASE_STATUSES].sort());
    }
    const total = Object.values(result.casesByStatus).reduce((sum, count) => sum + count, 0);
    expect(total).toBe(result.cases);
    expect(await app.ctx.db.selectFrom('cases').select('id').execute()).toHaveLength(result.cases);
  });

  it('makes accounts that sign in with the printed password and see their cases, and an admin who sees none', async () => {
    expect(result.users.map((user) => user.role).sort()).toEqual(['admin', 'analyst', 'counselor', 'handler', 'handler', 'oversight']);
    const handler = result.users.find((user) => user.email.startsWith('hana'))!;
    const client = await app.signIn({ id: '', email: handler.email, password: DEMO_PASSWORD, recoveryKey: '', role: 'handler' });
    const inbox = await client.get('/api/v1/cases?limit=200');
    expect(inbox.status).toBe(200);
    expect(inbox.body.items.length).toBeGreaterThan(3);
    // Some cases are old enough to be overdue: the inbox shows the clocks working.
    expect(inbox.body.items.some((item: { overdue: boolean }) => item.overdue)).toBe(true);

    const admin = await app.signIn({ id: '', email: result.users.find((user) => user.role === 'admin')!.email, password: DEMO_PASSWORD, recoveryKey: '', role: 'admin' });
    expect((await admin.get('/api/v1/cases')).body.items).toEqual([]);
  });

  it('keeps the audit chain whole, with cases dated over the past months', async () => {
    expect((await verifyAuditChain(app.ctx.db)).ok).toBe(true);
    const oldest = await app.ctx.db.selectFrom('cases').select('received_at').orderBy('received_at').executeTakeFirstOrThrow();
    expect(app.clock.now().getTime() - new Date(oldest.received_at).getTime()).toBeGreaterThan(90 * 86_400_000);
    const newest = await app.ctx.db.selectFrom('audit_events').select('at').orderBy('at', 'desc').executeTakeFirstOrThrow();
    expect(newest.at <= app.clock.now().toISOString()).toBe(true);
  });
});
