/**
 * The story this product answers, end to end over HTTP: a report accuses the reporter's manager
 * and a client; the reporter names an HR handler who is the manager's friend as "must not see";
 * the manager's own manager is excluded through the chain; the one remaining handler gets the
 * case; ten supporters are registered; a termination of one of them opens a retaliation review for
 * oversight; the pre-action check says true for them and false for anyone else; the excluded get
 * 404 and hold no key.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStaffUser } from '../../src/identity/identity.service.js';
import { DIALECTS } from '../support/databases.js';
import { startTestApp, TEST_PASSWORD, type TestApp, type TestStaff } from '../support/app.js';
import type { HttpClient } from '../support/http-client.js';

describe.each(DIALECTS)('conflicts, retaliation watch and due process: the story (%s)', (dialect) => {
  let app: TestApp;
  let token: string;
  const people: Record<string, TestStaff> = {};
  const hr = (method: string, path: string, body?: unknown, bearer = token) =>
    app.client().request(method, path, body, bearer ? { authorization: `Bearer ${bearer}` } : {});

  async function staff(key: string, name: string, email: string, role: TestStaff['role'], channel?: string) {
    const created = await createStaffUser(app.ctx, { type: 'system', id: 'test' }, { email, name, role, password: TEST_PASSWORD, channel });
    people[key] = { id: created.id, email, password: TEST_PASSWORD, recoveryKey: created.recoveryKey, role };
    return people[key]!;
  }

  beforeAll(async () => {
    app = await startTestApp(dialect);
    await staff('admin', 'Ada Admin', 'ada@corp.example', 'admin');
    await staff('mark', 'Mark Manager', 'mark@corp.example', 'handler', 'general'); // the accused, also a handler
    await staff('mona', 'Mona Boss', 'mona@corp.example', 'handler', 'general'); // his manager
    await staff('harry', 'Harry Friend', 'harry@corp.example', 'handler', 'general'); // HR, his friend
    await staff('hana', 'Hana Ito', 'hana@corp.example', 'handler', 'general'); // the one left
    await staff('olga', 'Olga Overseer', 'olga@corp.example', 'oversight');
    const admin = await app.signIn(people.admin!);
    const created = await admin.post('/api/v1/admin/tokens', { name: 'HR sync', role: 'hr-system' });
    expect(created.status).toBe(201);
    token = created.body.token;
    const employees = [
      { id: 'E1', name: 'Mark Manager', email: 'mark@corp.example', department: 'Sales', managerId: 'E2' },
      { id: 'E2', name: 'Mona Boss', email: 'mona@corp.example', department: 'Sales', managerId: 'E3' },
      { id: 'E3', name: 'Chief Executive', email: 'ceo@corp.example', department: 'Board', managerId: null },
      { id: 'E50', name: 'Harry Friend', email: 'harry@corp.example', department: 'HR', managerId: 'E3' },
      { id: 'E51', name: 'Hana Ito', email: 'hana@corp.example', department: 'HR', managerId: 'E3' },
      { id: 'E100', name: 'Rita Reporter', email: 'rita@corp.example', department: 'Sales', managerId: 'E1' },
      ...Array.from({ length: 10 }, (_, i) => ({ id: `E2${String(i).padStart(2, '0')}`, name: `Supporter Number${i}`, email: `s${i}@corp.example`, department: 'Sales', managerId: 'E1' })),
      { id: 'E999', name: 'Una Related', email: 'una@corp.example', department: 'IT', managerId: 'E3' },
    ];
    const upsert = await hr('PUT', '/api/v1/directory/employees', { employees });
    expect(upsert.status).toBe(200);
    expect(upsert.body).toMatchObject({ added: employees.length, updated: 0, staffLinked: 4 });
    // Idempotent: the same call again changes nothing.
    expect((await hr('PUT', '/api/v1/directory/employees', { employees })).body).toMatchObject({ added: 0, updated: 0, unchanged: employees.length });
  });
  afterAll(() => app?.close());

  async function caseIdOf(caseRef: string) {
    return (await app.ctx.db.selectFrom('cases').select('id').where('ref', '=', caseRef).executeTakeFirstOrThrow()).id;
  }

  it('keeps the case from the accused, his chain and the friend; one handler gets it; supporters are protected; a termination opens a review', async () => {
    const report = await app.submitReport({
      category: 'sexual-assault',
      narrative: 'On the business trip my manager and the client assaulted me. ZQXSTORY',
      anonymity: 'confidential',
      identity: { name: 'Rita Reporter', email: 'rita@corp.example' },
      subjects: [
        { name: 'Mark Manager', relationship: 'my manager' },
        { name: 'Carl Client', organisation: 'Acme Corp', relationship: 'a client' },
      ],
      excluded: [{ name: 'harry friend' }],
    });
    const caseId = await caseIdOf(report.caseRef);

    // Exclusion is cryptographic: only Hana (active) and oversight (standby) hold a wrapped key.
    const holders = await app.ctx.db.selectFrom('case_access').select(['user_id', 'active']).where('case_id', '=', caseId).execute();
    expect(holders.map((row) => [row.user_id, row.active]).sort()).toEqual([[people.hana!.id, 1], [people.olga!.id, 0]].sort());
    for (const key of ['mark', 'mona', 'harry']) expect(holders.some((row) => row.user_id === people[key]!.id)).toBe(false);

    // For the excluded, the case does not exist: absent from the list and the counts, 404 on GET.
    for (const key of ['mark', 'mona', 'harry']) {
      const client = await app.signIn(people[key]!);
      const list = await client.get('/api/v1/cases?counts=true');
      expect(list.body.items.map((item: { id: string }) => item.id)).not.toContain(caseId);
      expect(list.body.counts.total).toBe(0);
      const read = await client.get(`/api/v1/cases/${caseId}`);
      expect([read.status, read.body.error.code]).toEqual([404, 'case_not_found']);
      expect((await client.post(`/api/v1/cases/${caseId}/notes`, { body: 'x' })).status).toBe(404);
    }

    // The remaining handler reads it, with what routing matched and whom it kept the case from.
    const hana = await app.signIn(people.hana!);
    const detail = (await hana.get(`/api/v1/cases/${caseId}`)).body;
    expect(detail.narrative).toContain('ZQXSTORY');
    expect(detail.routing.routedTo).toBe('handlers');
    expect(detail.routing.subjects).toEqual([
      { name: 'Mark Manager', matches: [{ employeeId: 'E1', name: 'Mark Manager', department: 'Sales' }] },
      { name: 'Carl Client', matches: [] },
    ]);
    expect(detail.routing.mustNotSee[0]).toMatchObject({ name: 'harry friend', staff: 1 });
    const reasons = Object.fromEntries(detail.routing.excluded.map((entry: { name: string; reasons: string[] }) => [entry.name, entry.reasons]));
    expect(reasons).toEqual({ 'Mark Manager': ['subject'], 'Mona Boss': ['management-chain'], 'Harry Friend': ['must-not-see'] });
    expect(detail.parties.filter((party: { kind: string }) => party.kind === 'subject').map((party: { employeeId: string | null }) => party.employeeId)).toEqual(['E1', null]);

    // Ten supporters, registered by the handler from the directory.
    for (let i = 0; i < 10; i++) {
      const added = await hana.post(`/api/v1/cases/${caseId}/parties`, { kind: 'supporter', name: `Supporter Number${i}`, employeeId: `E2${String(i).padStart(2, '0')}` });
      expect(added.status).toBe(201);
      expect(added.body.protectedUntil).not.toBeNull();
    }

    // The pre-action check: true for the supporters and the reporter, false for anyone else, same shape.
    for (let i = 0; i < 10; i++) {
      const check = await hr('POST', '/api/v1/hr-events/check', { employeeId: `E2${String(i).padStart(2, '0')}`, type: 'termination' });
      expect([check.status, check.body]).toEqual([200, { clearanceRequired: true }]);
    }
    expect((await hr('POST', '/api/v1/hr-events/check', { employeeId: 'E100', type: 'demotion' })).body).toEqual({ clearanceRequired: true });
    for (const employeeId of ['E999', 'E1', 'NOBODY']) {
      const check = await hr('POST', '/api/v1/hr-events/check', { employeeId, type: 'termination' });
      expect([check.status, check.body]).toEqual([200, { clearanceRequired: false }]);
    }

    // A termination of one supporter is flagged and opens a review owned by oversight.
    const event = await hr('POST', '/api/v1/hr-events', { employeeId: 'E205', type: 'termination', effectiveAt: '2026-12-01', eventId: 'WD-1' });
    expect([event.status, event.body.clearanceRequired]).toEqual([201, true]);
    expect((await hr('POST', '/api/v1/hr-events', { employeeId: 'E205', type: 'termination', eventId: 'WD-1' })).body.id).toBe(event.body.id);
    const unrelated = await hr('POST', '/api/v1/hr-events', { employeeId: 'E999', type: 'termination' });
    expect(unrelated.body.clearanceRequired).toBe(false);

    const olga = await app.signIn(people.olga!);
    const reviews = await olga.get('/api/v1/oversight/retaliation-reviews');
    expect(reviews.status).toBe(200);
    expect(reviews.body.items).toHaveLength(1);
    const [review] = reviews.body.items;
    expect(review).toMatchObject({ hrEventId: event.body.id, employeeId: 'E205', employeeName: 'Supporter Number5', type: 'termination', status: 'flagged' });
    expect(review.nextDeadlineAt).not.toBeNull();
    const reviewCase = (await olga.get(`/api/v1/cases/${review.caseId}`)).body;
    expect(reviewCase.kind).toBe('retaliation-review');
    expect(reviewCase.clocks.map((clock: { kind: string }) => clock.kind)).toContain('acknowledge');
    // Olga holds only a standby key to the original case, so she cannot follow the link yet.
    expect(reviewCase.review).toMatchObject({ employeeId: 'E205', status: 'flagged', links: [], hiddenLinks: true });
    // The handler of the original case does not see the review at all.
    expect((await hana.get(`/api/v1/cases/${review.caseId}`)).status).toBe(404);
    // Nothing in the clear links the employee to the original case.
    const rows = await app.ctx.db.selectFrom('protected_persons').selectAll().execute();
    expect(rows.length).toBe(11);
    for (const row of rows) {
      expect(Buffer.from(row.reference_sealed).includes(caseId)).toBe(false);
      expect(Buffer.from(row.tag).includes('E205')).toBe(false);
    }
    const eventRow = await app.ctx.db.selectFrom('hr_events').selectAll().where('id', '=', event.body.id).executeTakeFirstOrThrow();
    expect(eventRow.review_case_id).toBe(review.caseId);
    expect(eventRow.review_case_id).not.toBe(caseId);
    const audit = await app.ctx.db.selectFrom('audit_events').select(['case_id', 'details', 'action']).where('action', 'in', ['hr.check', 'hr.event', 'review.open']).execute();
    for (const entry of audit) {
      expect(entry.case_id === caseId).toBe(false);
      expect(entry.details).not.toContain('clearance');
    }

    // Oversight upholds it with reasons: the event is no longer merely flagged; the review closes.
    const decided = await olga.post(`/api/v1/oversight/retaliation-reviews/${review.caseId}/decision`, { outcome: 'upheld', reasons: 'Terminated a week after sharing the post.' });
    expect([decided.status, decided.body.outcome]).toEqual([200, 'upheld']);
    expect((await olga.post(`/api/v1/oversight/retaliation-reviews/${review.caseId}/decision`, { outcome: 'cleared', reasons: 'again' })).body.error.code).toBe('review_decided');
    const after = (await olga.get('/api/v1/oversight/retaliation-reviews')).body.items[0];
    expect([after.status, after.caseStatus]).toEqual(['upheld', 'closed']);
    expect((await hana.get('/api/v1/oversight/retaliation-reviews')).body.error.code).toBe('oversight_only');

    // The statistics count the report under its subject's department, and the review on the report
    // it protects; the review is no report of its own.
    const stats = await app.ctx.db.selectFrom('case_stats').selectAll().where('case_id', 'in', [caseId, review.caseId]).execute();
    expect(stats.map((row) => row.case_id)).toEqual([caseId]);
    expect(stats[0]).toMatchObject({ department: 'Sales', retaliation_reviews: 1, hr_events_flagged: 1, retaliation_upheld: 1, retaliation_cleared: 0 });

    // Tokens reach only the HR endpoints; staff sessions cannot use them.
    expect((await hr('GET', '/api/v1/cases')).status).toBe(401);
    expect((await olga.post('/api/v1/hr-events/check', { employeeId: 'E205', type: 'termination' })).status).toBe(401);
    expect((await hr('POST', '/api/v1/hr-events/check', { employeeId: 'E205', type: 'termination' }, 'cndr_' + 'x'.repeat(43))).status).toBe(401);

    // Logs carry ids and operations, never names.
    const logs = app.logLines.join('\n');
    for (const name of ['Mark Manager', 'Harry Friend', 'Carl Client', 'Supporter Number', 'Rita Reporter']) expect(logs).not.toContain(name);
  });

  it('sends the case to oversight when every handler is excluded, and refuses it (503) when nobody is left', async () => {
    const report = await app.submitReport({ subjects: [{ name: 'Hana Ito' }], excluded: [{ name: 'Mark Manager' }, { name: 'Mona Boss' }, { name: 'Harry Friend' }] });
    const caseId = await caseIdOf(report.caseRef);
    const holders = await app.ctx.db.selectFrom('case_access').select(['user_id', 'active', 'grant_kind']).where('case_id', '=', caseId).execute();
    expect(holders).toEqual([{ user_id: people.olga!.id, active: 1, grant_kind: 'oversight' }]);
    const olga = await app.signIn(people.olga!);
    expect((await olga.get(`/api/v1/cases/${caseId}`)).body.routing.routedTo).toBe('oversight');

    const before = await app.ctx.db.selectFrom('cases').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const refused = await app.client().post('/api/v1/reports', {
      category: 'harassment',
      narrative: 'everyone is implicated',
      anonymity: 'anonymous',
      subjects: [{ name: 'Hana Ito' }, { name: 'Mark Manager' }],
      excluded: [{ name: 'Olga Overseer' }, { name: 'Harry Friend' }, { name: 'Mona Boss' }],
    });
    expect([refused.status, refused.body.error.code]).toEqual([503, 'no_recipients']);
    const after = await app.ctx.db.selectFrom('cases').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });

  it('excludes every match of an ambiguous name, by e-mail too, and staff with a declared conflict', async () => {
    const admin = await app.signIn(people.admin!);
    await staff('john1', 'John Smith', 'john.smith@corp.example', 'handler', 'general');
    await staff('john2', 'Smith, John', 'jsmith2@corp.example', 'handler', 'general');
    const mark = await app.signIn(people.mark!);
    // Mark declares a standing conflict with Una; admin records one for Mona.
    expect((await mark.post('/api/v1/conflicts', { employeeId: 'E999' })).status).toBe(201);
    expect((await admin.post('/api/v1/conflicts', { employeeId: 'E999', userId: people.mona!.id })).status).toBe(201);
    expect((await mark.post('/api/v1/conflicts', { employeeId: 'E999', userId: people.hana!.id })).body.error.code).toBe('forbidden');
    const report = await app.submitReport({ subjects: [{ name: 'Una Related' }], excluded: [{ name: 'JOHN SMITH' }, { name: 'Harry', email: 'harry@corp.example' }] });
    const caseId = await caseIdOf(report.caseRef);
    const holders = (await app.ctx.db.selectFrom('case_access').select('user_id').where('case_id', '=', caseId).where('active', '=', 1).execute()).map((row) => row.user_id);
    expect(holders).toEqual([people.hana!.id]);
    const hana = await app.signIn(people.hana!);
    const routing = (await hana.get(`/api/v1/cases/${caseId}`)).body.routing;
    expect(routing.mustNotSee[0].staff).toBe(2);
    const names = routing.excluded.map((entry: { name: string }) => entry.name).sort();
    expect(names).toEqual(['Harry Friend', 'John Smith', 'Mark Manager', 'Mona Boss', 'Smith, John']);
    expect((await mark.get('/api/v1/conflicts')).body.items).toHaveLength(1);
    expect((await admin.get('/api/v1/conflicts')).body.items).toHaveLength(2);
  });

  it('lets a handler recuse: the key copy is deleted in an audited transaction; the last reader cannot', async () => {
    const report = await app.submitReport({ narrative: 'recusal case' });
    const caseId = await caseIdOf(report.caseRef);
    const mark = await app.signIn(people.mark!);
    expect((await mark.post(`/api/v1/cases/${caseId}/recuse`, { reason: 'I know the people involved' })).status).toBe(200);
    expect(await app.ctx.db.selectFrom('case_access').select('user_id').where('case_id', '=', caseId).where('user_id', '=', people.mark!.id).executeTakeFirst()).toBeUndefined();
    expect((await mark.get(`/api/v1/cases/${caseId}`)).status).toBe(404);
    const trail = await app.ctx.db.selectFrom('audit_events').select(['action', 'actor_id']).where('case_id', '=', caseId).where('action', '=', 'case.recuse').execute();
    expect(trail).toEqual([{ action: 'case.recuse', actor_id: people.mark!.id }]);
    const again = await mark.post(`/api/v1/cases/${caseId}/recuse`, { reason: 'again' });
    expect(again.status).toBe(404);
    const hana = await app.signIn(people.hana!);
    expect((await hana.post(`/api/v1/cases/${caseId}/recuse`, { reason: '' })).body.error).toMatchObject({ code: 'invalid_request' });
  });

  it('records due process: notice, response, findings against the channel standard, outcome and an appeal by the subject', async () => {
    const admin = await app.signIn(people.admin!);
    expect((await admin.request('PATCH', '/api/v1/admin/channels/general', { standardOfProof: 'clear-and-convincing' })).body.standardOfProof).toBe('clear-and-convincing');
    const report = await app.submitReport({ subjects: [{ name: 'Pat Outsider', organisation: 'Supplier Ltd' }] });
    const caseId = await caseIdOf(report.caseRef);
    const hana = await app.signIn(people.hana!);
    const step = (to: string, closing?: string) => hana.post(`/api/v1/cases/${caseId}/transitions`, { to, reason: 'next', ...(closing ? { closing } : {}) });
    await hana.post(`/api/v1/cases/${caseId}/acknowledge`);
    await step('assessment');
    await step('investigation');
    const subject = (await hana.get(`/api/v1/cases/${caseId}`)).body.parties.find((party: { kind: string }) => party.kind === 'subject');
    expect(subject).toMatchObject({ name: 'Pat Outsider', organisation: 'Supplier Ltd', employeeId: null });
    const notice = await hana.post(`/api/v1/cases/${caseId}/subject-notices`, { partyId: subject.id, toldAt: app.clock.now().toISOString(), what: 'The allegation ZQXNOTICE was put to them' });
    expect(notice.status).toBe(201);
    expect((await hana.post(`/api/v1/cases/${caseId}/subject-notices`, { partyId: '00000000-0000-4000-8000-000000000000', toldAt: app.clock.now().toISOString(), what: 'x' })).body.error.fields.partyId).toBeDefined();
    expect((await hana.post(`/api/v1/cases/${caseId}/subject-responses`, { partyId: subject.id, text: 'I deny it ZQXRESPONSE' })).status).toBe(201);
    const allegation = await hana.post(`/api/v1/cases/${caseId}/allegations`, { summary: 'Inappropriate comments' });
    const finding = await hana.request('PUT', `/api/v1/cases/${caseId}/allegations/${allegation.body.id}/finding`, { finding: 'substantiated', reasoning: 'Two witnesses' });
    expect(finding.body.standard).toBe('clear-and-convincing');
    expect((await hana.post(`/api/v1/cases/${caseId}/outcome`, { outcome: 'x' })).body.error.code).toBe('invalid_transition');
    await step('findings');
    expect((await hana.post(`/api/v1/cases/${caseId}/outcome`, { outcome: 'Contract with the supplier ended', sanctions: ['supplier removed'] })).status).toBe(201);
    await hana.post(`/api/v1/cases/${caseId}/feedback`, { body: 'We acted.' });
    expect((await step('closed', 'findings-issued')).status).toBe(200);
    const appeal = await hana.post(`/api/v1/cases/${caseId}/subject-appeals`, { partyId: subject.id, reason: 'New evidence' });
    expect(appeal.status).toBe(201);
    const detail = (await hana.get(`/api/v1/cases/${caseId}`)).body;
    expect(detail.status).toBe('review');
    expect(detail.dueProcess).toMatchObject({ standardOfProof: 'clear-and-convincing', notices: [{ what: 'The allegation ZQXNOTICE was put to them' }], responses: [{ text: 'I deny it ZQXRESPONSE' }], outcomes: [{ sanctions: ['supplier removed'] }], appeals: [{ reason: 'New evidence' }] });
    const sealed = await app.ctx.db.selectFrom('case_due_process').select('body_sealed').where('case_id', '=', caseId).execute();
    for (const row of sealed) expect(Buffer.from(row.body_sealed).toString('latin1')).not.toMatch(/ZQX/);
    const parties = await app.ctx.db.selectFrom('case_parties').select('details_sealed').where('case_id', '=', caseId).execute();
    for (const row of parties) expect(Buffer.from(row.details_sealed).includes('Pat Outsider')).toBe(false);
    await admin.request('PATCH', '/api/v1/admin/channels/general', { standardOfProof: null });
  });
});
