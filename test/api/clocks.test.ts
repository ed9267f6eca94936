/**
 * Every case clock through the real API and the real scheduler, months of clock in milliseconds
 * with the test app's ManualClock: warnings at 50% and 80%, breach, escalation up the ladder,
 * pauses, policies per category, and what the reporter sees.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../src/audit/audit.service.js';
import { candorSchedulerOptions } from '../../src/jobs/candor-jobs.js';
import { createScheduler, type Scheduler } from '../../src/jobs/scheduler.js';
import { NO_DEADLINE } from '../../src/kernel/clock.js';
import { startTestApp, type TestApp, type TestStaff } from '../support/app.js';
import { DIALECTS } from '../support/databases.js';
import type { HttpClient } from '../support/http-client.js';

const DAY = 86_400_000;

describe.each(DIALECTS)('case clocks (%s)', (dialect) => {
  let app: TestApp;
  let scheduler: Scheduler;
  let handler: TestStaff;
  let lead: TestStaff;
  let oversight: TestStaff;
  let adminUser: TestStaff;
  /** Staff sessions end after minutes idle, and these tests move the clock by days: sign in again when it moved. */
  const sessions = new Map<string, { client: HttpClient; at: number }>();
  async function as(person: TestStaff): Promise<HttpClient> {
    const now = app.clock.now().getTime();
    const cached = sessions.get(person.id);
    if (cached && Math.abs(now - cached.at) < 5 * 60_000) return cached.client;
    const client = await app.signIn(person);
    sessions.set(person.id, { client, at: now });
    return client;
  }

  beforeAll(async () => {
    app = await startTestApp(dialect);
    scheduler = createScheduler(app.ctx, candorSchedulerOptions(app.ctx));
    handler = await app.createStaff('handler', { channel: 'general' });
    lead = await app.createStaff('handler');
    oversight = await app.createStaff('oversight');
    adminUser = await app.createStaff('admin');
    const ladder = await (await as(adminUser)).request('PUT', '/api/v1/admin/channels/general/ladder', { rungs: [{ users: [lead.id] }, { oversight: true }] });
    expect(ladder.status).toBe(200);
    // 'fraud' and 'health-safety' cases idle for a year, so that one clock at a time can be watched.
    const policies = await (await as(adminUser)).request('PUT', '/api/v1/admin/channels/general/clock-policies', {
      policies: [
        { category: 'fraud', acknowledgeDays: 7, feedback: { months: 3 }, investigationDays: 60, idleDays: 365 },
        { category: 'health-safety', acknowledgeDays: 7, feedback: { months: 3 }, investigationDays: 30, idleDays: 365 },
        { category: 'sexual-assault', acknowledgeDays: 1, feedback: { days: 30 }, investigationDays: 30, idleDays: 5 },
      ],
    });
    expect(policies.status).toBe(200);
  });
  afterAll(async () => {
    await scheduler?.stop();
    await app?.close();
  });

  async function report(category = 'harassment', extra: Record<string, unknown> = {}) {
    const submitted = await app.submitReport({ category, ...extra });
    const row = await app.ctx.db.selectFrom('cases').select('id').where('ref', '=', submitted.caseRef).executeTakeFirstOrThrow();
    return { ...submitted, id: row.id };
  }
  const clocksOf = async (client: HttpClient, caseId: string) => (await client.get(`/api/v1/cases/${caseId}/clocks`)).body;
  const clockOf = async (caseId: string, kind: string) => (await clocksOf(await as(handler), caseId)).clocks.find((clock: { kind: string }) => clock.kind === kind);
  const actions = async (caseId: string) =>
    (await app.ctx.db.selectFrom('audit_events').select(['action', 'details']).where('case_id', '=', caseId).orderBy('seq').execute()).map((row) => ({
      action: row.action,
      details: JSON.parse(row.details) as Record<string, unknown>,
    }));
  const outbox = (caseId: string) => app.ctx.db.selectFrom('mail_outbox').selectAll().where('case_id', '=', caseId).orderBy('created_at').execute();
  const canRead = async (person: TestStaff, caseId: string) => (await (await as(person)).get(`/api/v1/cases/${caseId}`)).status;
  const reporterSession = async (receipt: string) => {
    const client = app.client();
    expect((await client.post('/api/v1/reporter/session', { receipt })).status).toBe(204);
    return client;
  };

  it('acknowledge: warns at 50% and 80%, breaches at 7 days, escalates to the lead; the idle alarm then takes it to oversight', async () => {
    const start = app.clock.now().getTime();
    const { id, receipt, acknowledgeBy } = await report('harassment');
    const initial = await clocksOf(await as(handler), id);
    expect(initial.clocks.map((clock: { kind: string; state: string }) => [clock.kind, clock.state])).toEqual([
      ['acknowledge', 'running'],
      ['feedback', 'running'],
      ['idle', 'running'],
    ]);
    expect(initial.clocks[0].dueAt).toBe(acknowledgeBy);
    // Upper rungs hold their key from intake, but the server refuses them the case until escalation.
    const grants = await app.ctx.db.selectFrom('case_access').select(['user_id', 'active']).where('case_id', '=', id).execute();
    expect(new Map(grants.map((grant) => [grant.user_id, Number(grant.active)]))).toEqual(new Map([[handler.id, 1], [lead.id, 0], [oversight.id, 0]]));
    expect(await canRead(lead, id)).toBe(404);

    app.clock.set(new Date(start + 3.4 * DAY));
    await scheduler.tick();
    expect(await outbox(id)).toHaveLength(0);
    app.clock.set(new Date(start + 3.5 * DAY));
    await scheduler.tick();
    await scheduler.tick();
    const warned = await outbox(id);
    expect(warned.map((mail) => [mail.template, mail.user_id])).toEqual([['deadline.warning', handler.id]]);
    expect(JSON.parse(warned[0]!.params)).toEqual({ ref: expect.stringMatching(/^CN-/), dueAt: acknowledgeBy });

    app.clock.set(new Date(start + 5.6 * DAY));
    await scheduler.tick();
    expect((await outbox(id)).map((mail) => mail.template)).toEqual(['deadline.warning', 'deadline.warning']);

    // Nearly at the deadline: nothing more; a millisecond after it, the breach.
    app.clock.set(new Date(start + 7 * DAY - 1));
    await scheduler.tick();
    expect(await canRead(lead, id)).toBe(404);
    app.clock.set(new Date(start + 7 * DAY + 1));
    await scheduler.tick();
    const acknowledge = await clockOf(id, 'acknowledge');
    expect(acknowledge).toMatchObject({ state: 'breached', breachedAt: acknowledgeBy, metAt: null });
    expect(await canRead(lead, id)).toBe(200);
    expect(await canRead(oversight, id)).toBe(404);
    const escalated = (await actions(id)).filter(
      (entry) => (entry.action.startsWith('case.escalate') || entry.action.startsWith('clock.')) && (entry.details.kind ?? entry.details.clock) === 'acknowledge',
    );
    expect(escalated.map((entry) => [entry.action, entry.details.kind ?? entry.details.clock, entry.details.share ?? entry.details.rung ?? null])).toEqual([
      ['clock.warning', 'acknowledge', 50],
      ['clock.warning', 'acknowledge', 80],
      ['clock.breach', 'acknowledge', null],
      ['case.escalate', 'acknowledge', 1],
    ]);
    const mails = (await outbox(id)).map((mail) => [mail.template, mail.user_id]);
    expect(mails).toContainEqual(['case.escalated', lead.id]);
    expect(mails).toContainEqual(['deadline.missed', handler.id]);

    // The reporter sees the promise broken and the case escalated, without names.
    const reporter = await reporterSession(receipt);
    const milestones = await reporter.get('/api/v1/reporter/milestones');
    expect(milestones.body).toEqual({
      acknowledge: { promisedBy: acknowledgeBy, status: 'late', doneAt: null },
      feedback: { promisedBy: expect.any(String), status: 'pending', doneAt: null },
      escalated: true,
    });
    expect(JSON.stringify(milestones.body)).not.toContain(lead.id);

    // The overdue case sorts to the top of the lead's inbox.
    const inbox = await (await as(lead)).get('/api/v1/cases');
    expect(inbox.body.items[0]).toMatchObject({ id, overdue: true });

    // Fourteen days with nothing recorded: the idle alarm breaches and the case climbs to oversight.
    app.clock.set(new Date(start + 14 * DAY + 1));
    await scheduler.tick();
    expect(await canRead(oversight, id)).toBe(200);
    expect((await clocksOf(await as(handler), id)).escalations.map((row: { rung: number; clockKind: string; outcome: string }) => [row.rung, row.clockKind, row.outcome])).toEqual([
      [1, 'acknowledge', 'escalated'],
      [2, 'idle', 'escalated'],
    ]);

    // Acknowledging late: the clock records when it was done and stays breached; the reporter sees "late".
    expect((await (await as(handler)).post(`/api/v1/cases/${id}/acknowledge`)).status).toBe(200);
    expect(await clockOf(id, 'acknowledge')).toMatchObject({ state: 'breached', metAt: app.clock.now().toISOString() });
    expect((await (await reporterSession(receipt)).get('/api/v1/reporter/milestones')).body.acknowledge).toMatchObject({ status: 'late', doneAt: app.clock.now().toISOString() });
    expect(await clockOf(id, 'idle')).toMatchObject({ state: 'running' });
    // Past the top of the ladder a breach is recorded, and nothing more can happen.
    app.clock.set(new Date(start + 40 * DAY));
    await scheduler.tick();
    expect((await actions(id)).map((entry) => entry.action)).toContain('case.escalate.exhausted');
  });

  it('feedback: three months of clock, warnings, and escalation when no feedback was given', async () => {
    const start = app.clock.now().getTime();
    const { id, feedbackBy } = await report('fraud');
    expect((await (await as(handler)).post(`/api/v1/cases/${id}/acknowledge`)).status).toBe(200);
    const feedback = await clockOf(id, 'feedback');
    expect(feedback).toMatchObject({ state: 'running', dueAt: feedbackBy });
    const span = new Date(feedbackBy).getTime() - start;
    expect(span).toBeGreaterThanOrEqual(89 * DAY);
    // A sweep a day, for three months.
    for (let day = 1; day * DAY < span; day++) {
      app.clock.set(new Date(start + day * DAY));
      await scheduler.tick();
    }
    expect((await actions(id)).filter((entry) => entry.action === 'clock.warning').map((entry) => [entry.details.kind, entry.details.share])).toEqual([
      ['feedback', 50],
      ['feedback', 80],
    ]);
    expect(await canRead(lead, id)).toBe(404);
    app.clock.set(new Date(start + span + 1));
    await scheduler.tick();
    expect(await clockOf(id, 'feedback')).toMatchObject({ state: 'breached', breachedAt: feedbackBy });
    expect(await canRead(lead, id)).toBe(200);
  });

  it('feedback given in time meets the clock, and the reporter sees the promise kept', async () => {
    const { id, receipt, feedbackBy } = await report('fraud');
    expect((await (await as(handler)).post(`/api/v1/cases/${id}/acknowledge`)).status).toBe(200);
    app.clock.advance(20 * DAY);
    expect((await (await as(handler)).post(`/api/v1/cases/${id}/feedback`, { body: 'We have started looking into this.' })).status).toBe(201);
    expect(await clockOf(id, 'feedback')).toMatchObject({ state: 'met', metAt: app.clock.now().toISOString() });
    const milestones = (await (await reporterSession(receipt)).get('/api/v1/reporter/milestones')).body;
    expect(milestones).toMatchObject({ feedback: { promisedBy: feedbackBy, status: 'met' }, acknowledge: { status: 'met' }, escalated: false });
  });

  it('investigation: the target starts with the investigation and escalates when missed', async () => {
    const { id } = await report('health-safety');
    expect((await (await as(handler)).post(`/api/v1/cases/${id}/acknowledge`)).status).toBe(200);
    expect((await (await as(handler)).post(`/api/v1/cases/${id}/transitions`, { to: 'assessment', reason: 'Within scope.' })).status).toBe(200);
    expect(await clockOf(id, 'investigation')).toBeUndefined();
    const started = app.clock.now().getTime();
    expect((await (await as(handler)).post(`/api/v1/cases/${id}/transitions`, { to: 'investigation', reason: 'Facts to establish.' })).status).toBe(200);
    const investigation = await clockOf(id, 'investigation');
    expect(investigation).toMatchObject({ state: 'running', startedAt: new Date(started).toISOString(), dueAt: new Date(started + 30 * DAY).toISOString() });
    // Feedback is given, so only the investigation target is left to miss.
    expect((await (await as(handler)).post(`/api/v1/cases/${id}/feedback`, { body: 'The investigation has started.' })).status).toBe(201);
    app.clock.set(new Date(started + 29 * DAY));
    await scheduler.tick();
    expect(await canRead(lead, id)).toBe(404);
    app.clock.set(new Date(started + 30 * DAY + 1));
    await scheduler.tick();
    expect(await clockOf(id, 'investigation')).toMatchObject({ state: 'breached' });
    expect(await canRead(lead, id)).toBe(200);
  });

  it('idle: recorded activity resets the alarm; fourteen quiet days breach it', async () => {
    const start = app.clock.now().getTime();
    const { id } = await report('bullying');
    app.clock.set(new Date(start + 1 * DAY));
    expect((await (await as(handler)).post(`/api/v1/cases/${id}/acknowledge`)).status).toBe(200);
    app.clock.set(new Date(start + 10 * DAY));
    expect((await (await as(handler)).post(`/api/v1/cases/${id}/messages`, { body: 'Could you tell us more?' })).status).toBe(201);
    const idle = await clockOf(id, 'idle');
    expect(idle).toMatchObject({ state: 'running', startedAt: new Date(start + 10 * DAY).toISOString(), dueAt: new Date(start + 24 * DAY).toISOString() });
    // The inbox runs on the nearest outstanding clock: the idle alarm, now.
    const row = await app.ctx.db.selectFrom('case_access').select('next_deadline_at').where('case_id', '=', id).where('user_id', '=', handler.id).executeTakeFirstOrThrow();
    expect(row.next_deadline_at).toBe(idle.dueAt);
    app.clock.set(new Date(start + 23 * DAY));
    await scheduler.tick();
    expect(await clockOf(id, 'idle')).toMatchObject({ state: 'running' });
    app.clock.set(new Date(start + 24 * DAY + 1));
    await scheduler.tick();
    expect(await clockOf(id, 'idle')).toMatchObject({ state: 'breached' });
    expect(await canRead(lead, id)).toBe(200);
    // Activity after the breach starts a new idle cycle.
    expect((await (await as(handler)).post(`/api/v1/cases/${id}/messages`, { body: 'Thank you.' })).status).toBe(201);
    expect(await clockOf(id, 'idle')).toMatchObject({ state: 'running', startedAt: app.clock.now().toISOString() });
  });

  it('closing stops every clock: the case leaves the deadline order', async () => {
    const { id } = await report('fraud');
    expect((await (await as(handler)).post(`/api/v1/cases/${id}/acknowledge`)).status).toBe(200);
    expect((await (await as(handler)).post(`/api/v1/cases/${id}/transitions`, { to: 'assessment', reason: 'Checking scope.' })).status).toBe(200);
    expect((await (await as(handler)).post(`/api/v1/cases/${id}/feedback`, { body: 'This is outside what we can look at.' })).status).toBe(201);
    const closed = await (await as(handler)).post(`/api/v1/cases/${id}/transitions`, { to: 'closed', closing: 'out-of-scope', reason: 'Not a workplace matter.' });
    expect(closed.status).toBe(200);
    const clocks = (await clocksOf(await as(handler), id)).clocks;
    expect(clocks.every((clock: { state: string }) => clock.state === 'met')).toBe(true);
    const cases = await app.ctx.db.selectFrom('cases').select('next_deadline_at').where('id', '=', id).executeTakeFirstOrThrow();
    expect(cases.next_deadline_at).toBe(NO_DEADLINE);
    app.clock.advance(400 * DAY);
    await scheduler.tick();
    expect((await clocksOf(await as(handler), id)).escalations).toEqual([]);
  });

  it('a tighter policy for sexual assault: one day to acknowledge, feedback in 30 days', async () => {
    const receivedAt = app.clock.now().getTime();
    const assault = await report('sexual-assault');
    expect(new Date(assault.acknowledgeBy).getTime() - receivedAt).toBe(DAY);
    expect(new Date(assault.feedbackBy).getTime() - receivedAt).toBe(30 * DAY);
    expect((await clockOf(assault.id, 'idle')).dueAt).toBe(new Date(receivedAt + 5 * DAY).toISOString());
    const other = await report('harassment');
    expect(new Date(other.acknowledgeBy).getTime() - receivedAt).toBe(7 * DAY);
    app.clock.advance(DAY + 1);
    await scheduler.tick();
    expect(await clockOf(assault.id, 'acknowledge')).toMatchObject({ state: 'breached' });
    expect(await clockOf(other.id, 'acknowledge')).toMatchObject({ state: 'running' });
  });

  it('a pause needs a reason, shows to oversight, holds the deadline back, and is audited', async () => {
    const { id } = await report('fraud');
    expect((await (await as(handler)).post(`/api/v1/cases/${id}/acknowledge`)).status).toBe(200);
    const before = await clockOf(id, 'feedback');

    expect((await (await as(handler)).post(`/api/v1/cases/${id}/clocks/feedback/pause`, {})).body.error.code).toBe('invalid_request');
    expect((await (await as(handler)).post(`/api/v1/cases/${id}/clocks/feedback/pause`, { reason: 'x' })).status).toBe(400);
    expect((await (await as(handler)).post(`/api/v1/cases/${id}/clocks/acknowledge/pause`, { reason: 'waiting' })).body.error.code).toBe('clock_not_pausable');
    expect((await (await as(handler)).post(`/api/v1/cases/${id}/clocks/nonsense/pause`, { reason: 'waiting' })).status).toBe(400);
    // Someone who cannot read the case cannot pause its clocks (it does not exist for them).
    expect((await (await as(lead)).post(`/api/v1/cases/${id}/clocks/feedback/pause`, { reason: 'waiting' })).status).toBe(404);

    const paused = await (await as(handler)).post(`/api/v1/cases/${id}/clocks/feedback/pause`, { reason: 'The reporter asked us to wait until she is back.' });
    expect(paused.status).toBe(200);
    expect(paused.body).toMatchObject({ kind: 'feedback', state: 'paused', pausedAt: app.clock.now().toISOString(), pauseReason: 'The reporter asked us to wait until she is back.' });
    expect((await (await as(handler)).post(`/api/v1/cases/${id}/clocks/feedback/pause`, { reason: 'again' })).body.error.code).toBe('clock_not_running');

    const pauses = await (await as(oversight)).get('/api/v1/oversight/clock-pauses');
    expect(pauses.status).toBe(200);
    expect(pauses.body.items).toContainEqual(expect.objectContaining({ caseId: id, kind: 'feedback', reason: 'The reporter asked us to wait until she is back.', pausedBy: { id: handler.id, name: expect.any(String) } }));
    expect((await (await as(handler)).get('/api/v1/oversight/clock-pauses')).body.error.code).toBe('oversight_only');

    // Paused through what would have been its deadline: no breach.
    app.clock.advance(100 * DAY);
    await scheduler.tick();
    expect(await clockOf(id, 'feedback')).toMatchObject({ state: 'paused' });
    const resumed = await (await as(handler)).post(`/api/v1/cases/${id}/clocks/feedback/resume`);
    expect(resumed.status).toBe(200);
    expect(resumed.body).toMatchObject({ state: 'running', pausedAt: null, pauseReason: null });
    expect(new Date(resumed.body.dueAt).getTime() - new Date(before.dueAt).getTime()).toBe(100 * DAY);
    expect((await (await as(handler)).post(`/api/v1/cases/${id}/clocks/feedback/resume`)).body.error.code).toBe('clock_not_paused');
    const audit = (await actions(id)).filter((entry) => entry.action === 'clock.pause' || entry.action === 'clock.resume');
    expect(audit).toEqual([
      { action: 'clock.pause', details: expect.objectContaining({ kind: 'feedback', reason: 'The reporter asked us to wait until she is back.' }) },
      { action: 'clock.resume', details: expect.objectContaining({ kind: 'feedback', pausedMs: 100 * DAY }) },
    ]);
  });

  it('someone put on the ladder after intake holds no key: the rung is recorded as passed over and the case goes on up', async () => {
    const { id } = await report('harassment');
    const late = await app.createStaff('handler');
    expect((await (await as(adminUser)).request('PUT', '/api/v1/admin/channels/general/ladder', { rungs: [{ users: [late.id] }, { oversight: true }] })).status).toBe(200);
    try {
      app.clock.advance(7 * DAY + 1);
      await scheduler.tick();
      expect(await canRead(late, id)).toBe(404);
      expect(await canRead(oversight, id)).toBe(200);
      const steps = (await actions(id)).filter((entry) => entry.action.startsWith('case.escalate'));
      expect(steps.map((entry) => [entry.action, entry.details.rung, entry.details.withoutKey])).toEqual([
        ['case.escalate.skipped', 1, 1],
        ['case.escalate', 2, 0],
      ]);
      // A report made after the change gives the new rung a standby key.
      const next = await report('harassment');
      const grant = await app.ctx.db.selectFrom('case_access').select('active').where('case_id', '=', next.id).where('user_id', '=', late.id).executeTakeFirst();
      expect(grant && Number(grant.active)).toBe(0);
    } finally {
      expect((await (await as(adminUser)).request('PUT', '/api/v1/admin/channels/general/ladder', { rungs: [{ users: [lead.id] }, { oversight: true }] })).status).toBe(200);
    }
  });

  it('admin API: policies, holidays and the ladder, for admins only, audited', async () => {
    expect((await (await as(handler)).get('/api/v1/admin/channels/general/clock-policies')).body.error.code).toBe('admin_only');
    expect((await (await as(handler)).request('PUT', '/api/v1/admin/channels/general/ladder', { rungs: [] })).status).toBe(403);
    const read = await (await as(adminUser)).get('/api/v1/admin/channels/general/clock-policies');
    expect(read.status).toBe(200);
    expect(read.body.defaults).toEqual({ category: '*', acknowledgeDays: 7, feedback: { months: 3 }, investigationDays: 60, idleDays: 14, days: 'calendar' });
    expect(read.body.policies.map((policy: { category: string }) => policy.category)).toEqual(['fraud', 'health-safety', 'sexual-assault']);
    const holidays = await (await as(adminUser)).request('PUT', '/api/v1/admin/channels/general/holidays', { holidays: ['2026-12-25', '2026-12-24', '2026-12-25'] });
    expect(holidays.body.holidays).toEqual(['2026-12-24', '2026-12-25']);
    expect((await (await as(adminUser)).request('PUT', '/api/v1/admin/channels/general/holidays', { holidays: ['25/12/2026'] })).status).toBe(400);
    const duplicate = await (await as(adminUser)).request('PUT', '/api/v1/admin/channels/general/clock-policies', {
      policies: [
        { category: '*', acknowledgeDays: 7, feedback: { months: 3 }, investigationDays: 60, idleDays: 14 },
        { category: '*', acknowledgeDays: 5, feedback: { months: 3 }, investigationDays: 60, idleDays: 14 },
      ],
    });
    expect(duplicate.status).toBe(400);
    expect((await (await as(adminUser)).request('PUT', '/api/v1/admin/channels/nowhere/ladder', { rungs: [] })).body.error.code).toBe('unknown_channel');
    const analyst = await app.createStaff('analyst');
    const refused = await (await as(adminUser)).request('PUT', '/api/v1/admin/channels/general/ladder', { rungs: [{ users: [analyst.id] }] });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body.error.fields)).toContain('only handlers and oversight');
    const ladder = await (await as(adminUser)).get('/api/v1/admin/channels/general/ladder');
    expect(ladder.body).toMatchObject({ channel: 'general', configured: true, rungs: [{ rung: 1, kind: 'users', users: [{ id: lead.id, role: 'handler' }] }, { rung: 2, kind: 'oversight', users: [] }] });
    const audited = await app.ctx.db.selectFrom('audit_events').select('action').where('action', 'in', ['clock.policies.update', 'clock.holidays.update', 'escalation.ladder.update']).execute();
    expect(new Set(audited.map((row) => row.action))).toEqual(new Set(['clock.policies.update', 'clock.holidays.update', 'escalation.ladder.update']));
  });

  it('business days: a policy that skips weekends and holidays', async () => {
    expect(
      (
        await (await as(adminUser)).request('PUT', '/api/v1/admin/channels/general/clock-policies', {
          policies: [
            { category: 'fraud', acknowledgeDays: 7, feedback: { months: 3 }, investigationDays: 60, idleDays: 365 },
            { category: 'health-safety', acknowledgeDays: 7, feedback: { months: 3 }, investigationDays: 30, idleDays: 365 },
            { category: 'sexual-assault', acknowledgeDays: 1, feedback: { days: 30 }, investigationDays: 30, idleDays: 5 },
            { category: 'discrimination', acknowledgeDays: 2, feedback: { months: 3 }, investigationDays: 60, idleDays: 14, days: 'business' },
          ],
        })
      ).status,
    ).toBe(200);
    // Friday 9:00 UTC, with Monday a holiday: two business days end on Wednesday.
    app.clock.set('2027-03-05T09:00:00.000Z');
    expect((await (await as(adminUser)).request('PUT', '/api/v1/admin/channels/general/holidays', { holidays: ['2027-03-08'] })).status).toBe(200);
    const { acknowledgeBy } = await report('discrimination');
    expect(acknowledgeBy).toBe('2027-03-10T09:00:00.000Z');
  });

  it('leaves the audit chain whole', async () => {
    expect(await verifyAuditChain(app.ctx.db)).toMatchObject({ ok: true });
  });
});
