import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/databases.js';
import { startTestApp, type TestApp, type TestStaff } from '../support/app.js';

const tokenIn = (html: string) => /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
const submissionIn = (html: string) => /name="submission" value="([^"]+)"/.exec(html)?.[1] ?? '';
const receiptIn = (html: string, attribute = 'data-receipt') => new RegExp(`${attribute}>(.*?)</p>`, 's').exec(html)?.[1]?.replace(/<[^>]+>/g, '').replace(/\s+/g, ' ').trim() ?? '';

/** One browser without JavaScript: plain form posts, its own cookies, redirects not followed. */
class Browser {
  readonly cookies = new Map<string, string>();
  constructor(
    private readonly baseUrl: string,
    private readonly address: string,
  ) {}

  async request(method: 'GET' | 'POST', path: string, fields?: Record<string, string>) {
    const headers: Record<string, string> = { 'x-forwarded-for': this.address };
    if (this.cookies.size > 0) headers.cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    const response = await fetch(this.baseUrl + path, { method, headers, body: fields ? new URLSearchParams(fields) : undefined, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const [name, ...rest] = pair!.split('=');
      if (rest.join('=') === '' || /expires=Thu, 01 Jan 1970/i.test(line)) this.cookies.delete(name!.trim());
      else this.cookies.set(name!.trim(), rest.join('='));
    }
    return { status: response.status, location: response.headers.get('location'), setCookie: response.headers.get('set-cookie'), html: await response.text() };
  }
  get(path: string) {
    return this.request('GET', path);
  }
  post(path: string, fields: Record<string, string>) {
    return this.request('POST', path, fields);
  }

  /** Opens the escrow form and sends it with these answers. */
  async holdEntry(fields: Record<string, string>) {
    const form = await this.get('/escrow');
    expect(form.status).toBe(200);
    const sent = { csrf: tokenIn(form.html), submission: submissionIn(form.html), lang: 'en', ...fields };
    return { sent, response: await this.post('/escrow', sent) };
  }

  /** The token of the forms on the signed-in entry page. */
  async entryToken(): Promise<string> {
    const page = await this.get('/escrow/entry');
    expect(page.status).toBe(200);
    return tokenIn(page.html);
  }
}

describe.each(DIALECTS)('the escrow pages over plain HTTP, as a browser without JavaScript uses them (%s)', (dialect) => {
  let app: TestApp;
  let handler: TestStaff;
  let browsers = 0;
  const browser = () => new Browser(app.baseUrl, `192.0.2.${(browsers += 1)}`);

  beforeAll(async () => {
    app = await startTestApp(dialect, { env: { CANDOR_TRUST_PROXY: 'true' } });
    handler = await app.createStaff('handler', { channel: 'general' });
    await app.createStaff('counselor');
  });
  afterAll(() => app?.close());

  const entryCount = async () => (await app.ctx.db.selectFrom('escrow_entries').select('id').execute()).length;

  it('is reached from the landing page and sets no cookie until an entry is held', async () => {
    const visitor = browser();
    const landing = await visitor.get('/?lang=en');
    expect(landing.html).toContain('href="/escrow?lang=en"');
    expect(landing.html).toContain('href="/escrow/return?lang=en"');
    for (const path of ['/escrow', '/escrow/return', '/escrow?lang=zh']) {
      const page = await visitor.get(path);
      expect(page.status).toBe(200);
      expect(page.setCookie).toBeNull();
    }
    expect((await visitor.get('/escrow?lang=de')).html).toContain('Für mich aufbewahren');
    expect((await visitor.get('/escrow?lang=en')).html).toContain('If someone else names the same person in their own entry');
    // Not signed in: the entry page sends the visitor to the receipt form.
    const entry = await visitor.get('/escrow/entry?lang=fr');
    expect(entry.status).toBe(303);
    expect(entry.location).toBe('/escrow/return?lang=fr');
  });

  it('sends the form back with the problems marked and the answers kept, storing nothing', async () => {
    const { response } = await browser().holdEntry({ identifier_kind_1: 'email', identifier_value_1: 'marc at example', identifier_kind_2: 'phone', identifier_value_2: '07700 900123', account: '   ' });
    expect(response.status).toBe(400);
    expect(response.html).toContain('class="error-summary"');
    expect(response.html).toContain('href="#f-identifier_value_1"');
    expect(response.html).toContain('href="#f-account"');
    expect(response.html).toContain('value="marc at example"');
    expect(response.html).toContain('This does not look like an e-mail address.');
    expect(await entryCount()).toBe(0);
  });

  it('refuses a form without a valid token', async () => {
    const response = await browser().post('/escrow', { identifier_kind_1: 'email', identifier_value_1: 'marc@example.com', account: 'x' });
    expect(response.status).toBe(403);
    expect(await entryCount()).toBe(0);
  });

  let first: Browser;
  let firstReceipt = '';

  it('holds an entry, shows its receipt once, and holds it only once when the form is sent again', async () => {
    first = browser();
    const { sent, response } = await first.holdEntry({ identifier_kind_1: 'email', identifier_value_1: 'Marc.Keller@Northwind.example', account: 'He cornered me at the sales conference.', contact_email: 'me@example.net' });
    expect(response.status).toBe(201);
    expect(response.setCookie).toMatch(/candor_escrow=.+; .*HttpOnly.*SameSite=Strict/i);
    firstReceipt = receiptIn(response.html);
    expect(firstReceipt).toMatch(/^\d{4}( \d{4}){4}$/);
    expect(await entryCount()).toBe(1);

    // A reload of the receipt page posts the same form again: no second entry (it would match the first).
    const again = await first.post('/escrow', sent);
    expect(again.status).toBe(409);
    expect(again.html).toContain('This entry is already held.');
    expect(await entryCount()).toBe(1);

    const entry = await first.get('/escrow/entry?lang=en');
    expect(entry.status).toBe(200);
    expect(entry.html).toContain('data-match="no"');
    expect(entry.html).toContain('He cornered me at the sales conference.');
    expect(entry.html).toContain('Marc.Keller@Northwind.example');
  });

  it('shows both reporters the match, and keeps the reporter\'s choice about a report', async () => {
    const second = browser();
    const { response } = await second.holdEntry({ identifier_kind_1: 'email', identifier_value_1: 'marc.keller+events@northwind.example', account: 'Same man, different year.' });
    expect(response.status).toBe(201);
    expect((await second.get('/escrow/entry')).html).toContain('data-match="yes"');
    const page = await first.get('/escrow/entry');
    expect(page.html).toContain('data-match="yes"');
    expect(page.html).toContain('Someone else has, independently, named the same person.');

    const consent = await first.post('/escrow/entry/consent', { csrf: tokenIn(page.html), lang: 'en', consent: 'yes' });
    expect(consent.status).toBe(303);
    expect(consent.location).toBe('/escrow/entry?lang=en&saved=consent');
    const saved = await first.get(consent.location!);
    expect(saved.html).toContain('Your choice is saved.');
    expect(saved.html).toMatch(/id="f-consent" name="consent" value="yes" checked/);
  });

  it('adds a way to identify the person on a return visit, and marks what it cannot read', async () => {
    const token = await first.entryToken();
    const bad = await first.post('/escrow/entry/identifiers', { csrf: token, lang: 'en', identifier_kind_1: 'phone', identifier_value_1: 'call him' });
    expect(bad.status).toBe(400);
    expect(bad.html).toContain('This does not look like a phone number.');
    const added = await first.post('/escrow/entry/identifiers', { csrf: token, lang: 'en', identifier_kind_1: 'employee', identifier_value_1: 'e 2231' });
    expect(added.status).toBe(303);
    expect((await first.get(added.location!)).html).toContain('e 2231');
    expect(await app.ctx.db.selectFrom('escrow_tags').select('tag').execute()).toHaveLength(3);
  });

  it('signs in again with the receipt, and out', async () => {
    const returning = browser();
    const form = await returning.get('/escrow/return');
    const bad = await returning.post('/escrow/return', { csrf: tokenIn(form.html), receipt: '1234 5678 9012 3456 7890' });
    expect(bad.status).toBe(401);
    expect(bad.html).toContain('That receipt does not match an entry.');
    const good = await returning.post('/escrow/return', { csrf: tokenIn(form.html), receipt: firstReceipt, lang: 'es' });
    expect(good.status).toBe(303);
    expect(good.location).toBe('/escrow/entry?lang=es');
    const entry = await returning.get(good.location!);
    expect(entry.html).toContain('Su declaración sellada');
    const out = await returning.post('/escrow/entry/sign-out', { csrf: tokenIn(entry.html), lang: 'es' });
    expect(out.status).toBe(303);
    expect((await returning.get('/escrow/entry')).status).toBe(303);
    // A report's receipt form does not open an entry, nor an entry's receipt a report.
    const followup = await returning.get('/followup');
    expect((await returning.post('/followup', { csrf: tokenIn(followup.html), receipt: firstReceipt })).status).toBe(401);
  });

  it('turns an entry into a report, whose receipt the reporter gets', async () => {
    const reporter = browser();
    await reporter.holdEntry({ identifier_kind_1: 'url', identifier_value_1: 'https://www.linkedin.com/in/dan-price/', account: 'The client at the trade fair.' });
    const made = await reporter.post('/escrow/entry/report', { csrf: await reporter.entryToken(), lang: 'en', category: 'sexual-harassment' });
    expect(made.status).toBe(201);
    const caseReceipt = receiptIn(made.html);
    expect(caseReceipt).toMatch(/^\d{4}( \d{4}){4}$/);
    const caseRef = /CN-[0-9A-Z]{4}-[0-9A-Z]{4}/.exec(made.html)?.[0];

    const staff = await app.signIn(handler);
    const item = (await staff.get('/api/v1/cases')).body.items.find((candidate: { ref: string }) => candidate.ref === caseRef);
    const detail = (await staff.get(`/api/v1/cases/${item.id}`)).body;
    expect(detail.narrative).toBe('The client at the trade fair.');
    expect(detail.category).toBe('sexual-harassment');
    expect(detail.subjects).toEqual([{ name: 'https://www.linkedin.com/in/dan-price/', organisation: null, relationship: null }]);

    const entry = await reporter.get('/escrow/entry');
    expect(entry.html).toContain(`You made this entry into a report (reference ${caseRef})`);
    expect(entry.html).not.toContain('report-entry-form');
    // The report's receipt opens the report.
    const followup = await reporter.get('/followup');
    expect((await reporter.post('/followup', { csrf: tokenIn(followup.html), receipt: caseReceipt })).status).toBe(303);
  });

  it('withdraws an entry by destroying it: content, keys, shares, sessions', async () => {
    const token = await first.entryToken();
    const unconfirmed = await first.post('/escrow/entry/withdraw', { csrf: token, lang: 'en' });
    expect(unconfirmed.status).toBe(400);
    expect(unconfirmed.html).toContain('please tick the box first');

    const sessionId = first.cookies.get('candor_escrow')!.split('.')[0]!;
    const { entry_id: entryId } = await app.ctx.db.selectFrom('escrow_sessions').select('entry_id').where('id', '=', sessionId).executeTakeFirstOrThrow();
    expect((await app.ctx.db.selectFrom('escrow_access').select('user_id').where('entry_id', '=', entryId).execute()).length).toBe(1);
    const withdrawn = await first.post('/escrow/entry/withdraw', { csrf: token, lang: 'en', confirm: 'yes' });
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.html).toContain('Your entry has been withdrawn');
    expect(first.cookies.has('candor_escrow')).toBe(false);

    for (const table of ['escrow_entries', 'escrow_tags', 'escrow_access', 'escrow_sessions', 'escrow_notices'] as const) {
      const column = table === 'escrow_entries' ? 'id' : 'entry_id';
      expect(await app.ctx.db.selectFrom(table).select(column).where(column, '=', entryId).execute(), table).toEqual([]);
    }
    const audit = await app.ctx.db.selectFrom('audit_events').select(['action', 'details']).where('target_id', '=', entryId).execute();
    expect(audit.map((row) => row.action)).toContain('escrow.withdraw');

    // The receipt opens nothing any more.
    const returning = browser();
    const form = await returning.get('/escrow/return');
    expect((await returning.post('/escrow/return', { csrf: tokenIn(form.html), receipt: firstReceipt })).status).toBe(401);
  });
});
