/**
 * Staff sign-in over real HTTP, on SQLite and PostgreSQL: the TOTP second factor (enrolment, codes
 * computed here as an authenticator app would, replay, recovery codes), lock-out after failures,
 * the per-address throttle, the idle timeout, and an admin's rule that everyone needs a second factor.
 */
import { Secret, TOTP } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/databases.js';
import { startTestApp, type TestApp, type TestStaff } from '../support/app.js';
import type { HttpClient } from '../support/http-client.js';

const MINUTE = 60_000;

function codeAt(secret: string, at: Date): string {
  return TOTP.generate({ secret: Secret.fromBase32(secret), timestamp: at.getTime() });
}

/** Enrols a second factor for a signed-in person; answers the secret and the recovery codes. */
async function enrolTotp(app: TestApp, client: HttpClient): Promise<{ secret: string; recoveryCodes: string[] }> {
  const enrolment = await client.post('/api/v1/auth/totp/enrol');
  expect(enrolment.status).toBe(200);
  const confirmed = await client.post('/api/v1/auth/totp/confirm', { code: codeAt(enrolment.body.secret, app.clock.now()) });
  expect(confirmed.status).toBe(200);
  return { secret: enrolment.body.secret, recoveryCodes: confirmed.body.recoveryCodes };
}

async function auditActions(app: TestApp, targetId: string): Promise<string[]> {
  const rows = await app.ctx.db.selectFrom('audit_events').select('action').where('target_id', '=', targetId).orderBy('seq').execute();
  return rows.map((row) => row.action);
}

describe.each(DIALECTS)('staff second factor (%s)', (dialect) => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp(dialect);
  });
  afterAll(() => app?.close());

  it('enrols with a QR code, then refuses sign-in without a code and accepts one from the app', async () => {
    const person = await app.createStaff('handler', { channel: 'general' });
    const client = await app.signIn(person);
    const other = await app.signIn(person);

    const enrolment = await client.post('/api/v1/auth/totp/enrol');
    expect(enrolment.status).toBe(200);
    expect(enrolment.body.otpauthUrl).toMatch(/^otpauth:\/\/totp\/Candor:.+\?.*secret=/);
    expect(enrolment.body.otpauthUrl).toContain(`secret=${enrolment.body.secret}`);
    expect(enrolment.body.qrSvg).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(enrolment.body.qrDataUrl).toMatch(/^data:image\/svg\+xml;base64,/);
    const { secret } = enrolment.body as { secret: string };

    // Until confirmed, nothing changes at sign-in.
    expect((await app.client().post('/api/v1/auth/login', { email: person.email, password: person.password })).status).toBe(200);

    const wrong = await client.post('/api/v1/auth/totp/confirm', { code: '000000' === codeAt(secret, app.clock.now()) ? '111111' : '000000' });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.code).toBe('bad_totp');

    const confirmCode = codeAt(secret, app.clock.now());
    const confirmed = await client.post('/api/v1/auth/totp/confirm', { code: confirmCode });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.recoveryCodes).toHaveLength(10);
    expect(new Set(confirmed.body.recoveryCodes).size).toBe(10);
    for (const code of confirmed.body.recoveryCodes) expect(code).toMatch(/^[0-9A-Z]{5}-[0-9A-Z]{5}$/);

    // The session that enrolled stays; another one, begun with the password alone, ends.
    expect((await client.get('/api/v1/auth/me')).body.totpEnabled).toBe(true);
    expect((await other.get('/api/v1/auth/me')).status).toBe(401);

    // The password alone: 401 totp_required, and no session.
    const fresh = app.client();
    const passwordOnly = await fresh.post('/api/v1/auth/login', { email: person.email, password: person.password });
    expect(passwordOnly.status).toBe(401);
    expect(passwordOnly.body.error.code).toBe('totp_required');
    expect(passwordOnly.headers.getSetCookie()).toEqual([]);
    expect(fresh.cookies.size).toBe(0);

    // The code that confirmed enrolment cannot sign in: its time step is used.
    const reusedConfirm = await fresh.post('/api/v1/auth/login', { email: person.email, password: person.password, totp: confirmCode });
    expect(reusedConfirm.body.error.code).toBe('totp_reused');

    app.clock.advance(30_000);
    const code = codeAt(secret, app.clock.now());
    const signedIn = await fresh.post('/api/v1/auth/login', { email: person.email, password: person.password, totp: code });
    expect(signedIn.status).toBe(200);
    expect(signedIn.body).toMatchObject({ email: person.email, totpEnabled: true, totpRequired: false });
    expect((await fresh.get('/api/v1/cases')).status).toBe(200);

    // Replay: the same code again, within its window, from anywhere, is refused.
    const replay = await app.client().post('/api/v1/auth/login', { email: person.email, password: person.password, totp: code });
    expect(replay.status).toBe(401);
    expect(replay.body.error.code).toBe('totp_reused');

    // One step of drift is accepted; a code from long ago is not.
    app.clock.advance(60_000);
    const previousStep = codeAt(secret, new Date(app.clock.now().getTime() - 30_000));
    expect((await app.client().post('/api/v1/auth/login', { email: person.email, password: person.password, totp: previousStep })).status).toBe(200);
    app.clock.advance(30_000);
    const stale = codeAt(secret, new Date(app.clock.now().getTime() - 5 * 60_000));
    const staleAnswer = await app.client().post('/api/v1/auth/login', { email: person.email, password: person.password, totp: stale });
    expect(staleAnswer.body.error.code).toMatch(/^(bad_totp|totp_reused)$/);

    // A wrong password never reaches the second factor, and says only bad_credentials.
    const wrongPassword = await app.client().post('/api/v1/auth/login', { email: person.email, password: 'not the password at all', totp: codeAt(secret, app.clock.now()) });
    expect(wrongPassword.body.error.code).toBe('bad_credentials');
    await app.ctx.db.updateTable('users').set({ failed_logins: 0 }).where('id', '=', person.id).execute();
  });

  it('stores the secret sealed and the recovery codes as hashes, and each recovery code signs in once', async () => {
    const person = await app.createStaff('oversight');
    const client = await app.signIn(person);
    const { secret, recoveryCodes } = await enrolTotp(app, client);

    const row = await app.ctx.db.selectFrom('users').selectAll().where('id', '=', person.id).executeTakeFirstOrThrow();
    const rawSecret = Buffer.from(Secret.fromBase32(secret).bytes);
    expect(Buffer.from(row.totp_sealed!).includes(rawSecret)).toBe(false);
    expect(Buffer.from(row.totp_sealed!).toString('latin1')).not.toContain(secret);
    const stored = await app.ctx.db.selectFrom('staff_recovery_codes').selectAll().where('user_id', '=', person.id).execute();
    expect(stored).toHaveLength(10);
    const storedText = stored.map((code) => Buffer.from(code.code_hash).toString('latin1')).join('|');
    for (const code of recoveryCodes) expect(storedText).not.toContain(code.replace('-', ''));

    const first = app.client();
    const used = await first.post('/api/v1/auth/login', { email: person.email, password: person.password, recoveryCode: recoveryCodes[3]!.toLowerCase() });
    expect(used.status).toBe(200);
    expect((await first.get('/api/v1/auth/me')).status).toBe(200);
    const again = await app.client().post('/api/v1/auth/login', { email: person.email, password: person.password, recoveryCode: recoveryCodes[3] });
    expect(again.status).toBe(401);
    expect(again.body.error.code).toBe('bad_recovery_code');
    const unused = await app.ctx.db.selectFrom('staff_recovery_codes').select('used_at').where('user_id', '=', person.id).where('used_at', 'is', null).execute();
    expect(unused).toHaveLength(9);
    expect(await auditActions(app, person.id)).toContain('auth.login_failed');
  });

  it('turns the second factor off with the password and a code, not with either alone', async () => {
    const person = await app.createStaff('handler', { channel: 'general' });
    const client = await app.signIn(person);
    const { secret } = await enrolTotp(app, client);
    app.clock.advance(30_000);

    const noPassword = await client.post('/api/v1/auth/totp/disable', { password: 'wrong password here', code: codeAt(secret, app.clock.now()) });
    expect(noPassword.body.error.code).toBe('bad_credentials');
    const noCode = await client.post('/api/v1/auth/totp/disable', { password: person.password, code: '12345' });
    expect(noCode.status).toBe(400);
    expect(noCode.body.error.code).toBe('bad_totp');
    expect((await client.post('/api/v1/auth/totp/disable', { password: person.password })).status).toBe(400);

    const off = await client.post('/api/v1/auth/totp/disable', { password: person.password, code: codeAt(secret, app.clock.now()) });
    expect(off.status).toBe(204);
    expect((await client.get('/api/v1/auth/me')).body.totpEnabled).toBe(false);
    expect((await app.client().post('/api/v1/auth/login', { email: person.email, password: person.password })).status).toBe(200);
    expect(await app.ctx.db.selectFrom('staff_recovery_codes').select('user_id').where('user_id', '=', person.id).execute()).toHaveLength(0);
    expect(await auditActions(app, person.id)).toEqual(expect.arrayContaining(['auth.login_failed']));
  });

  it('makes everyone enrol when an admin requires a second factor', async () => {
    const admin = await app.signIn(await app.createStaff('admin'));
    const person = await app.createStaff('handler', { channel: 'general' });
    expect((await (await app.signIn(person)).get('/api/v1/cases')).status).toBe(200);

    const handlerClient = await app.signIn(person);
    expect((await handlerClient.request('PUT', '/api/v1/admin/security', { totpRequired: true })).body.error.code).toBe('admin_only');
    // An admin without a second factor of their own cannot require one of everyone (they would lock themselves out).
    const first = await admin.request('PUT', '/api/v1/admin/security', { totpRequired: true });
    expect(first.status).toBe(409);
    expect(first.body.error.code).toBe('enrol_first');
    await enrolTotp(app, admin);
    const set = await admin.request('PUT', '/api/v1/admin/security', { totpRequired: true });
    expect(set.status).toBe(200);
    expect((await admin.get('/api/v1/admin/security')).body).toEqual({ totpRequired: true });
    try {
      const client = await app.signIn(person);
      const blocked = await client.get('/api/v1/cases');
      expect(blocked.status).toBe(403);
      expect(blocked.body.error.code).toBe('totp_enrolment_required');
      expect((await client.get('/api/v1/auth/me')).body).toMatchObject({ totpEnabled: false, totpRequired: true });
      await enrolTotp(app, client);
      expect((await client.get('/api/v1/cases')).status).toBe(200);
    } finally {
      expect((await admin.request('PUT', '/api/v1/admin/security', { totpRequired: false })).status).toBe(200);
    }
    expect(await app.ctx.db.selectFrom('settings').select('key').where('key', '=', 'staff_totp_required').execute()).toHaveLength(0);
  });
});

describe.each(DIALECTS)('lock-out, throttling and idle sessions (%s)', (dialect) => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp(dialect);
  });
  afterAll(() => app?.close());

  async function failTimes(person: TestStaff, times: number) {
    const answers = [];
    for (let index = 0; index < times; index += 1) {
      answers.push((await app.client().post('/api/v1/auth/login', { email: person.email, password: `wrong password ${index}` })).body.error.code);
    }
    return answers;
  }

  it('locks an account after five failures, for fifteen minutes, then longer each time', async () => {
    const person = await app.createStaff('handler', { channel: 'general' });
    expect(await failTimes(person, 5)).toEqual(['bad_credentials', 'bad_credentials', 'bad_credentials', 'bad_credentials', 'account_locked']);

    // While locked, even the right password is refused, and the lock says until when.
    const locked = await app.client().post('/api/v1/auth/login', { email: person.email, password: person.password });
    expect(locked.status).toBe(423);
    expect(locked.body.error.code).toBe('account_locked');
    const user = await app.ctx.db.selectFrom('users').select(['locked_until', 'lockouts']).where('id', '=', person.id).executeTakeFirstOrThrow();
    expect(new Date(user.locked_until!).getTime() - app.clock.now().getTime()).toBe(15 * MINUTE);
    expect(await auditActions(app, person.id)).toEqual(expect.arrayContaining(['auth.login_failed', 'auth.locked']));

    app.clock.advance(15 * MINUTE);
    // The lock ended; five more failures lock it again, for twice as long.
    expect(await failTimes(person, 5)).toEqual(['bad_credentials', 'bad_credentials', 'bad_credentials', 'bad_credentials', 'account_locked']);
    app.clock.advance(15 * MINUTE);
    expect((await app.client().post('/api/v1/auth/login', { email: person.email, password: person.password })).status).toBe(423);
    app.clock.advance(15 * MINUTE);
    expect((await app.client().post('/api/v1/auth/login', { email: person.email, password: person.password })).status).toBe(200);

    // A successful sign-in forgets earlier locks: the next lock is fifteen minutes again.
    await failTimes(person, 5);
    const again = await app.ctx.db.selectFrom('users').select(['locked_until']).where('id', '=', person.id).executeTakeFirstOrThrow();
    expect(new Date(again.locked_until!).getTime() - app.clock.now().getTime()).toBe(15 * MINUTE);
  });

  it('lets an admin unlock an account, and shows the lock in the user list', async () => {
    const admin = await app.signIn(await app.createStaff('admin'));
    const person = await app.createStaff('oversight');
    await failTimes(person, 5);
    const listed = (await admin.get('/api/v1/admin/users')).body.items.find((item: { id: string }) => item.id === person.id);
    expect(listed.lockedUntil).not.toBeNull();

    const handler = await app.signIn(await app.createStaff('handler', { channel: 'general' }));
    expect((await handler.post(`/api/v1/admin/users/${person.id}/unlock`)).status).toBe(403);
    const unlocked = await admin.post(`/api/v1/admin/users/${person.id}/unlock`);
    expect(unlocked.status).toBe(200);
    expect(unlocked.body.lockedUntil).toBeNull();
    expect((await app.client().post('/api/v1/auth/login', { email: person.email, password: person.password })).status).toBe(200);
    expect(await auditActions(app, person.id)).toContain('user.unlock');
  });

  it('signs a staff session out after thirty minutes without a request, and keeps an active one', async () => {
    const person = await app.createStaff('handler', { channel: 'general' });
    const client = await app.signIn(person);
    for (let index = 0; index < 4; index += 1) {
      app.clock.advance(29 * MINUTE);
      expect((await client.get('/api/v1/cases')).status).toBe(200);
    }
    app.clock.advance(30 * MINUTE);
    const idle = await client.get('/api/v1/cases');
    expect(idle.status).toBe(401);
    expect(idle.body.error.code).toBe('session_expired');
    expect(idle.body.error.message).toMatch(/30 minutes/);
    // The session is gone from the database, not only refused.
    expect(await app.ctx.db.selectFrom('sessions').select('id').where('subject_id', '=', person.id).execute()).toHaveLength(0);
  });

  it('throttles an address that fails too often, whichever accounts it tries', async () => {
    const fresh = await startTestApp(dialect);
    try {
      const person = await fresh.createStaff('handler', { channel: 'general' });
      for (let index = 0; index < 30; index += 1) {
        const answer = await fresh.client().post('/api/v1/auth/login', { email: `nobody${index}@example.org`, password: 'a guessed password' });
        expect(answer.body.error.code).toBe('bad_credentials');
      }
      const throttled = await fresh.client().post('/api/v1/auth/login', { email: person.email, password: person.password });
      expect(throttled.status).toBe(429);
      expect(throttled.body.error.code).toBe('too_many_attempts');
      // Nothing about the client's address is logged (the one line that names the server's own address aside).
      expect(fresh.logLines.filter((line) => line.includes('"reqId"') && line.includes('127.0.0.1'))).toEqual([]);
      fresh.clock.advance(16 * MINUTE);
      expect((await fresh.client().post('/api/v1/auth/login', { email: person.email, password: person.password })).status).toBe(200);
    } finally {
      await fresh.close();
    }
  });
});
