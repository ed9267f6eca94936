/**
 * The admin user-management API over real HTTP, on SQLite and PostgreSQL: invitations whose link
 * lets the person choose their own password (and only then makes their key pair), role, channel
 * and disabled changes with their guards, and that an admin still sees no case.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveRecoveryKey, unwrapPrivateKey } from '../../src/kernel/crypto.js';
import { DIALECTS } from '../support/databases.js';
import { csrfIn, postForm, recoveryKeyIn } from '../support/forms.js';
import { startTestApp, type TestApp, type TestStaff } from '../support/app.js';
import type { HttpClient } from '../support/http-client.js';

const DAY = 86_400_000;
const NEW_PASSWORD = 'a password chosen by its owner';

/** Opens an enrolment link and chooses a password, as the invited person would in a browser. */
async function enrol(app: TestApp, url: string, password = NEW_PASSWORD) {
  const path = new URL(url).pathname;
  const browser = app.client();
  const page = await browser.get(path);
  expect(page.status).toBe(200);
  return postForm(browser, path, { csrf: csrfIn(page.body), username: '', password, password2: password });
}

describe.each(DIALECTS)('admin user management (%s)', (dialect) => {
  let app: TestApp;
  let adminStaff: TestStaff;
  let admin: HttpClient;
  let adminId: string;

  beforeAll(async () => {
    app = await startTestApp(dialect);
    adminStaff = await app.createStaff('admin');
    adminId = adminStaff.id;
    admin = await app.signIn(adminStaff);
  });
  afterAll(() => app?.close());

  it('refuses everyone but an admin', async () => {
    const handler = await app.signIn(await app.createStaff('handler', { channel: 'general' }));
    for (const [method, path, body] of [
      ['GET', '/api/v1/admin/users', undefined],
      ['POST', '/api/v1/admin/users', { email: 'x@example.org', name: 'X', role: 'handler' }],
      ['PATCH', `/api/v1/admin/users/${adminId}`, { disabled: true }],
      ['POST', `/api/v1/admin/users/${adminId}/unlock`, undefined],
      ['GET', '/api/v1/admin/security', undefined],
    ] as const) {
      const answer = await handler.request(method, path, body);
      expect(answer.status, `${method} ${path}`).toBe(403);
      expect(answer.body.error.code).toBe('admin_only');
    }
    expect((await app.client().get('/api/v1/admin/users')).status).toBe(401);
  });

  it('invites a handler with a one-time link; the key pair is made when they choose their password', async () => {
    const invited = await admin.post('/api/v1/admin/users', { email: 'Noor.Haddad@Example.org', name: 'Noor Haddad', role: 'handler', channels: ['general'] });
    expect(invited.status).toBe(201);
    expect(invited.body.user).toMatchObject({ email: 'noor.haddad@example.org', role: 'handler', channels: ['general'], status: 'invited', totpEnabled: false });
    expect(invited.body.enrolmentUrl).toMatch(new RegExp(`^${app.baseUrl}/enrol/[A-Za-z0-9_-]{43}$`));
    const token = invited.body.enrolmentUrl.split('/').pop() as string;
    const id = invited.body.user.id as string;

    // No account and no key pair yet; the database holds a hash of the link, not the link.
    expect(await app.ctx.db.selectFrom('users').select('id').where('id', '=', id).execute()).toHaveLength(0);
    const row = await app.ctx.db.selectFrom('staff_invitations').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(Buffer.from(row.token_hash).toString('latin1')).not.toContain(token);
    expect((await admin.get('/api/v1/admin/users')).body.items).toContainEqual(expect.objectContaining({ id, status: 'invited', invitationExpiresAt: row.expires_at }));

    // Taken addresses and unknown channels are refused.
    expect((await admin.post('/api/v1/admin/users', { email: 'noor.haddad@example.org', name: 'Again', role: 'handler', channels: ['general'] })).status).toBe(201);
    expect((await admin.post('/api/v1/admin/users', { email: 'z@example.org', name: 'Z', role: 'handler', channels: ['nope'] })).body.error.code).toBe('unknown_channel');
    // The second invitation replaced the first: the first link no longer works.
    expect((await app.client().get(`/enrol/${token}`)).status).toBe(404);
    const second = (await admin.get('/api/v1/admin/users')).body.items.find((item: { email: string }) => item.email === 'noor.haddad@example.org');
    const reissued = await admin.post(`/api/v1/admin/users/${second.id}/enrolment`);
    expect(reissued.status).toBe(200);

    const mismatch = app.client();
    const page = await mismatch.get(new URL(reissued.body.enrolmentUrl).pathname);
    expect(page.body).toContain('Welcome to Candor, Again');
    const refused = await postForm(mismatch, new URL(reissued.body.enrolmentUrl).pathname, { csrf: csrfIn(page.body), password: NEW_PASSWORD, password2: 'something else entirely' });
    expect(refused.status).toBe(400);
    expect(refused.body).toContain('The two passwords are not the same.');
    const short = await postForm(mismatch, new URL(reissued.body.enrolmentUrl).pathname, { csrf: csrfIn(refused.body), password: 'short', password2: 'short' });
    expect(short.status).toBe(400);
    expect(short.body).toContain('at least 12 characters');

    const done = await enrol(app, reissued.body.enrolmentUrl);
    expect(done.status).toBe(201);
    const recoveryKey = recoveryKeyIn(done.body);
    // The link works once.
    const usedAgain = await app.client().get(new URL(reissued.body.enrolmentUrl).pathname);
    expect(usedAgain.status).toBe(404);
    expect(usedAgain.body).toContain('cannot be used');

    // The account exists now, with the invited role and channel, and the recovery key shown opens its private key.
    const user = await app.ctx.db.selectFrom('users').selectAll().where('email', '=', 'noor.haddad@example.org').executeTakeFirstOrThrow();
    expect(user).toMatchObject({ id: second.id, role: 'handler' });
    expect(() => unwrapPrivateKey(user.private_key_by_recovery, deriveRecoveryKey(recoveryKey), user.id)).not.toThrow();
    const signedIn = app.client();
    expect((await signedIn.post('/api/v1/auth/login', { email: 'noor.haddad@example.org', password: NEW_PASSWORD })).status).toBe(200);
    const report = await app.submitReport({ narrative: 'for the newly enrolled handler' });
    const caseId = (await app.ctx.db.selectFrom('cases').select('id').where('ref', '=', report.caseRef).executeTakeFirstOrThrow()).id;
    const detail = await signedIn.get(`/api/v1/cases/${caseId}`);
    expect(detail.body.narrative, JSON.stringify(detail.body)).toBe('for the newly enrolled handler');

    // An admin manages accounts, yet still sees no case.
    const adminList = await admin.get('/api/v1/cases');
    expect(adminList.status).toBe(200);
    expect(adminList.body.items).toEqual([]);
    expect((await admin.get(`/api/v1/cases/${caseId}`)).status).toBe(404);

    const actions = (await app.ctx.db.selectFrom('audit_events').select(['action', 'details']).where('target_id', '=', second.id).orderBy('seq').execute());
    expect(actions.map((entry) => entry.action)).toEqual(['user.invite', 'user.invite.reissue', 'user.enrol']);
    for (const entry of actions) expect(entry.details).not.toMatch(/@|Noor|Again/);
  });

  it('lets invitations expire, and withdraws them', async () => {
    const invited = await admin.post('/api/v1/admin/users', { email: 'late@example.org', name: 'Late Comer', role: 'oversight' });
    app.clock.advance(7 * DAY + 1);
    expect((await app.client().get(new URL(invited.body.enrolmentUrl).pathname)).status).toBe(404);
    // A week on, the admin's session has long ended: sign in again.
    admin = await app.signIn(adminStaff);
    const listed = (await admin.get('/api/v1/admin/users')).body.items.find((item: { id: string }) => item.id === invited.body.user.id);
    expect(listed.status).toBe('invited');

    const withdrawn = await admin.request('DELETE', `/api/v1/admin/users/${invited.body.user.id}`);
    expect(withdrawn.status).toBe(204);
    expect((await admin.get('/api/v1/admin/users')).body.items.map((item: { id: string }) => item.id)).not.toContain(invited.body.user.id);
    expect((await admin.request('DELETE', `/api/v1/admin/users/${adminId}`)).body.error.code).toBe('user_enrolled');
  });

  it('changes channels and roles, and refuses a role change for someone holding case keys', async () => {
    const handler = await app.createStaff('handler', { channel: 'general' });
    await app.submitReport({ narrative: 'gives the handler a case key' });
    const keyHolder = await admin.request('PATCH', `/api/v1/admin/users/${handler.id}`, { role: 'analyst' });
    expect(keyHolder.status).toBe(409);
    expect(keyHolder.body.error.code).toBe('holds_case_keys');

    const moved = await admin.request('PATCH', `/api/v1/admin/users/${handler.id}`, { channels: [], name: 'Renamed Handler' });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ channels: [], name: 'Renamed Handler', role: 'handler' });
    const back = await admin.request('PATCH', `/api/v1/admin/users/${handler.id}`, { channels: ['general'] });
    expect(back.body.channels).toEqual(['general']);

    const analyst = await app.createStaff('analyst');
    const changed = await admin.request('PATCH', `/api/v1/admin/users/${analyst.id}`, { role: 'counselor' });
    expect(changed.status).toBe(200);
    expect(changed.body.role).toBe('counselor');
    const audit = await app.ctx.db.selectFrom('audit_events').select(['action', 'details']).where('target_id', '=', analyst.id).where('action', '=', 'user.role_change').executeTakeFirstOrThrow();
    expect(JSON.parse(audit.details)).toEqual({ from: 'analyst', to: 'counselor' });
  });

  it('disables and enables an account, and never the last admin', async () => {
    const person = await app.createStaff('oversight');
    const session = await app.signIn(person);
    const disabled = await admin.request('PATCH', `/api/v1/admin/users/${person.id}`, { disabled: true });
    expect(disabled.body.status).toBe('disabled');
    expect((await session.get('/api/v1/auth/me')).status).toBe(401);
    expect((await app.client().post('/api/v1/auth/login', { email: person.email, password: person.password })).body.error.code).toBe('bad_credentials');
    const enabled = await admin.request('PATCH', `/api/v1/admin/users/${person.id}`, { disabled: false });
    expect(enabled.body.status).toBe('active');
    expect((await app.client().post('/api/v1/auth/login', { email: person.email, password: person.password })).status).toBe(200);

    expect((await admin.request('PATCH', `/api/v1/admin/users/${adminId}`, { disabled: true })).body.error.code).toMatch(/^(cannot_disable_self|last_admin)$/);
    const admins = await app.ctx.db.selectFrom('users').select('id').where('role', '=', 'admin').where('disabled_at', 'is', null).execute();
    if (admins.length === 1) expect((await admin.request('PATCH', `/api/v1/admin/users/${adminId}`, { role: 'analyst' })).body.error.code).toBe('last_admin');
    expect((await admin.request('PATCH', `/api/v1/admin/users/${crypto.randomUUID()}`, { name: 'Nobody' })).body.error.code).toBe('user_not_found');
  });
});
