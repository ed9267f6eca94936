/**
 * The first-run wizard over real HTTP, on SQLite and PostgreSQL, as a browser without JavaScript
 * drives it: the one-time link, the first admin, the first channel, handlers and oversight invited
 * with their own enrolment links.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueSetupLink } from '../../src/setup/setup.service.js';
import { DIALECTS } from '../support/databases.js';
import { csrfIn, postForm, recoveryKeyIn } from '../support/forms.js';
import { startTestApp, type TestApp } from '../support/app.js';

const HOUR = 3_600_000;
const PASSWORD = 'the first admin password';

describe.each(DIALECTS)('first run (%s)', (dialect) => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp(dialect);
  });
  afterAll(() => app?.close());

  it('walks an admin through account, channel and people, with a link that works once', async () => {
    const link = await issueSetupLink(app.ctx);
    expect(link).not.toBeNull();
    const path = `/setup/${link!.token}`;
    // Only a hash of the token is stored.
    const stored = await app.ctx.db.selectFrom('settings').select('value').where('key', '=', 'setup_token').executeTakeFirstOrThrow();
    expect(stored.value).not.toContain(link!.token);

    expect((await app.client().get('/setup/not-a-real-token')).status).toBe(404);
    const browser = app.client();
    const form = await browser.get(path);
    expect(form.status).toBe(200);
    expect(form.headers.get('content-type')).toMatch(/^text\/html/);
    expect(form.body).toContain('Create the admin account');
    expect(form.body).not.toContain('<script');

    // Without the form token, or from another site, nothing happens.
    expect((await postForm(browser, path, { name: 'Ada', email: 'ada@example.org', password: PASSWORD, password2: PASSWORD })).status).toBe(403);
    const crossSite = await browser.post(path, new URLSearchParams({ csrf: csrfIn(form.body), name: 'Ada', email: 'ada@example.org', password: PASSWORD, password2: PASSWORD }).toString(), {
      'content-type': 'application/x-www-form-urlencoded',
      origin: 'https://evil.example',
    });
    expect(crossSite.status).toBe(403);
    const mismatch = await postForm(browser, path, { csrf: csrfIn(form.body), name: 'Ada Lovelace', email: 'ada@example.org', password: PASSWORD, password2: 'not the same one' });
    expect(mismatch.status).toBe(400);
    expect(mismatch.body).toContain('value="ada@example.org"');
    expect(mismatch.body).not.toContain(PASSWORD);
    const badEmail = await postForm(browser, path, { csrf: csrfIn(mismatch.body), name: 'Ada Lovelace', email: 'not an address', password: PASSWORD, password2: PASSWORD });
    expect(badEmail.status).toBe(400);
    expect(await app.ctx.db.selectFrom('users').select('id').execute()).toHaveLength(0);

    const created = await postForm(browser, path, { csrf: csrfIn(badEmail.body), name: 'Ada Lovelace', email: 'Ada@Example.org', password: PASSWORD, password2: PASSWORD });
    expect(created.status).toBe(201);
    expect(recoveryKeyIn(created.body)).toMatch(/^([0-9A-Z]{4}-){7}[0-9A-Z]{4}$/);
    expect(browser.cookies.has('candor_staff')).toBe(true);
    expect((await browser.get('/api/v1/auth/me')).body).toMatchObject({ email: 'ada@example.org', role: 'admin', name: 'Ada Lovelace' });

    // The link is used up: neither the page nor another post works, and the token is gone.
    expect((await app.client().get(path)).status).toBe(404);
    const replay = await postForm(app.client(), path, { csrf: csrfIn(form.body), name: 'Mallory', email: 'mallory@example.org', password: PASSWORD, password2: PASSWORD });
    expect(replay.status).toBe(404);
    expect(await app.ctx.db.selectFrom('settings').select('key').where('key', '=', 'setup_token').execute()).toHaveLength(0);
    expect(await issueSetupLink(app.ctx)).toBeNull();

    // Step 2: the first channel.
    const channelForm = await browser.get('/setup/channel');
    expect(channelForm.status).toBe(200);
    expect(channelForm.body).toContain('value="General"');
    const emptyName = await postForm(browser, '/setup/channel', { csrf: csrfIn(channelForm.body), name: ' ', description: '' });
    expect(emptyName.status).toBe(400);
    const saved = await postForm(browser, '/setup/channel', { csrf: csrfIn(emptyName.body), name: 'Speak up', description: 'Anything that should not happen at work.' });
    // The answer is a 303 to the next step, which fetch follows like a browser.
    expect(saved.status).toBe(200);
    expect(saved.body).toContain('Handlers and oversight');
    const channel = await app.ctx.db.selectFrom('channels').selectAll().where('slug', '=', 'general').executeTakeFirstOrThrow();
    expect(channel.name).toBe('Speak up');
    expect(JSON.parse(channel.description!)).toEqual({ en: 'Anything that should not happen at work.' });

    // Step 3: handlers and oversight.
    const peopleForm = await browser.get('/setup/people');
    expect(peopleForm.body).toContain('Handlers of "Speak up"');
    const halfRow = await postForm(browser, '/setup/people', { csrf: csrfIn(peopleForm.body), handler_name_0: 'Hana Ito', handler_email_0: '' });
    expect(halfRow.status).toBe(400);
    expect(halfRow.body).toContain('value="Hana Ito"');
    const invited = await postForm(browser, '/setup/people', {
      csrf: csrfIn(halfRow.body),
      handler_name_0: 'Hana Ito',
      handler_email_0: 'hana@example.org',
      handler_name_1: 'Omar Haddad',
      handler_email_1: 'omar@example.org',
      oversight_name_0: 'Ruth Okafor',
      oversight_email_0: 'ruth@example.org',
    });
    expect(invited.status).toBe(201);
    const links = [...invited.body.matchAll(/(http:\/\/127\.0\.0\.1:\d+\/enrol\/[A-Za-z0-9_-]{43})/g)].map((match) => match[1]!);
    expect(links).toHaveLength(3);
    const invitations = await app.ctx.db.selectFrom('staff_invitations').selectAll().orderBy('email').execute();
    expect(invitations.map((row) => [row.email, row.role, JSON.parse(row.channels)])).toEqual([
      ['hana@example.org', 'handler', [channel.id]],
      ['omar@example.org', 'handler', [channel.id]],
      ['ruth@example.org', 'oversight', []],
    ]);

    // A handler enrols through their link and receives the channel's reports.
    const hanaPath = new URL(links[0]!).pathname;
    const hana = app.client();
    const enrolPage = await hana.get(hanaPath);
    expect(enrolPage.body).toContain('Welcome to Candor, Hana Ito');
    expect((await postForm(hana, hanaPath, { csrf: csrfIn(enrolPage.body), password: 'hana chose this one', password2: 'hana chose this one' })).status).toBe(201);
    const report = await app.submitReport({ narrative: 'the first report' });
    const hanaStaff = await app.signIn({ id: '', email: 'hana@example.org', password: 'hana chose this one', recoveryKey: '', role: 'handler' });
    expect((await hanaStaff.get('/api/v1/cases')).body.items.map((item: { ref: string }) => item.ref)).toEqual([report.caseRef]);

    const done = await browser.get('/setup/done');
    expect(done.status).toBe(200);
    expect(done.body).toContain('Accounts: 2; waiting for their owner to enrol: 2');

    const audit = await app.ctx.db.selectFrom('audit_events').select('action').orderBy('seq').execute();
    expect(audit.map((row) => row.action)).toEqual(expect.arrayContaining(['setup.link_issued', 'setup.admin_created', 'channel.update', 'user.invite', 'user.enrol']));
  });

  it('keeps the later steps for a signed-in admin', async () => {
    expect((await app.client().get('/setup/channel')).status).toBe(401);
    const handler = await app.signIn(await app.createStaff('handler', { channel: 'general' }));
    expect((await handler.get('/setup/people')).status).toBe(403);
  });

  it('lets a first-run link expire after 24 hours, and a new link replace an old one', async () => {
    const fresh = await startTestApp(dialect);
    try {
      const first = await issueSetupLink(fresh.ctx);
      const second = await issueSetupLink(fresh.ctx);
      expect((await fresh.client().get(`/setup/${first!.token}`)).status).toBe(404);
      expect((await fresh.client().get(`/setup/${second!.token}`)).status).toBe(200);
      fresh.clock.advance(24 * HOUR);
      const expired = await fresh.client().get(`/setup/${second!.token}`);
      expect(expired.status).toBe(404);
      expect(expired.body).toContain('expired');
    } finally {
      await fresh.close();
    }
  });
});
