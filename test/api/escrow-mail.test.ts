/** Content-free e-mail to reporters whose escrow entry matched, through the outbox and a real SMTP server on loopback. */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { candorSchedulerOptions } from '../../src/jobs/candor-jobs.js';
import { createScheduler, type Scheduler } from '../../src/jobs/scheduler.js';
import { DIALECTS } from '../support/databases.js';
import { startTestApp, type TestApp } from '../support/app.js';

async function startSmtp() {
  const received: { to: string[]; raw: string }[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        // Quoted-printable soft line breaks joined again, so the text reads as sent.
        const raw = Buffer.concat(chunks).toString('utf8').replace(/=\r?\n/g, '').replace(/=3D/g, '=');
        received.push({ to: session.envelope.rcptTo.map((rcpt) => rcpt.address), raw });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return { received, url: `smtp://127.0.0.1:${port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe.each(DIALECTS)('e-mail to reporters whose escrow entry matched (%s)', (dialect) => {
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let app: TestApp;
  let scheduler: Scheduler;
  let address = 0;

  beforeAll(async () => {
    smtp = await startSmtp();
    app = await startTestApp(dialect, { env: { CANDOR_TRUST_PROXY: 'true', CANDOR_SMTP_URL: smtp.url, CANDOR_MAIL_FROM: 'Candor <candor@example.org>', CANDOR_PUBLIC_URL: 'https://candor.example.org' } });
    scheduler = createScheduler(app.ctx, candorSchedulerOptions(app.ctx));
    await app.createStaff('counselor');
  });
  afterAll(async () => {
    await scheduler?.stop();
    await app?.close();
    await smtp?.close();
  });

  async function lodge(identifier: string, account: string, contactEmail?: string) {
    address += 1;
    const result = await app.client().post(
      '/api/v1/escrow/entries',
      { identifiers: [{ kind: 'email', value: identifier }], account, ...(contactEmail ? { contactEmail } : {}) },
      { 'x-forwarded-for': `198.18.0.${address}` },
    );
    expect(result.status).toBe(201);
  }
  const mailsTo = (to: string) => smtp.received.filter((mail) => mail.to.includes(to));

  it('tells each reporter who left an address, once, that there is news, and nothing more', async () => {
    await lodge('Lena.Fischer@example.com', 'She locked the door of the meeting room.', 'first.reporter@example.net');
    await scheduler.tick();
    expect(smtp.received).toHaveLength(0); // no match, no mail

    await lodge('lena.fischer+hr@example.com', 'The same, at the Christmas party.');
    await scheduler.tick();
    const [mail, ...more] = mailsTo('first.reporter@example.net');
    expect(more).toEqual([]);
    expect(smtp.received).toHaveLength(1); // the second reporter left no address
    expect(mail!.raw).toMatch(/^Subject: You have a new notice$/m);
    expect(mail!.raw).toContain('There is news for you. Sign in with your receipt: https://candor.example.org/');
    for (const secret of ['lena', 'fischer', 'locked', 'christmas', 'escrow', 'match', 'sealed', 'counsel']) expect(mail!.raw.toLowerCase()).not.toContain(secret);

    // Once sent, the address is not kept; the outbox row names no one.
    expect(await app.ctx.db.selectFrom('escrow_notices').selectAll().execute()).toEqual([]);
    expect(await app.ctx.db.selectFrom('mail_outbox').select(['recipient_kind', 'state', 'case_id', 'user_id']).execute()).toEqual([{ recipient_kind: 'escrow', state: 'sent', case_id: null, user_id: null }]);

    // A third entry joins the match: the first reporter is not told again; the third is.
    await lodge('LENA.FISCHER@example.com', 'Me too.', 'third.reporter@example.net');
    await scheduler.tick();
    expect(mailsTo('first.reporter@example.net')).toHaveLength(1);
    expect(mailsTo('third.reporter@example.net')).toHaveLength(1);
    expect(app.logLines.join('')).not.toContain('reporter@example.net');
  });
});
