import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/databases.js';
import { startTestApp, type TestApp, type TestStaff } from '../support/app.js';

const builtin = (id: string) => ({ kind: 'builtin', id });

describe.each(DIALECTS)('versioned questionnaires (%s)', (dialect) => {
  let app: TestApp;
  let handler: TestStaff;
  let admin: TestStaff;

  beforeAll(async () => {
    app = await startTestApp(dialect);
    handler = await app.createStaff('handler', { channel: 'general' });
    admin = await app.createStaff('admin');
  });
  afterAll(() => app?.close());

  it('starts every channel on the built-in questionnaire, version 0', async () => {
    const result = await app.client().get('/api/v1/channels/general/questionnaire');
    expect(result.status).toBe(200);
    expect(result.body.version).toBe(0);
    expect(result.body.definition.questions.map((question: { id: string }) => question.id)).toEqual([
      'category', 'narrative', 'when', 'where', 'subjects', 'witnesses', 'supporters', 'excluded', 'outcome', 'safety',
    ]);
    expect((await app.client().get('/api/v1/channels/nope/questionnaire')).body.error.code).toBe('unknown_channel');
  });

  it('keeps the answers of an old report with the questions they were given under', async () => {
    const console = await app.signIn(admin);
    const v1 = await console.request('PUT', '/api/v1/admin/channels/general/questionnaire', {
      questions: [
        builtin('narrative'),
        { kind: 'choice', id: 'reported_before', label: { en: 'Have you told anyone at work before?', de: 'Haben Sie es schon jemandem gesagt?' }, options: [
          { value: 'yes', label: { en: 'Yes' } },
          { value: 'no', label: { en: 'No' } },
        ] },
      ],
    });
    expect(v1.status).toBe(201);
    expect(v1.body.version).toBe(1);

    const report = await app.submitReport({ questionnaireVersion: 1, answers: { reported_before: 'yes' } });

    const v2 = await console.request('PUT', '/api/v1/admin/channels/general/questionnaire', {
      questions: [builtin('narrative'), { kind: 'text', id: 'reported_before', label: { en: 'Whom did you tell?' } }],
    });
    expect(v2.body.version).toBe(2);
    expect((await app.client().get('/api/v1/channels/general/questionnaire?version=1')).body.definition.questions[1].label.en).toBe(
      'Have you told anyone at work before?',
    );

    const staff = await app.signIn(handler);
    const { id } = await app.ctx.db.selectFrom('cases').select('id').where('ref', '=', report.caseRef).executeTakeFirstOrThrow();
    const detail = await staff.get(`/api/v1/cases/${id}`);
    expect(detail.body.questionnaireVersion).toBe(1);
    expect(detail.body.answers).toEqual([{ id: 'reported_before', question: 'Have you told anyone at work before?', answer: 'Yes' }]);
  });

  it('checks answers against the version they claim, and refuses unknown versions', async () => {
    const client = app.client();
    const base = { category: 'other', narrative: 'x', anonymity: 'anonymous' };
    const unknownQuestion = await client.post('/api/v1/reports', { ...base, questionnaireVersion: 1, answers: { shoe_size: '9' } });
    expect([unknownQuestion.status, Object.keys(unknownQuestion.body.error.fields)]).toEqual([400, ['answers.shoe_size']]);
    const badOption = await client.post('/api/v1/reports', { ...base, questionnaireVersion: 1, answers: { reported_before: 'maybe' } });
    expect(Object.keys(badOption.body.error.fields)).toEqual(['answers.reported_before']);
    const alwaysAllowed = await client.post('/api/v1/reports', { ...base, questionnaireVersion: 1, answers: { reported_before: 'rather-not-say' } });
    expect(alwaysAllowed.status).toBe(201);
    const missing = await client.post('/api/v1/reports', { ...base, questionnaireVersion: 9 });
    expect(Object.keys(missing.body.error.fields)).toEqual(['questionnaireVersion']);
  });

  it('lets only admins publish, and only sound definitions', async () => {
    const staff = await app.signIn(handler);
    const denied = await staff.request('PUT', '/api/v1/admin/channels/general/questionnaire', { questions: [builtin('narrative')] });
    expect([denied.status, denied.body.error.code]).toEqual([403, 'admin_only']);
    const console = await app.signIn(admin);
    const noAccount = await console.request('PUT', '/api/v1/admin/channels/general/questionnaire', { questions: [builtin('when')] });
    expect(noAccount.status).toBe(400);
    const duplicate = await console.request('PUT', '/api/v1/admin/channels/general/questionnaire', {
      questions: [builtin('narrative'), builtin('narrative')],
    });
    expect(duplicate.status).toBe(400);
    const shadowing = await console.request('PUT', '/api/v1/admin/channels/general/questionnaire', {
      questions: [builtin('narrative'), { kind: 'text', id: 'when', label: { en: 'When?' } }],
    });
    expect(shadowing.status).toBe(400);
  });

  it('records subjects inside and outside the company, witnesses and people who must not see, sealed', async () => {
    const report = await app.submitReport({
      category: 'sexual-assault',
      subjects: [{ name: 'Marc Keller', relationship: 'my manager' }, { name: 'Dan Price', organisation: 'Northwind (client)', relationship: 'client' }],
      witnesses: [{ name: 'Lee Chen' }],
      excluded: [{ name: 'Paula Grant' }],
      outcome: 'I want it to stop and I want to keep my job.',
      safeNow: 'unsure',
    });
    const staff = await app.signIn(handler);
    const { id } = await app.ctx.db.selectFrom('cases').select('id').where('ref', '=', report.caseRef).executeTakeFirstOrThrow();
    const detail = (await staff.get(`/api/v1/cases/${id}`)).body;
    expect(detail.subjects).toEqual([
      { name: 'Marc Keller', organisation: null, relationship: 'my manager' },
      { name: 'Dan Price', organisation: 'Northwind (client)', relationship: 'client' },
    ]);
    expect(detail.witnesses).toEqual([{ name: 'Lee Chen', contact: null }]);
    expect(detail.excluded).toEqual([{ name: 'Paula Grant' }]);
    expect(detail.outcome).toBe('I want it to stop and I want to keep my job.');
    expect(detail.safeNow).toBe('unsure');
  });

  it('still reads a version stored with a custom question named like a later built-in (supporters), and refuses the name in new versions', async () => {
    const channel = await app.ctx.db.selectFrom('channels').select('id').where('slug', '=', 'general').executeTakeFirstOrThrow();
    const latest = await app.ctx.db.selectFrom('questionnaires').select('version').where('channel_id', '=', channel.id).orderBy('version', 'desc').executeTakeFirstOrThrow();
    const version = latest.version + 1;
    // Published before `supporters` was built in, when it was a name an admin could choose.
    await app.ctx.db
      .insertInto('questionnaires')
      .values({
        channel_id: channel.id,
        version,
        definition: JSON.stringify({ questions: [builtin('narrative'), { kind: 'text', id: 'supporters', label: { en: 'Who has your back?' } }] }),
        created_at: new Date().toISOString(),
        created_by: null,
      })
      .execute();

    const current = await app.client().get('/api/v1/channels/general/questionnaire');
    expect([current.status, current.body.version, current.body.definition.questions[1]]).toEqual([200, version, { kind: 'text', id: 'supporters', label: { en: 'Who has your back?' }, multiline: false }]);
    const form = await fetch(`${app.baseUrl}/c/general/report`);
    expect([form.status, await form.text()]).toEqual([200, expect.stringContaining('Who has your back?')]);

    // A report under it keeps its answer, labelled, beside the supporters it names.
    const report = await app.submitReport({ questionnaireVersion: version, answers: { supporters: 'my sister' }, supporters: [{ name: 'Lee Chen' }] });
    const { id } = await app.ctx.db.selectFrom('cases').select('id').where('ref', '=', report.caseRef).executeTakeFirstOrThrow();
    const detail = (await (await app.signIn(handler)).get(`/api/v1/cases/${id}`)).body;
    expect(detail.answers).toEqual([{ id: 'supporters', question: 'Who has your back?', answer: 'my sister' }]);
    expect(detail.supporters).toEqual([{ name: 'Lee Chen', contact: null }]);

    const console = await app.signIn(admin);
    const republished = await console.request('PUT', '/api/v1/admin/channels/general/questionnaire', {
      questions: [builtin('narrative'), { kind: 'text', id: 'supporters', label: { en: 'Who has your back?' } }],
    });
    expect(republished.status).toBe(400);
  });
});
