/**
 * E-mail notices through a real SMTP server (smtp-server, on loopback): what staff and reporters
 * receive, that nothing identifying is in it, retries after a refusal, and an installation without
 * SMTP that keeps its notices in the outbox.
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { candorSchedulerOptions } from '../../src/jobs/candor-jobs.js';
import { listJobs } from '../../src/jobs/job.repository.js';
import { requeueUnsentMail } from '../../src/notifications/mail.jobs.js';
import { createScheduler, type Scheduler } from '../../src/jobs/scheduler.js';
import { startTestApp, type TestApp, type TestStaff } from '../support/app.js';
import { DIALECTS } from '../support/databases.js';

const DAY = 86_400_000;
const NOTIFY_KEY = Buffer.alloc(32, 7).toString('base64');

interface Received {
  to: string[];
  raw: string;
  subject: string;
  body: string;
}

/** A real SMTP server on a free loopback port that keeps what it is sent; it can refuse a recipient a number of times. */
async function startSmtp() {
  const received: Received[] = [];
  const refuse = new Map<string, number>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(address, _session, callback) {
      const left = refuse.get(address.address) ?? 0;
      if (left > 0) {
        refuse.set(address.address, left - 1);
        return callback(Object.assign(new Error('Mailbox busy, try again later'), { responseCode: 451 }));
      }
      return callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = chunks.join('');
        const [head = '', ...rest] = raw.split(/\r?\n\r?\n/);
        const subject = /^Subject: (.*)$/m.exec(head)?.[1] ?? '';
        const body = rest.join('\n\n').replace(/=\r?\n/g, '').replace(/=3D/g, '=');
        received.push({ to: session.envelope.rcptTo.map((rcpt) => rcpt.address), raw, subject, body });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return { received, refuse, url: `smtp://127.0.0.1:${port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe.each(DIALECTS)('e-mail notices over SMTP (%s)', (dialect) => {
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let app: TestApp;
  let scheduler: Scheduler;
  let handler: TestStaff;

  beforeAll(async () => {
    smtp = await startSmtp();
    app = await startTestApp(dialect, {
      env: { CANDOR_SMTP_URL: smtp.url, CANDOR_MAIL_FROM: 'Candor <candor@example.org>', CANDOR_PUBLIC_URL: 'https://candor.example.org', CANDOR_NOTIFY_KEY: NOTIFY_KEY },
    });
    scheduler = createScheduler(app.ctx, candorSchedulerOptions(app.ctx));
    handler = await app.createStaff('handler', { channel: 'general' });
    await app.createStaff('oversight');
  });
  afterAll(async () => {
    await scheduler?.stop();
    await app?.close();
    await smtp?.close();
  });

  const caseIdOf = async (ref: string) => (await app.ctx.db.selectFrom('cases').select('id').where('ref', '=', ref).executeTakeFirstOrThrow()).id;

  it('a handler is told which case needs action by when, and nothing else', async () => {
    const start = app.clock.now().getTime();
    const { caseRef, acknowledgeBy } = await app.submitReport({
      category: 'sexual-assault',
      narrative: 'My manager assaulted me on the business trip.',
      anonymity: 'confidential',
      identity: { name: 'Ada Reporter', email: 'ada@example.net' },
    });
    app.clock.set(new Date(start + 3.5 * DAY));
    await scheduler.tick();
    const mails = smtp.received.filter((mail) => mail.to.includes(handler.email));
    expect(mails).toHaveLength(1);
    const [mail] = mails;
    const due = `${acknowledgeBy.slice(0, 10)} ${acknowledgeBy.slice(11, 16)} UTC`;
    expect(mail!.subject).toBe(`Candor: case ${caseRef} needs action by ${due}`);
    expect(mail!.body.trim()).toBe(`Case ${caseRef} has a deadline on ${due}.\n\nSign in to Candor: https://candor.example.org/console`);
    expect(mail!.raw).toMatch(/^From: Candor <candor@example\.org>$/m);
    for (const secret of ['assault', 'Ada', 'manager', 'business trip', 'acknowledg', 'sexual']) expect(mail!.raw.toLowerCase()).not.toContain(secret.toLowerCase());
    const outbox = await app.ctx.db.selectFrom('mail_outbox').selectAll().where('case_id', '=', await caseIdOf(caseRef)).execute();
    expect(outbox).toEqual([expect.objectContaining({ state: 'sent', attempts: 1, template: 'deadline.warning', user_id: handler.id })]);
    // Running the sweep and the jobs again sends nothing twice.
    await scheduler.tick();
    expect(smtp.received.filter((each) => each.to.includes(handler.email))).toHaveLength(1);
  });

  it('a reporter who left an address gets a content-free notice, and can take the address back', async () => {
    const address = 'ada.private@example.net';
    const { caseRef, receipt } = await app.submitReport({ category: 'harassment', notifyEmail: address });
    const caseId = await caseIdOf(caseRef);
    // The address is sealed: it is not in the database in the clear.
    const stored = await app.ctx.db.selectFrom('reporter_notify_addresses').selectAll().where('case_id', '=', caseId).executeTakeFirstOrThrow();
    expect(Buffer.from(stored.address_sealed).includes(Buffer.from(address))).toBe(false);
    expect(Buffer.from(stored.address_sealed).includes(Buffer.from('ada.private'))).toBe(false);

    const staff = await app.signIn(handler);
    expect((await staff.post(`/api/v1/cases/${caseId}/acknowledge`)).status).toBe(200);
    await scheduler.tick();
    const notices = smtp.received.filter((mail) => mail.to.includes(address));
    expect(notices).toHaveLength(1);
    expect(notices[0]!.subject).toBe('You have a new notice');
    expect(notices[0]!.body.trim()).toBe('There is news about your report. Sign in with your receipt: https://candor.example.org/');
    expect(notices[0]!.raw).not.toContain(caseRef);

    // The reporter sees the address in their own session, and takes it back.
    const reporter = app.client();
    expect((await reporter.post('/api/v1/reporter/session', { receipt })).status).toBe(204);
    expect((await reporter.get('/api/v1/reporter/notify-email')).body).toEqual({ notifyEmail: address });
    expect((await reporter.request('DELETE', '/api/v1/reporter/notify-email')).body).toEqual({ notifyEmail: null });
    expect((await staff.post(`/api/v1/cases/${caseId}/transitions`, { to: 'assessment', reason: 'Looking into it.' })).status).toBe(200);
    expect((await staff.post(`/api/v1/cases/${caseId}/feedback`, { body: 'We are looking into it.' })).status).toBe(201);
    await scheduler.tick();
    expect(smtp.received.filter((mail) => mail.to.includes(address))).toHaveLength(1);
    const audit = await app.ctx.db.selectFrom('audit_events').select(['action', 'details']).where('case_id', '=', caseId).where('action', 'like', 'reporter.notify%').execute();
    expect(audit.map((row) => row.action)).toEqual(['reporter.notify_address.remove']);
    expect(JSON.stringify(audit)).not.toContain('ada.private');
    // The reporter may give one later, through their session.
    expect((await reporter.request('PUT', '/api/v1/reporter/notify-email', { email: 'new@example.net' })).body).toEqual({ notifyEmail: 'new@example.net' });
    expect((await reporter.request('PUT', '/api/v1/reporter/notify-email', { email: 'not an address' })).status).toBe(400);
  });

  it('a refused delivery is retried with backoff and arrives once', async () => {
    const busy = await app.createStaff('handler', { channel: 'general' });
    smtp.refuse.set(busy.email, 1);
    const start = app.clock.now().getTime();
    const { caseRef } = await app.submitReport({ category: 'fraud' });
    app.clock.set(new Date(start + 3.5 * DAY));
    await scheduler.tick();
    expect(smtp.received.filter((mail) => mail.to.includes(busy.email))).toHaveLength(0);
    const caseId = await caseIdOf(caseRef);
    const [pending] = await app.ctx.db.selectFrom('mail_outbox').selectAll().where('case_id', '=', caseId).where('user_id', '=', busy.id).execute();
    expect(pending).toMatchObject({ state: 'pending', attempts: 1, last_error: 'smtp:451' });
    app.clock.advance(61_000);
    await scheduler.tick();
    expect(smtp.received.filter((mail) => mail.to.includes(busy.email))).toHaveLength(1);
    expect(await app.ctx.db.selectFrom('mail_outbox').select(['state', 'attempts']).where('id', '=', pending!.id).executeTakeFirst()).toEqual({ state: 'sent', attempts: 2 });
    const job = (await listJobs(app.ctx.db, 'mail.send')).find((row) => JSON.parse(row.payload).outboxId === pending!.id);
    expect(job).toMatchObject({ state: 'done', attempts: 2 });
  });

  it('logs carry no address', () => {
    const log = app.logLines.join('');
    expect(log).not.toContain('ada.private@example.net');
    expect(log).not.toContain(handler.email);
    expect(log).toContain('notice sent');
  });
});

describe('without SMTP configured', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp('sqlite');
    await app.createStaff('handler', { channel: 'general' });
    await app.createStaff('oversight');
  });
  afterAll(() => app?.close());

  it('keeps notices in the outbox, sends nothing, says so once, and queues them when SMTP is configured', async () => {
    const scheduler = createScheduler(app.ctx, candorSchedulerOptions(app.ctx));
    const start = app.clock.now().getTime();
    await app.submitReport();
    await app.submitReport();
    app.clock.set(new Date(start + 3.5 * DAY));
    await scheduler.tick();
    const pending = await app.ctx.db.selectFrom('mail_outbox').select('state').execute();
    expect(pending.map((row) => row.state)).toEqual(['pending', 'pending']);
    expect(await listJobs(app.ctx.db, 'mail.send')).toEqual([]);
    expect(app.logLines.filter((line) => line.includes('CANDOR_SMTP_URL is not set'))).toHaveLength(1);
    // Started again with SMTP configured, the scheduler queues a send for each notice kept.
    const configured = { ...app.ctx, config: { ...app.ctx.config, mail: { ...app.ctx.config.mail, smtpUrl: 'smtp://127.0.0.1:9' } } };
    expect(await requeueUnsentMail(configured)).toBe(2);
    expect(await requeueUnsentMail(configured)).toBe(0);
    expect(await listJobs(app.ctx.db, 'mail.send')).toHaveLength(2);
  });
});
