import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/databases.js';
import { startTestApp, type TestApp, type TestStaff } from '../support/app.js';

const tokenIn = (html: string) => /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
const receiptIn = (html: string) => /data-receipt>(.*?)<\/p>/s.exec(html)?.[1]?.replace(/<[^>]+>/g, '').replace(/\s+/g, ' ').trim() ?? '';

/** The hidden fields a review page carries to the send step, as a browser would post them. */
function hiddenFieldsIn(html: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const match of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    fields[match[1]!] = match[2]!.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  }
  return fields;
}

describe.each(DIALECTS)('the reporter portal over plain HTTP, as a browser without JavaScript uses it (%s)', (dialect) => {
  let app: TestApp;
  let handler: TestStaff;

  beforeAll(async () => {
    app = await startTestApp(dialect);
    handler = await app.createStaff('handler', { channel: 'general' });
  });
  afterAll(() => app?.close());

  const get = (path: string, headers: Record<string, string> = {}) => fetch(app.baseUrl + path, { headers, redirect: 'manual' });
  const postForm = (path: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
    fetch(app.baseUrl + path, { method: 'POST', body: new URLSearchParams(fields), headers, redirect: 'manual' });
  const postMultipart = (path: string, fields: Record<string, string>, files: { name: string; body: string }[] = [], headers: Record<string, string> = {}) => {
    const form = new FormData();
    for (const [name, value] of Object.entries(fields)) form.append(name, value);
    for (const file of files) form.append('evidence', new Blob([file.body], { type: 'text/plain' }), file.name);
    return fetch(app.baseUrl + path, { method: 'POST', body: form, headers, redirect: 'manual' });
  };

  async function reviewed(fields: Record<string, string>) {
    const token = tokenIn(await (await get('/c/general/report')).text());
    const review = await postForm('/c/general/review', { csrf: token, lang: 'en', questionnaire_version: '0', anonymity: 'anonymous', ...fields });
    return { review, html: await review.text() };
  }

  it('serves pages with a strict policy, no third-party resource and no cookie', async () => {
    for (const path of ['/', '/c/general', '/c/general/report', '/followup']) {
      const response = await get(path);
      expect(response.status).toBe(200);
      expect(response.headers.get('set-cookie')).toBeNull();
      expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
      expect(response.headers.get('cache-control')).toBe('no-store');
      const html = await response.text();
      const external = [...html.matchAll(/(?:src|href)="(https?:[^"]+)"/g)].map((match) => match[1]);
      expect(external).toEqual([app.config.portal.quickExitUrl]); // the quick exit is the only way out
    }
  });

  it('takes a report through review and send, stores it only on send, and shows the receipt once', async () => {
    const before = (await app.ctx.db.selectFrom('cases').select('id').execute()).length;
    const narrative = 'At the sales conference my manager cornered me. '.repeat(1300).slice(0, 60_000);
    const { review, html } = await reviewed({
      category: 'sexual-assault',
      narrative,
      when_kind: 'around',
      when_around: 'March 2026',
      where: 'business-trip',
      subject_name_1: 'Marc Keller',
      subject_rel_1: 'my manager',
      subject_name_2: 'Dan Price',
      subject_org_2: 'Northwind',
      subject_rel_2: 'a client',
      excluded_name_1: 'Paula Grant',
      safety: 'no',
    });
    expect(review.status).toBe(200);
    expect(html).toContain('Marc Keller, my manager; Dan Price, Northwind, a client');
    expect(html).toContain('class="support urgent"'); // not safe: help comes first
    expect((await app.ctx.db.selectFrom('cases').select('id').execute()).length).toBe(before);

    const sent = await postMultipart('/c/general/send', hiddenFieldsIn(html), [{ name: 'note.txt', body: 'my notes from that night' }]);
    expect(sent.status).toBe(201);
    expect(sent.headers.get('set-cookie')).toMatch(/candor_reporter=.+; .*HttpOnly.*SameSite=Strict/i);
    const page = await sent.text();
    const receipt = receiptIn(page);
    expect(receipt).toMatch(/^\d{4}( \d{4}){4}$/);

    const staff = await app.signIn(handler);
    const { id } = await app.ctx.db.selectFrom('cases').select('id').orderBy('received_at', 'desc').executeTakeFirstOrThrow();
    const detail = (await staff.get(`/api/v1/cases/${id}`)).body;
    expect(detail.narrative).toBe(narrative.trim());
    expect(detail.category).toBe('sexual-assault');
    expect(detail.occurredAt).toBe('around March 2026');
    expect(detail.location).toBe('business-trip');
    expect(detail.subjects).toEqual([
      { name: 'Marc Keller', organisation: null, relationship: 'my manager' },
      { name: 'Dan Price', organisation: 'Northwind', relationship: 'a client' },
    ]);
    expect(detail.excluded).toEqual([{ name: 'Paula Grant' }]);
    expect(detail.safeNow).toBe('no');
    expect(detail.questionnaireVersion).toBe(0);
    expect(detail.attachments.map((file: { filename: string }) => file.filename)).toEqual(['note.txt']);

    // The receipt opens the report again on the follow-up page.
    const followup = await get('/followup');
    const signIn = await postForm('/followup', { csrf: tokenIn(await followup.text()), receipt });
    expect(signIn.status).toBe(303);
    expect(signIn.headers.get('location')).toBe('/my-report?lang=en');
  });

  it('files a reviewed report once, however often the send is repeated (a reload of the receipt page)', async () => {
    const { html } = await reviewed({ narrative: 'sent once only' });
    const fields = hiddenFieldsIn(html);
    const count = async () => (await app.ctx.db.selectFrom('cases').select('id').execute()).length;
    const before = await count();
    expect((await postMultipart('/c/general/send', fields)).status).toBe(201);
    const again = await postMultipart('/c/general/send', fields, [{ name: 'late.txt', body: 'x' }]);
    expect(again.status).toBe(409);
    expect(await again.text()).toContain('This report was already sent');
    expect(await count()).toBe(before + 1);
    // A tampered submission id does not pass the form check.
    expect((await postMultipart('/c/general/send', { ...fields, submission: 'another' })).status).toBe(403);
  });

  it('sends the form back with its answers and the problems marked, storing nothing', async () => {
    const { review, html } = await reviewed({ narrative: '   ', subject_org_1: 'Northwind', anonymity: 'named', outcome: 'keep my job' });
    expect(review.status).toBe(400);
    expect(html).toContain('class="error-summary"');
    expect(html).toContain('href="#f-narrative"');
    expect(html).toContain('href="#f-identity_name"');
    expect(html).toContain('href="#f-subject_name_1"');
    expect(html).toContain('value="Northwind"');
    expect(html).toContain('keep my job');
  });

  it('takes supporters named on the form and stores them as the API does; those in the directory become protected persons', async () => {
    // The directory the HR system keeps: two of the supporters are in it, the third employee is not named.
    const admin = await app.signIn(await app.createStaff('admin'));
    const hrToken = (await admin.post('/api/v1/admin/tokens', { name: 'HR sync', role: 'hr-system' })).body.token as string;
    const hr = (path: string, body: unknown, method = 'POST') => app.client().request(method, path, body, { authorization: `Bearer ${hrToken}` });
    const employees = [
      { id: 'E7', name: 'Ines Moreau', email: 'ines.moreau@corp.example', department: 'Sales', managerId: null },
      { id: 'E8', name: 'Tom Becker', email: 'tom.becker@corp.example', department: 'Sales', managerId: null },
      { id: 'E9', name: 'Una Other', email: 'una@corp.example', department: 'IT', managerId: null },
    ];
    expect((await hr('/api/v1/directory/employees', { employees }, 'PUT')).status).toBe(200);
    const needsClearance = async (employeeId: string) => (await hr('/api/v1/hr-events/check', { employeeId, type: 'termination' })).body.clearanceRequired;
    expect(await needsClearance('E7')).toBe(false);

    const formPage = await (await get('/c/general/report')).text();
    expect(formPage).toContain('Is someone standing by you?');
    expect(formPage).toContain('data-people="supporter"');
    expect(formPage).toContain('name="supporter_contact_3"');

    // Two supporters: one by work e-mail, one by a name that matches one employee.
    const { review, html } = await reviewed({
      narrative: 'My team lead shouts at me in front of everyone. Two colleagues stood by me.',
      supporter_name_1: 'Ines Moreau',
      supporter_contact_1: 'ines.moreau@corp.example',
      supporter_name_2: 'Tom Becker',
    });
    expect(review.status).toBe(200);
    expect(html).toContain('<dt>Is someone standing by you?</dt><dd><span class="answer">Ines Moreau, ines.moreau@corp.example; Tom Becker</span>');
    const sent = await postMultipart('/c/general/send', hiddenFieldsIn(html));
    expect(sent.status).toBe(201);
    const caseRef = /Case reference: ([^<\s]+)/.exec(await sent.text())?.[1] ?? '';

    const staff = await app.signIn(handler);
    const { id } = await app.ctx.db.selectFrom('cases').select('id').where('ref', '=', caseRef).executeTakeFirstOrThrow();
    const detail = (await staff.get(`/api/v1/cases/${id}`)).body;
    expect(detail.supporters).toEqual([
      { name: 'Ines Moreau', contact: 'ines.moreau@corp.example' },
      { name: 'Tom Becker', contact: null },
    ]);
    const supporters = detail.parties.filter((party: { kind: string }) => party.kind === 'supporter');
    expect(supporters.map((party: { name: string; employeeId: string | null; source: string }) => [party.name, party.employeeId, party.source])).toEqual([
      ['Ines Moreau', 'E7', 'reporter'],
      ['Tom Becker', 'E8', 'reporter'],
    ]);
    for (const party of supporters) expect(party.protectedUntil).not.toBeNull();

    // The pre-action check the HR system calls: both supporters need clearance, an employee not named does not.
    expect([await needsClearance('E7'), await needsClearance('E8'), await needsClearance('E9')]).toEqual([true, true, false]);

    // The same people named through the intake API end up as the same parties.
    const viaApi = await app.submitReport({
      narrative: 'My team lead shouts at me in front of everyone. Two colleagues stood by me.',
      supporters: [{ name: 'Ines Moreau', contact: 'ines.moreau@corp.example' }, { name: 'Tom Becker' }],
    });
    const apiId = (await app.ctx.db.selectFrom('cases').select('id').where('ref', '=', viaApi.caseRef).executeTakeFirstOrThrow()).id;
    const apiDetail = (await staff.get(`/api/v1/cases/${apiId}`)).body;
    const comparable = (parties: Record<string, unknown>[]) => parties.map(({ id: _id, at: _at, protectedUntil: _until, ...rest }) => rest);
    expect(apiDetail.supporters).toEqual(detail.supporters);
    expect(comparable(apiDetail.parties)).toEqual(comparable(detail.parties));
  });

  it('marks a supporter row with no name next to the field, and keeps what was typed', async () => {
    const { review, html } = await reviewed({ narrative: 'x', supporter_name_1: 'Ines Moreau', supporter_contact_2: 'tom.becker@corp.example' });
    expect(review.status).toBe(400);
    expect(html).toContain('href="#f-supporter_name_2"');
    expect(html).toMatch(/<p class="error" id="f-supporter_name_2-error">Please add a name or a description of this person, or clear the row.<\/p>\s*<input type="text" id="f-supporter_name_2"/);
    expect(html).toContain('id="f-supporter_name_1" name="supporter_name_1" autocomplete="off" value="Ines Moreau"');
    expect(html).toContain('value="tom.becker@corp.example"');
  });

  it('marks a problem in a later row next to that row, when a row before it was left empty', async () => {
    const { review, html } = await reviewed({ narrative: 'x', witness_name_1: 'Lee Chen', supporter_name_1: 'Ines Moreau', supporter_name_3: 'T'.repeat(201) });
    expect(review.status).toBe(400);
    expect(html).toContain('id="f-supporter_name_3-error"');
    expect(html).not.toContain('id="f-supporter_name_2-error"');
  });

  it('refuses forms without a valid token, or posted from another site', async () => {
    const missing = await postForm('/c/general/review', { narrative: 'x' });
    expect(missing.status).toBe(403);
    expect(await missing.text()).toContain('This form has expired');
    const token = tokenIn(await (await get('/c/general/report')).text());
    const crossSite = await postForm('/c/general/review', { csrf: token, narrative: 'x' }, { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' });
    expect(crossSite.status).toBe(403);
    const forged = await postForm('/c/general/review', { csrf: `${Date.now()}.${'A'.repeat(43)}`, narrative: 'x' });
    expect(forged.status).toBe(403);
    app.clock.advance(13 * 60 * 60_000);
    const expired = await postForm('/c/general/review', { csrf: token, narrative: 'x' });
    expect(expired.status).toBe(403);
  });

  it('keeps a report on the questionnaire version it was shown, even if a new one is published meanwhile', async () => {
    const admin = await app.signIn(await app.createStaff('admin'));
    const publish = (label: string) =>
      admin.request('PUT', '/api/v1/admin/channels/general/questionnaire', {
        questions: [{ kind: 'builtin', id: 'narrative' }, { kind: 'text', id: 'team', label: { en: label } }],
      });
    const v1 = (await publish('Which team are you in?')).body.version;
    const formPage = await (await get('/c/general/report')).text();
    expect(formPage).toContain('Which team are you in?');
    expect(formPage).toContain(`name="questionnaire_version" value="${v1}"`);
    await publish('Which department?');
    const review = await postForm('/c/general/review', {
      csrf: tokenIn(formPage),
      questionnaire_version: String(v1),
      narrative: 'answered under the first version',
      q_team: 'Sales',
      anonymity: 'anonymous',
    });
    const html = await review.text();
    expect(html).toContain('Which team are you in?');
    expect(await (await postMultipart('/c/general/send', hiddenFieldsIn(html))).status).toBe(201);
    const row = await app.ctx.db.selectFrom('cases').select(['id', 'questionnaire_version']).orderBy('received_at', 'desc').executeTakeFirstOrThrow();
    expect(row.questionnaire_version).toBe(v1);
    const detail = (await (await app.signIn(handler)).get(`/api/v1/cases/${row.id}`)).body;
    expect(detail.answers).toEqual([{ id: 'team', question: 'Which team are you in?', answer: 'Sales' }]);
  });

  it('throttles receipt guessing per client, in memory, and says so plainly', async () => {
    // Behind a proxy the forwarded address tells clients apart; it is used in memory only.
    const proxied = await startTestApp(dialect, { env: { CANDOR_TRUST_PROXY: 'true' } });
    try {
      const post = (fields: Record<string, string>, address: string) =>
        fetch(`${proxied.baseUrl}/followup`, { method: 'POST', body: new URLSearchParams(fields), headers: { 'x-forwarded-for': address }, redirect: 'manual' });
      const token = tokenIn(await (await fetch(`${proxied.baseUrl}/followup`)).text());
      for (let attempt = 0; attempt < 10; attempt += 1) {
        expect((await post({ csrf: token, receipt: `0000 0000 0000 0000 000${attempt}` }, '198.51.100.9')).status).toBe(401);
      }
      const blocked = await post({ csrf: token, receipt: '1111 1111 1111 1111 1111' }, '198.51.100.9');
      expect(blocked.status).toBe(429);
      expect(await blocked.text()).toContain('Too many tries');
      expect((await post({ csrf: token, receipt: '1111 1111 1111 1111 1111' }, '203.0.113.5')).status).toBe(401);
      expect(JSON.stringify(await proxied.ctx.db.selectFrom('audit_events').selectAll().execute())).not.toContain('198.51.100.9');
      expect(proxied.logLines.join('')).not.toContain('198.51.100.9');
    } finally {
      await proxied.close();
    }
  });

  it('sends someone without a session to the follow-up page, and ties reply forms to the session', async () => {
    const away = await get('/my-report?lang=de');
    expect(away.status).toBe(303);
    expect(away.headers.get('location')).toBe('/followup?lang=de');

    const report = await app.submitReport({ narrative: 'for the reply test' });
    const signIn = async () => {
      const followup = await get('/followup');
      const response = await postForm('/followup', { csrf: tokenIn(await followup.text()), receipt: report.receipt });
      return /candor_reporter=([^;]+)/.exec(response.headers.get('set-cookie') ?? '')![1]!;
    };
    const first = await signIn();
    const second = await signIn();
    const firstPage = await (await get('/my-report', { cookie: `candor_reporter=${first}` })).text();
    const stolenToken = tokenIn(firstPage);
    const refused = await postMultipart('/my-report/messages', { csrf: stolenToken, body: 'from the other session' }, [], { cookie: `candor_reporter=${second}` });
    expect(refused.status).toBe(403);
    const sent = await postMultipart('/my-report/messages', { csrf: stolenToken, body: 'Here is more: it happened twice.' }, [], { cookie: `candor_reporter=${first}` });
    expect(sent.status).toBe(303);
    const after = await (await get('/my-report', { cookie: `candor_reporter=${first}` })).text();
    expect(after).toContain('Here is more: it happened twice.');
    expect(after).not.toContain('from the other session');
  });

  it('speaks the language in the URL, or the browser\'s, and keeps no cookie for it', async () => {
    const german = await get('/?lang=de');
    expect(await german.text()).toContain('<html lang="de">');
    expect(german.headers.get('set-cookie')).toBeNull();
    const chinese = await get('/', { 'accept-language': 'zh-CN,zh;q=0.9,en;q=0.5' });
    const html = await chinese.text();
    expect(html).toContain('<html lang="zh-Hans">');
    expect(html).toContain('href="/c/general/report?lang=zh"');
    expect(html).toMatch(/hreflang="de"/);
  });
});
