import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addIdentifiers, getEntry, setConsent, signInToEntry } from '../../src/escrow/escrow.service.js';
import { authenticateEscrow } from '../../src/escrow/escrow.session.js';
import { DIALECTS } from '../support/databases.js';
import { startTestApp, type TestApp, type TestStaff } from '../support/app.js';
import type { HttpClient } from '../support/http-client.js';

type Identifier = { kind: 'email' | 'phone' | 'employee' | 'url'; value: string };

let clientNumber = 0;
/** Each lodging from its own address (the app trusts X-Forwarded-For), so the lodging throttle stays out of the way. */
async function lodge(app: TestApp, identifiers: Identifier[], account: string, extra: Record<string, unknown> = {}) {
  clientNumber += 1;
  app.clock.advance(1000); // entries are listed in the order they were lodged
  const result = await app.client().post('/api/v1/escrow/entries', { identifiers, account, ...extra }, { 'x-forwarded-for': `198.51.100.${clientNumber % 250}` });
  if (result.status !== 201) throw new Error(`lodging failed: ${result.status} ${JSON.stringify(result.body)}`);
  return result.body.receipt as string;
}

/** What the reporter of a receipt would see on a return visit, and their principal for further steps. */
async function returnVisit(app: TestApp, receipt: string) {
  const session = await signInToEntry(app.ctx, receipt);
  const principal = await authenticateEscrow(app.ctx, session.token);
  return { principal, entry: await getEntry(app.ctx, principal) };
}

const matchedPools = async (app: TestApp) => (await app.ctx.db.selectFrom('escrow_pools').select('id').where('matched_at', 'is not', null).execute()).length;

describe.each(DIALECTS)('escrow: entries that open only when someone else names the same person (%s)', (dialect) => {
  let app: TestApp;
  let counselor: TestStaff;
  let counselorApi: HttpClient;
  let handler: TestStaff;

  beforeAll(async () => {
    app = await startTestApp(dialect, { env: { CANDOR_TRUST_PROXY: 'true', CANDOR_ESCROW_PHONE_REGION: 'GB' } });
    counselor = await app.createStaff('counselor');
    counselorApi = await app.signIn(counselor);
    handler = await app.createStaff('handler', { channel: 'general' });
  });
  afterAll(() => app?.close());

  let marcMatchId = '';
  let marcFirstReceipt = '';

  it('matches two entries that name the same person through different spellings of their e-mail', async () => {
    marcFirstReceipt = await lodge(app, [{ kind: 'email', value: 'Marc.Keller+travel@GMail.com' }], 'He assaulted me on the Lyon trip.', { contactEmail: 'first@example.net' });
    expect((await returnVisit(app, marcFirstReceipt)).entry.matched).toBe(false);
    expect((await counselorApi.get('/api/v1/escrow/matches')).body.items).toEqual([]);

    const second = await lodge(app, [{ kind: 'email', value: '  marckeller@googlemail.com ' }, { kind: 'phone', value: '07700 900123' }], 'The same man, at the 2024 party.');
    const list = await counselorApi.get('/api/v1/escrow/matches');
    expect(list.status).toBe(200);
    expect(list.body.items).toHaveLength(1);
    expect(list.body.items[0]).toMatchObject({ entries: 2, consenting: 0, reported: 0 });
    marcMatchId = list.body.items[0].id;

    const detail = await counselorApi.get(`/api/v1/escrow/matches/${marcMatchId}`);
    expect(detail.status).toBe(200);
    expect(detail.body.withheld).toBe(0);
    expect(detail.body.entries.map((entry: { account: string }) => entry.account)).toEqual(['He assaulted me on the Lyon trip.', 'The same man, at the 2024 party.']);
    expect(detail.body.entries[1].identifiers).toEqual([
      { kind: 'email', value: 'marckeller@googlemail.com' },
      { kind: 'phone', value: '07700 900123' },
    ]);

    // Both reporters see the match on their next visit; the one who left an address has a notice waiting.
    expect((await returnVisit(app, marcFirstReceipt)).entry.matched).toBe(true);
    expect((await returnVisit(app, second)).entry.matched).toBe(true);
    const notices = await app.ctx.db.selectFrom('escrow_notices').select(['id', 'address_sealed']).execute();
    expect(notices).toHaveLength(1);
    expect(notices[0]!.address_sealed.includes(Buffer.from('first@example.net'))).toBe(false);
    // Queued in the e-mail outbox (kept there: this installation has no SMTP), naming only the notice.
    const outbox = await app.ctx.db.selectFrom('mail_outbox').select(['recipient_kind', 'case_id', 'user_id', 'template', 'params', 'state']).execute();
    expect(outbox).toEqual([{ recipient_kind: 'escrow', case_id: null, user_id: null, template: 'escrow.news', params: JSON.stringify({ notice: notices[0]!.id }), state: 'pending' }]);

    // The match and the read are audited; the audit says how many, never who.
    const actions = (await app.ctx.db.selectFrom('audit_events').select(['action', 'details', 'target_id']).execute()).filter((row) => row.action.startsWith('escrow.match'));
    expect(actions.map((row) => row.action)).toEqual(['escrow.match.list', 'escrow.match', 'escrow.match.list', 'escrow.match.read']);
    expect(JSON.parse(actions[1]!.details)).toMatchObject({ entries: 2, threshold: 2, counselors: 1, notices: 1 });
    expect(actions.map((row) => row.details).join(' ')).not.toMatch(/marc|keller|lyon/i);
  });

  it('does not match entries that name different people', async () => {
    const before = await matchedPools(app);
    await lodge(app, [{ kind: 'email', value: 'dan.price@northwind.example' }], 'A client, at the fair.');
    await lodge(app, [{ kind: 'email', value: 'danprice@northwind.example' }], 'Someone else with a similar name.');
    await lodge(app, [{ kind: 'phone', value: '+44 7700 900124' }], 'One digit away from another number.');
    await lodge(app, [{ kind: 'employee', value: 'E-1001' }], 'An employee id.');
    await lodge(app, [{ kind: 'employee', value: 'E1001' }], 'A different employee id.');
    expect(await matchedPools(app)).toBe(before);
  });

  it('never counts the same receipt twice, however often it names the person', async () => {
    const before = await matchedPools(app);
    const receipt = await lodge(app, [{ kind: 'email', value: 'paula.grant@example.com' }, { kind: 'email', value: 'Paula.Grant+x@Example.com' }], 'Named twice in one entry.');
    const { principal } = await returnVisit(app, receipt);
    const entryTags = await app.ctx.db.selectFrom('escrow_tags').select('tag').where('entry_id', '=', principal.entryId).execute();
    expect(entryTags).toHaveLength(1);

    // Adding the same person again on a return visit files nothing new and opens nothing.
    expect(await addIdentifiers(app.ctx, principal, [{ kind: 'email', value: 'PAULA.GRANT@example.com' }])).toEqual({ added: 0, matched: false });
    expect(await matchedPools(app)).toBe(before);
    // The database itself refuses a second share of one tag for one entry.
    const row = await app.ctx.db.selectFrom('escrow_tags').selectAll().where('entry_id', '=', principal.entryId).executeTakeFirstOrThrow();
    await expect(app.ctx.db.insertInto('escrow_tags').values({ ...row, created_at: new Date().toISOString() }).execute()).rejects.toThrow();

    // A second, independent receipt does match: the refusal above is about the receipt, not the person.
    await lodge(app, [{ kind: 'email', value: 'paula.grant@example.com' }], 'Someone else, independently.');
    expect(await matchedPools(app)).toBe(before + 1);
  });

  it('matches entries lodged at the same moment', async () => {
    const before = await matchedPools(app);
    await Promise.all([
      lodge(app, [{ kind: 'url', value: 'https://www.linkedin.com/in/Ola-Berg/' }], 'First of two at once.'),
      lodge(app, [{ kind: 'url', value: 'linkedin.com/in/ola-berg?trk=share' }], 'Second of two at once.'),
    ]);
    expect(await matchedPools(app)).toBe(before + 1);
  });

  it('opens a report from a match only with each reporter\'s consent', async () => {
    const refused = await counselorApi.post(`/api/v1/escrow/matches/${marcMatchId}/cases`, {});
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('no_consent');
    expect(await app.ctx.db.selectFrom('cases').select('id').execute()).toHaveLength(0);

    const first = await returnVisit(app, marcFirstReceipt);
    await setConsent(app.ctx, first.principal, true);
    const opened = await counselorApi.post(`/api/v1/escrow/matches/${marcMatchId}/cases`, { category: 'sexual-assault' });
    expect(opened.status).toBe(201);
    expect(opened.body.opened).toHaveLength(1);
    expect(opened.body.awaitingConsent).toBe(1);

    // The handler of the channel has the report, with the first reporter's account only.
    const staff = await app.signIn(handler);
    const cases = (await staff.get('/api/v1/cases')).body.items;
    expect(cases).toHaveLength(1);
    expect(cases[0].ref).toBe(opened.body.opened[0].caseRef);
    const detail = (await staff.get(`/api/v1/cases/${cases[0].id}`)).body;
    expect(detail.narrative).toBe('He assaulted me on the Lyon trip.');
    expect(detail.category).toBe('sexual-assault');
    expect(detail.subjects).toEqual([{ name: 'Marc.Keller+travel@GMail.com', organisation: null, relationship: null }]);

    // The reporter finds the report's receipt on their next visit, and it opens the report.
    const again = (await returnVisit(app, marcFirstReceipt)).entry;
    expect(again.caseRef).toBe(cases[0].ref);
    expect(again.caseReceipt).toMatch(/^\d{4}( \d{4}){4}$/);
    const reporter = app.client();
    expect((await reporter.post('/api/v1/reporter/session', { receipt: again.caseReceipt })).status).toBe(204);
    expect((await reporter.get('/api/v1/reporter/case')).body.caseRef).toBe(cases[0].ref);

    // Nobody else has agreed: nothing more is opened.
    expect((await counselorApi.post(`/api/v1/escrow/matches/${marcMatchId}/cases`, {})).status).toBe(409);
    expect((await counselorApi.get('/api/v1/escrow/matches')).body.items.find((item: { id: string }) => item.id === marcMatchId)).toMatchObject({ consenting: 1, reported: 1 });
  });

  it('lets a counselor who joins after the match read it, recovering the keys from the shares', async () => {
    const late = await app.signIn(await app.createStaff('counselor'));
    const detail = await late.get(`/api/v1/escrow/matches/${marcMatchId}`);
    expect(detail.status).toBe(200);
    expect(detail.body.entries).toHaveLength(2);
    const grants = await app.ctx.db.selectFrom('audit_events').select('details').where('action', '=', 'escrow.access.grant').execute();
    expect(grants.map((row) => JSON.parse(row.details))).toEqual([{ entries: 2 }]);
  });

  it('shows matches to counselors only', async () => {
    for (const role of ['handler', 'admin', 'oversight', 'analyst'] as const) {
      const staff = await app.signIn(await app.createStaff(role, role === 'handler' ? { channel: 'general' } : {}));
      for (const [method, path] of [['GET', '/api/v1/escrow/matches'], ['GET', `/api/v1/escrow/matches/${marcMatchId}`], ['POST', `/api/v1/escrow/matches/${marcMatchId}/cases`]] as const) {
        const result = await staff.request(method, path, method === 'POST' ? {} : undefined);
        expect(result.status, `${role} ${method} ${path}`).toBe(403);
        expect(result.body.error.code).toBe('not_counselor');
      }
    }
    expect((await app.client().get('/api/v1/escrow/matches')).status).toBe(401);
    const unknown = await counselorApi.get('/api/v1/escrow/matches/00000000-0000-4000-8000-000000000000');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('escrow_match_not_found');
  });

  it('refuses identifiers it cannot read, and stores nothing', async () => {
    const before = (await app.ctx.db.selectFrom('escrow_entries').select('id').execute()).length;
    const bad = await app.client().post('/api/v1/escrow/entries', { identifiers: [{ kind: 'email', value: 'not an address' }, { kind: 'phone', value: '12' }], account: 'x' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields).toEqual({ 'identifiers.0.value': ['email'], 'identifiers.1.value': ['phone'] });
    expect((await app.client().post('/api/v1/escrow/entries', { identifiers: [], account: 'x' })).status).toBe(400);
    expect((await app.client().post('/api/v1/escrow/entries', { identifiers: [{ kind: 'email', value: 'a@b.example' }], account: '   ' })).status).toBe(400);
    expect((await app.ctx.db.selectFrom('escrow_entries').select('id').execute()).length).toBe(before);
  });
});

describe.each(DIALECTS)('escrow with a threshold of three and a lodging limit (%s)', (dialect) => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp(dialect, { env: { CANDOR_TRUST_PROXY: 'true', CANDOR_ESCROW_THRESHOLD: '3', CANDOR_ESCROW_LODGINGS_PER_HOUR: '2' } });
    await app.createStaff('counselor');
  });
  afterAll(() => app?.close());

  it('opens only when a third independent entry names the person', async () => {
    await lodge(app, [{ kind: 'employee', value: 'e 4711' }], 'One.');
    await lodge(app, [{ kind: 'employee', value: 'E4711' }], 'Two.');
    expect(await matchedPools(app)).toBe(0);
    await lodge(app, [{ kind: 'employee', value: 'e4711 ' }], 'Three.');
    expect(await matchedPools(app)).toBe(1);
    const settings = await app.ctx.db.selectFrom('settings').select(['key', 'value']).where('key', '=', 'escrow_threshold').execute();
    expect(settings).toEqual([{ key: 'escrow_threshold', value: '3' }]);
    // The portal says how many others it waits for.
    expect(await (await fetch(`${app.baseUrl}/escrow?lang=en`)).text()).toContain('If 2 other people, each in their own entry, name the same person');
  });

  it('limits how many entries one client lodges', async () => {
    const from = { 'x-forwarded-for': '203.0.113.9' };
    const body = { identifiers: [{ kind: 'email', value: 'someone@example.com' }], account: 'x' };
    expect((await app.client().post('/api/v1/escrow/entries', body, from)).status).toBe(201);
    expect((await app.client().post('/api/v1/escrow/entries', body, from)).status).toBe(201);
    const third = await app.client().post('/api/v1/escrow/entries', body, from);
    expect(third.status).toBe(429);
    expect(third.body.error.code).toBe('too_many_entries');
    // Two entries from one place about one person do match: the limit slows this, it cannot prevent it.
    expect(await matchedPools(app)).toBe(1);
  });
});
