import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/databases.js';
import { startTestApp, type TestApp, type TestStaff } from '../support/app.js';

const DAY = 86_400_000;

describe.each(DIALECTS)('a report from intake to reply (%s)', (dialect) => {
  let app: TestApp;
  let handler: TestStaff;

  beforeAll(async () => {
    app = await startTestApp(dialect);
    handler = await app.createStaff('handler', { channel: 'general' });
  });
  afterAll(() => app?.close());

  it('takes a report, gives a receipt and the promised dates, and lets both sides talk', async () => {
    const receivedAt = app.clock.now();
    const submitted = await app.client().post('/api/v1/reports', {
      category: 'sexual-assault',
      narrative: 'On the business trip in March my manager and a client assaulted me.',
      occurredAt: 'around 12 March 2026',
      location: 'business trip',
      anonymity: 'confidential',
      identity: { name: 'Ada Reporter', email: 'ada@example.net' },
    });
    expect(submitted.status).toBe(201);
    expect(submitted.body.receipt).toMatch(/^\d{4}( \d{4}){4}$/);
    expect(submitted.body.caseRef).toMatch(/^CN-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    expect(new Date(submitted.body.acknowledgeBy).getTime() - receivedAt.getTime()).toBe(7 * DAY);
    const feedbackBy = new Date(submitted.body.feedbackBy);
    expect(feedbackBy.getUTCMonth()).toBe((receivedAt.getUTCMonth() + 3) % 12);
    expect(submitted.headers.get('cache-control')).toBe('no-store');

    // The reporter comes back with the receipt (typed without spaces) and writes a message.
    const reporter = app.client();
    const signIn = await reporter.post('/api/v1/reporter/session', { receipt: submitted.body.receipt.replace(/ /g, '') });
    expect(signIn.status).toBe(204);
    expect(signIn.headers.get('set-cookie')).toMatch(/candor_reporter=.*HttpOnly.*SameSite=Strict/i);
    expect((await reporter.post('/api/v1/reporter/messages', { body: 'I have photos of the bruises.' })).status).toBe(201);

    // The handler finds it in the inbox and reads it whole.
    const staff = await app.signIn(handler);
    const list = await staff.get('/api/v1/cases');
    expect(list.status).toBe(200);
    const item = list.body.items.find((entry: { ref: string }) => entry.ref === submitted.body.caseRef);
    expect(item).toMatchObject({ status: 'received', category: 'sexual-assault', overdue: false, acknowledgeBy: submitted.body.acknowledgeBy });

    const detail = await staff.get(`/api/v1/cases/${item.id}`);
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({
      ref: submitted.body.caseRef,
      channel: 'general',
      anonymity: 'confidential',
      narrative: 'On the business trip in March my manager and a client assaulted me.',
      occurredAt: 'around 12 March 2026',
      location: 'business trip',
      reporter: { name: 'Ada Reporter', email: 'ada@example.net', phone: null },
    });
    expect(detail.body.messages.map((m: { from: string; body: string }) => [m.from, m.body])).toEqual([['reporter', 'I have photos of the bruises.']]);

    // Acknowledge, then answer; the reporter sees both.
    const ack = await staff.post(`/api/v1/cases/${item.id}/acknowledge`);
    expect(ack.status).toBe(200);
    expect(ack.body.status).toBe('acknowledged');
    const again = await staff.post(`/api/v1/cases/${item.id}/acknowledge`);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('invalid_transition');
    expect((await staff.post(`/api/v1/cases/${item.id}/messages`, { body: 'Thank you. Please upload them when you can.' })).status).toBe(201);

    const view = await reporter.get('/api/v1/reporter/case');
    expect(view.status).toBe(200);
    expect(view.body).toMatchObject({ caseRef: submitted.body.caseRef, status: 'acknowledged', acknowledgeBy: submitted.body.acknowledgeBy });
    expect(view.body.acknowledgedAt).not.toBeNull();
    expect(view.body.messages.map((m: { from: string; body: string }) => [m.from, m.body])).toEqual([
      ['reporter', 'I have photos of the bruises.'],
      ['handler', 'Thank you. Please upload them when you can.'],
    ]);

    // Signing out ends the session on the server, not only in the browser.
    const cookie = [...reporter.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    expect((await reporter.request('DELETE', '/api/v1/reporter/session')).status).toBe(204);
    expect((await fetch(`${app.baseUrl}/api/v1/reporter/case`, { headers: { cookie } })).status).toBe(401);

    // Every step is in the audit trail of the case.
    const actions = (await app.ctx.db.selectFrom('audit_events').select('action').where('case_id', '=', item.id).orderBy('seq').execute()).map((row) => row.action);
    expect(actions).toEqual(['report.submit', 'reporter.sign_in', 'reporter.message.create', 'case.read', 'case.transition', 'case.message.create', 'reporter.case.read', 'reporter.sign_out']);
  });

  it('refuses a wrong receipt with bad_receipt, and a missing session with 401', async () => {
    const client = app.client();
    for (const receipt of ['1234 5678 9012 3456 7890', 'not a receipt', '']) {
      const result = await client.post('/api/v1/reporter/session', { receipt });
      expect(result.status).toBe(401);
      expect(result.body.error.code).toBe('bad_receipt');
    }
    expect((await client.get('/api/v1/reporter/case')).status).toBe(401);
    expect((await client.get('/api/v1/cases')).body.error.code).toBe('unauthenticated');
  });

  it('takes an account of 60,000 characters whole', async () => {
    const narrative = 'I need to tell this in full. '.repeat(2100).slice(0, 60_000);
    expect(narrative.length).toBe(60_000);
    const submitted = await app.submitReport({ narrative: `${narrative}` });
    const staff = await app.signIn(handler);
    const list = await staff.get('/api/v1/cases?limit=200');
    const item = list.body.items.find((entry: { ref: string }) => entry.ref === submitted.caseRef);
    const detail = await staff.get(`/api/v1/cases/${item.id}`);
    expect(detail.body.narrative).toBe(narrative.trim());
  });

  it('keeps concurrent reports apart: each receipt opens its own report', async () => {
    const reports = await Promise.all(
      Array.from({ length: 12 }, (_, index) => app.submitReport({ narrative: `concurrent report number ${index}` }).then((result) => ({ index, ...result }))),
    );
    expect(new Set(reports.map((report) => report.caseRef)).size).toBe(12);
    const staff = await app.signIn(handler);
    for (const report of reports) {
      const reporter = app.client();
      expect((await reporter.post('/api/v1/reporter/session', { receipt: report.receipt })).status).toBe(204);
      expect((await reporter.get('/api/v1/reporter/case')).body.caseRef).toBe(report.caseRef);
    }
    const all = await staff.get('/api/v1/cases?limit=200');
    for (const report of reports) {
      const item = all.body.items.find((entry: { ref: string }) => entry.ref === report.caseRef);
      expect((await staff.get(`/api/v1/cases/${item.id}`)).body.narrative).toBe(`concurrent report number ${report.index}`);
    }
  });
});
