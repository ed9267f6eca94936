import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/databases.js';
import { startTestApp, type TestApp } from '../support/app.js';

/** Bad input gets a clear error with a stable code, never a stack trace, and changes nothing. */
describe.each(DIALECTS)('bad input (%s)', (dialect) => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp(dialect);
    await app.createStaff('handler', { channel: 'general' });
  });
  afterAll(() => app?.close());

  const counts = async () => ({
    cases: (await app.ctx.db.selectFrom('cases').select('id').execute()).length,
    grants: (await app.ctx.db.selectFrom('case_access').select('case_id').execute()).length,
    audit: (await app.ctx.db.selectFrom('audit_events').select('seq').execute()).length,
  });

  const valid = { category: 'harassment', narrative: 'what happened', anonymity: 'anonymous' };
  const cases: [string, unknown, string, string[]][] = [
    ['an unknown field', { ...valid, ip: '1.2.3.4' }, 'invalid_request', ['ip']],
    ['a missing narrative', { category: 'harassment', anonymity: 'anonymous' }, 'invalid_request', ['narrative']],
    ['an empty narrative', { ...valid, narrative: '   ' }, 'invalid_request', ['narrative']],
    ['an unknown category', { ...valid, category: 'gossip' }, 'invalid_request', ['category']],
    ['a wrong type', { ...valid, narrative: 42 }, 'invalid_request', ['narrative']],
    ['an identity on an anonymous report', { ...valid, identity: { name: 'Ada' } }, 'invalid_request', ['identity']],
    ['a named report without a name', { ...valid, anonymity: 'named' }, 'invalid_request', ['identity']],
    ['an unknown field inside identity', { ...valid, anonymity: 'named', identity: { name: 'Ada', ssn: '1' } }, 'invalid_request', ['identity.ssn']],
    ['an unknown channel', { ...valid, channel: 'nope' }, 'unknown_channel', ['channel']],
    ['a narrative over the limit', { ...valid, narrative: 'x'.repeat(100_001) }, 'invalid_request', ['narrative']],
  ];

  it.each(cases)('answers %s with a field error and stores nothing', async (_label, body, code, fields) => {
    const before = await counts();
    const result = await app.client().post('/api/v1/reports', body);
    expect(result.status).toBe(400);
    expect(result.body.error.code).toBe(code);
    expect(Object.keys(result.body.error.fields)).toEqual(fields);
    expect(result.body.error.requestId).toMatch(/[0-9a-f-]{36}/);
    expect(await counts()).toEqual(before);
  });

  it('answers malformed JSON, a wrong content type and an oversized body with their own codes', async () => {
    const before = await counts();
    const client = app.client();
    const malformed = await client.post('/api/v1/reports', '{"category": "harassment",', { 'content-type': 'application/json' });
    expect([malformed.status, malformed.body.error.code]).toEqual([400, 'invalid_json']);
    const form = await client.post('/api/v1/reports', 'narrative=hello', { 'content-type': 'application/x-www-form-urlencoded' });
    expect([form.status, form.body.error.code]).toEqual([415, 'unsupported_media_type']);
    const huge = await client.post('/api/v1/reports', { ...valid, narrative: 'x'.repeat(2 * 1024 * 1024) });
    expect([huge.status, huge.body.error.code]).toEqual([413, 'body_too_large']);
    const poisoned = await client.post('/api/v1/reports', '{"__proto__": {"admin": true}, "category": "harassment"}', { 'content-type': 'application/json' });
    expect(poisoned.status).toBe(400);
    for (const result of [malformed, form, huge, poisoned]) {
      expect(JSON.stringify(result.body)).not.toMatch(/node_modules|at [A-Za-z.]+ \(|Error:/);
    }
    expect(await counts()).toEqual(before);
  });

  it('answers unknown routes, bad ids and stray bodies with stable codes', async () => {
    const staff = await app.signIn(await app.createStaff('handler', { channel: 'general' }));
    expect((await staff.get('/api/v1/nowhere')).body.error.code).toBe('not_found');
    const badId = await staff.get('/api/v1/cases/not-a-uuid');
    expect([badId.status, badId.body.error.code, Object.keys(badId.body.error.fields)]).toEqual([400, 'invalid_request', ['params.id']]);
    const badLimit = await staff.get('/api/v1/cases?limit=100000');
    expect([badLimit.status, Object.keys(badLimit.body.error.fields)]).toEqual([400, ['query.limit']]);
    const stray = await staff.get('/api/v1/cases?sort=name');
    expect(Object.keys(stray.body.error.fields)).toEqual(['query.sort']);
    const emptyMessage = await staff.post('/api/v1/cases/00000000-0000-4000-8000-000000000000/messages', { body: '' });
    expect([emptyMessage.status, Object.keys(emptyMessage.body.error.fields)]).toEqual([400, ['body']]);
  });

  it('publishes an OpenAPI 3.1 document generated from the request schemas', async () => {
    const result = await app.client().get('/api/openapi.json');
    expect(result.status).toBe(200);
    expect(result.body.openapi).toBe('3.1.0');
    expect(Object.keys(result.body.paths)).toEqual(
      expect.arrayContaining(['/api/v1/reports', '/api/v1/reporter/session', '/api/v1/reporter/case', '/api/v1/cases', '/api/v1/cases/{id}', '/api/v1/cases/{id}/acknowledge']),
    );
    const submit = result.body.components.schemas.SubmitReportBody;
    expect(submit.required).toEqual(expect.arrayContaining(['category', 'narrative', 'anonymity']));
    expect(submit.additionalProperties).toBe(false);
    expect(submit.properties.narrative.maxLength).toBe(100_000);
    expect(result.body.paths['/api/v1/reports'].post.responses['503']).toBeDefined();
  });

  it('answers health and readiness', async () => {
    expect((await app.client().get('/healthz')).body).toEqual({ status: 'ok' });
    expect((await app.client().get('/readyz')).body).toEqual({ status: 'ready' });
  });
});
