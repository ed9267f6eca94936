import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HttpClient } from '../support/http-client.js';
import { DIALECTS } from '../support/databases.js';
import { startTestApp, type TestApp, type TestStaff } from '../support/app.js';

const DAY = 86_400_000;

describe.each(DIALECTS)('the case lifecycle (%s)', (dialect) => {
  let app: TestApp;
  let handler: TestStaff;
  let staff: HttpClient;

  beforeAll(async () => {
    app = await startTestApp(dialect);
    handler = await app.createStaff('handler', { channel: 'general' });
  });
  afterAll(() => app?.close());

  async function newCase(narrative = 'what happened') {
    const report = await app.submitReport({ narrative });
    const { id } = await app.ctx.db.selectFrom('cases').select('id').where('ref', '=', report.caseRef).executeTakeFirstOrThrow();
    staff = await app.signIn(handler);
    const reporter = app.client();
    await reporter.post('/api/v1/reporter/session', { receipt: report.receipt });
    return { id, reporter, report };
  }
  const step = (id: string, to: string, reason = 'as planned', closing?: string) =>
    staff.post(`/api/v1/cases/${id}/transitions`, { to, reason, ...(closing ? { closing } : {}) });

  it('walks a case from received to closed with findings, recording who, when and why', async () => {
    const { id, reporter } = await newCase('ZQXREASONMARK the account');
    expect((await staff.post(`/api/v1/cases/${id}/acknowledge`)).status).toBe(200);
    expect((await step(id, 'assessment', 'Within scope of the policy ZQXREASONMARK')).status).toBe(200);
    expect((await step(id, 'investigation', 'Interviews needed')).status).toBe(200);

    const first = await staff.post(`/api/v1/cases/${id}/allegations`, { summary: 'Unwanted touching at the conference' });
    const second = await staff.post(`/api/v1/cases/${id}/allegations`, { summary: 'Threats after the complaint' });
    expect([first.status, first.body.position, second.body.position]).toEqual([201, 1, 2]);
    expect((await staff.request('PUT', `/api/v1/cases/${id}/allegations/${first.body.id}/finding`, { finding: 'substantiated', reasoning: 'Two witnesses' })).status).toBe(200);
    expect((await step(id, 'findings', 'Investigation complete')).status).toBe(200);

    const early = await step(id, 'closed', 'Done', 'findings-issued');
    expect([early.status, early.body.error.code]).toEqual([409, 'feedback_required']);
    expect((await staff.post(`/api/v1/cases/${id}/feedback`, { body: 'We looked into it and acted.' })).status).toBe(201);
    const incomplete = await step(id, 'closed', 'Done', 'findings-issued');
    expect(incomplete.body.error.code).toBe('findings_incomplete');
    await staff.request('PUT', `/api/v1/cases/${id}/allegations/${second.body.id}/finding`, { finding: 'inconclusive', reasoning: 'No record' });
    const closed = await step(id, 'closed', 'Findings issued', 'findings-issued');
    expect([closed.status, closed.body.status, closed.body.closing]).toEqual([200, 'closed', 'findings-issued']);

    const detail = (await staff.get(`/api/v1/cases/${id}`)).body;
    expect(detail.status).toBe('closed');
    expect(detail.transitions.map((t: { to: string }) => t.to)).toEqual(['acknowledged', 'assessment', 'investigation', 'findings', 'closed']);
    expect(detail.transitions[1]).toMatchObject({ from: 'acknowledged', to: 'assessment', reason: 'Within scope of the policy ZQXREASONMARK', by: expect.stringContaining('handler') });
    expect(detail.allegations.map((a: { finding: string; standard: string }) => [a.finding, a.standard])).toEqual([
      ['substantiated', 'balance-of-probabilities'],
      ['inconclusive', 'balance-of-probabilities'],
    ]);
    expect(detail.nextSteps).toEqual(['review']);
    // Every clock stopped when what it waited for happened.
    expect(detail.clocks.map((clock: { kind: string; state: string }) => [clock.kind, clock.state])).toEqual(
      expect.arrayContaining([['acknowledge', 'met'], ['feedback', 'met']]),
    );
    expect(detail.clocks.every((clock: { state: string }) => clock.state !== 'running')).toBe(true);
    expect(detail.timeline.map((entry: { action: string }) => entry.action)).toEqual(expect.arrayContaining(['report.submit', 'case.transition', 'case.allegation.create', 'case.finding', 'case.feedback']));

    // The reporter sees the outcome, and that feedback came.
    const view = (await reporter.get('/api/v1/reporter/case')).body;
    expect(view.status).toBe('closed');
    expect(view.escalated).toBe(false);
    expect(view.feedbackAt).not.toBeNull();
    expect(view.messages.at(-1).body).toBe('We looked into it and acted.');

    // Reasons are sealed like the report.
    const reasons = await app.ctx.db.selectFrom('case_transitions').select('reason_sealed').where('case_id', '=', id).execute();
    for (const row of reasons) expect(Buffer.from(row.reason_sealed).includes('ZQXREASONMARK')).toBe(false);
  });

  it('closes at assessment as out of scope or referred elsewhere, and refuses illegal steps with stable codes', async () => {
    const { id } = await newCase();
    const skip = await step(id, 'investigation');
    expect([skip.status, skip.body.error.code]).toEqual([409, 'invalid_transition']);
    const noReason = await staff.post(`/api/v1/cases/${id}/transitions`, { to: 'acknowledged', reason: '' });
    expect([noReason.status, noReason.body.error.code]).toEqual([400, 'invalid_request']);
    await staff.post(`/api/v1/cases/${id}/acknowledge`);
    await step(id, 'assessment');
    await staff.post(`/api/v1/cases/${id}/feedback`, { body: 'This belongs with the works council; we passed it on with your consent.' });
    expect((await step(id, 'closed', 'Not ours', 'findings-issued')).body.error.code).toBe('invalid_closing');
    expect((await step(id, 'closed', 'Works council matter', 'referred-elsewhere')).body.closing).toBe('referred-elsewhere');
    const row = await app.ctx.db.selectFrom('cases').select(['status', 'closing', 'next_deadline_at']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'closed', closing: 'referred-elsewhere', next_deadline_at: '9999-12-31T23:59:59.999Z' });
  });

  it('lets the reporter appeal within the window, back to review, and not after it', async () => {
    const { id, reporter, report } = await newCase();
    await staff.post(`/api/v1/cases/${id}/acknowledge`);
    await step(id, 'assessment');
    await staff.post(`/api/v1/cases/${id}/feedback`, { body: 'Out of scope.' });
    await step(id, 'closed', 'Out of scope', 'out-of-scope');
    expect((await reporter.get('/api/v1/reporter/case')).body.appealUntil).not.toBeNull();

    const appeal = await reporter.post('/api/v1/reporter/appeal', { reason: 'It was at a work event, so it is in scope.' });
    expect([appeal.status, appeal.body.status]).toEqual([200, 'review']);
    const detail = (await (await app.signIn(handler)).get(`/api/v1/cases/${id}`)).body;
    expect(detail.transitions.at(-1)).toMatchObject({ from: 'closed', to: 'review', by: 'reporter', reason: 'It was at a work event, so it is in scope.' });
    expect(detail.overdue).toBe(false);

    // Closing again needs fresh feedback after the reopening.
    app.clock.advance(60_000);
    staff = await app.signIn(handler);
    expect((await step(id, 'closed', 'Appeal dismissed', 'appeal-dismissed')).body.error.code).toBe('feedback_required');
    await staff.post(`/api/v1/cases/${id}/feedback`, { body: 'We reviewed it again; the decision stands.' });
    expect((await step(id, 'closed', 'Appeal dismissed', 'appeal-dismissed')).status).toBe(200);

    app.clock.advance(31 * DAY);
    const returning = app.client();
    expect((await returning.post('/api/v1/reporter/session', { receipt: report.receipt })).status).toBe(204);
    expect((await returning.get('/api/v1/reporter/case')).body.appealUntil < app.clock.now().toISOString()).toBe(true);
    const late = await returning.post('/api/v1/reporter/appeal', { reason: 'again' });
    expect([late.status, late.body.error.code]).toEqual([409, 'appeal_window_closed']);
  });

  it('keeps internal notes from the reporter, and tracks tasks and the assignee', async () => {
    const { id, reporter } = await newCase();
    expect((await staff.post(`/api/v1/cases/${id}/notes`, { body: 'Manager is on leave until May.' })).status).toBe(201);
    const task = await staff.post(`/api/v1/cases/${id}/tasks`, { title: 'Interview the witness', ownerId: handler.id, dueAt: new Date(app.clock.now().getTime() + 5 * DAY).toISOString() });
    expect(task.status).toBe(201);
    const outsider = await app.createStaff('admin');
    expect((await staff.post(`/api/v1/cases/${id}/tasks`, { title: 'x', ownerId: outsider.id })).status).toBe(400);
    expect((await staff.request('PATCH', `/api/v1/cases/${id}/tasks/${task.body.id}`, { done: true })).body.doneAt).not.toBeNull();
    expect((await staff.request('PUT', `/api/v1/cases/${id}/assignee`, { assigneeId: handler.id })).status).toBe(200);

    const detail = (await staff.get(`/api/v1/cases/${id}`)).body;
    expect(detail.notes.map((note: { body: string }) => note.body)).toEqual(['Manager is on leave until May.']);
    expect(detail.tasks[0]).toMatchObject({ title: 'Interview the witness', ownerId: handler.id });
    expect(detail.assigneeId).toBe(handler.id);
    expect(detail.readers.map((reader: { id: string }) => reader.id)).toContain(handler.id);
    expect(JSON.stringify((await reporter.get('/api/v1/reporter/case')).body)).not.toContain('Manager is on leave');

    const mine = await staff.get('/api/v1/cases?assignee=me&limit=200');
    expect(mine.body.items.map((item: { id: string }) => item.id)).toContain(id);
    expect(mine.body.items.every((item: { assigneeId: string }) => item.assigneeId === handler.id)).toBe(true);
  });

  it('filters the inbox and counts it', async () => {
    staff = await app.signIn(handler);
    const all = (await staff.get('/api/v1/cases?limit=200&counts=true')).body;
    expect(all.counts.total).toBe(all.items.length);
    // The counts follow every step a case took (they are read from the grants, not the cases).
    const tally = (items: { status: string }[]) => items.reduce<Record<string, number>>((sum, item) => ({ ...sum, [item.status]: (sum[item.status] ?? 0) + 1 }), {});
    expect(Object.keys(all.counts.byStatus).length).toBeGreaterThanOrEqual(2);
    expect(all.counts.byStatus).toEqual(tally(all.items));
    const inChannel = (await staff.get('/api/v1/cases?channel=general&limit=200&counts=true')).body;
    expect(inChannel.counts.byStatus).toEqual(tally(inChannel.items));
    const closed = (await staff.get('/api/v1/cases?status=closed&limit=200')).body;
    expect(closed.items.length).toBe(all.counts.byStatus.closed);
    expect(closed.items.every((item: { status: string }) => item.status === 'closed')).toBe(true);
    app.clock.advance(8 * DAY);
    staff = await app.signIn(handler);
    const overdue = (await staff.get('/api/v1/cases?overdue=true&limit=200&counts=true')).body;
    expect(overdue.items.length).toBe(overdue.counts.overdue);
    expect(overdue.items.every((item: { overdue: boolean }) => item.overdue)).toBe(true);
    expect((await staff.get('/api/v1/cases?channel=general&category=sexual-harassment&limit=5')).status).toBe(200);
  });
});
