import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, POSTGRES_ADMIN_URL } from '../support/databases.js';
import { startTestApp, type TestApp } from '../support/app.js';

/** Everything the database holds, as bytes: the SQLite main file and WAL, or a pg_dump of the database. */
function databaseBytes(app: TestApp): Buffer {
  if (app.dialect === 'sqlite') {
    const files = [app.database.location, `${app.database.location}-wal`].filter((file) => fs.existsSync(file));
    expect(files.length).toBe(2); // the WAL holds the recent writes: it must be searched too
    return Buffer.concat(files.map((file) => fs.readFileSync(file)));
  }
  const url = POSTGRES_ADMIN_URL.replace(/\/[^/]*$/, `/${app.database.location}`);
  return execFileSync('pg_dump', ['--data-only', '--inserts', url], { maxBuffer: 256 * 1024 * 1024 });
}

describe.each(DIALECTS)('nothing a reporter sent is in the database or the logs in the clear (%s)', (dialect) => {
  let app: TestApp;
  const marker = (what: string) => `ZQX${what.toUpperCase()}MARK${dialect.toUpperCase()}`;
  let receipt: string;
  let caseRef: string;

  beforeAll(async () => {
    app = await startTestApp(dialect);
    const handler = await app.createStaff('handler', { channel: 'general' });
    const submitted = await app.client().post(
      '/api/v1/reports',
      {
        category: 'sexual-assault',
        narrative: `It happened after the dinner. ${marker('narrative')} I remember all of it.`,
        occurredAt: `around ${marker('when')}`,
        location: marker('where'),
        anonymity: 'named',
        identity: { name: `Ada ${marker('name')}`, email: `${marker('email').toLowerCase()}@example.net`, phone: '+44 7700 900123' },
      },
      { 'x-forwarded-for': '203.0.113.77', 'user-agent': `Mozilla ${marker('agent')}` },
    );
    expect(submitted.status).toBe(201);
    receipt = submitted.body.receipt;
    caseRef = submitted.body.caseRef;
    const reporter = app.client();
    await reporter.post('/api/v1/reporter/session', { receipt });
    expect((await reporter.post('/api/v1/reporter/messages', { body: `more: ${marker('message')}` })).status).toBe(201);

    const staff = await app.signIn(handler);
    const list = await staff.get('/api/v1/cases');
    const detail = await staff.get(`/api/v1/cases/${list.body.items[0].id}`);
    // The handler can read all of it...
    expect(detail.body.narrative).toContain(marker('narrative'));
    expect(detail.body.reporter.name).toContain(marker('name'));
    expect(detail.body.messages[0].body).toContain(marker('message'));
    await staff.post(`/api/v1/cases/${list.body.items[0].id}/messages`, { body: `reply ${marker('reply')}` });
  });
  afterAll(() => app?.close());

  it('keeps narrative, identity, messages and the receipt out of the stored bytes', () => {
    const bytes = databaseBytes(app);
    // The search is over the right bytes: metadata kept in the clear, such as the case reference, is there.
    expect(bytes.includes(caseRef)).toBe(true);
    for (const what of ['narrative', 'when', 'where', 'name', 'message', 'reply']) {
      expect(bytes.includes(marker(what)), `${what} marker found in the database`).toBe(false);
    }
    expect(bytes.includes(marker('email').toLowerCase())).toBe(false);
    expect(bytes.includes('7700 900123')).toBe(false);
    expect(bytes.includes(receipt.replace(/ /g, ''))).toBe(false);
    expect(bytes.includes(receipt)).toBe(false);
    expect(bytes.includes('203.0.113.77')).toBe(false);
    expect(bytes.includes(marker('agent'))).toBe(false);
  });

  it('keeps content, receipts, addresses and user agents out of the logs', () => {
    const logs = app.logLines.join('');
    expect(logs).toContain('report.submit'); // the logs do say what happened...
    for (const what of ['narrative', 'when', 'where', 'name', 'message', 'reply', 'agent']) {
      expect(logs.includes(marker(what)), `${what} marker found in the logs`).toBe(false); // ...but never what was said
    }
    expect(logs).not.toContain(receipt.replace(/ /g, ''));
    expect(logs).not.toContain('203.0.113.77');
    expect(logs).not.toMatch(/remoteAddress|x-forwarded-for|"ip"/i);
  });
});
