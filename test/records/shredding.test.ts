/**
 * Retention and crypto-shredding through real HTTP on both dialects: a closed case past its
 * channel's retention is shredded by the job; afterwards nobody can open it (not its handler, not
 * its reporter's receipt), its marker strings and its ciphertext are gone from the database files
 * (SQLite main file and WAL; PostgreSQL through a dump query), its attachment files are gone from
 * disk, a content-free tombstone and the audit entry remain; a legal hold blocks it; a reporter's
 * withdrawal (where allowed) does the same.
 */
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../src/audit/audit.service.js';
import { runRetentionSweep } from '../../src/records/retention.service.js';
import { listTables } from '../../src/records/schema-graph.repository.js';
import { startTestApp, type TestApp, type TestStaff } from '../support/app.js';
import { DIALECTS } from '../support/databases.js';
import type { HttpClient } from '../support/http-client.js';

const MONTH = 31 * 86_400_000;
const cookieOf = (client: HttpClient) => [...client.cookies].map(([name, value]) => `${name}=${value}`).join('; ');

/** Every byte of the database as a test can see it: the SQLite files, or a text dump of every table. */
async function databaseBytes(app: TestApp): Promise<Buffer> {
  if (app.dialect === 'sqlite') {
    const file = app.database.location;
    return Buffer.concat([file, `${file}-wal`].filter((name) => fs.existsSync(name)).map((name) => fs.readFileSync(name)));
  }
  const parts: Buffer[] = [];
  for (const table of await listTables(app.ctx.db, 'postgres')) {
    const rows = await sql<{ row: string }>`SELECT t::text AS row FROM ${sql.table(table)} t`.execute(app.ctx.db);
    parts.push(Buffer.from(rows.rows.map((row) => row.row).join('\n'), 'utf8'));
  }
  return Buffer.concat(parts);
}

/** PostgreSQL's text form of bytea is \x followed by hex: search for ciphertext that way there. */
function holds(app: TestApp, haystack: Buffer, needle: Buffer): boolean {
  return app.dialect === 'sqlite' ? haystack.includes(needle) : haystack.includes(Buffer.from(needle.toString('hex'), 'utf8'));
}

describe.each(DIALECTS)('retention and crypto-shredding (%s)', (dialect) => {
  let app: TestApp;
  let handler: TestStaff;
  let oversight: TestStaff;
  let staff: HttpClient;
  let oversightClient: HttpClient;

  beforeAll(async () => {
    app = await startTestApp(dialect, { env: { CANDOR_RETENTION_MONTHS: '36' } });
    handler = await app.createStaff('handler', { channel: 'general' });
    oversight = await app.createStaff('oversight');
    staff = await app.signIn(handler);
    oversightClient = await app.signIn(oversight);
  });
  afterAll(async () => app?.close());

  /** Sessions end while months pass on the test clock: sign in afresh. */
  async function signInAgain() {
    staff = await app.signIn(handler);
    oversightClient = await app.signIn(oversight);
  }

  async function closedCase(marker: string) {
    await signInAgain();
    const submitted = await app.submitReport({
      narrative: `The account ${marker}-NARRATIVE`,
      anonymity: 'confidential',
      identity: { name: `${marker}-NAME`, email: 'reporter@example.org' },
      subjects: [{ name: `${marker}-SUBJECT` }],
      notifyEmail: 'notify-me@example.org',
    });
    const reporter = app.client();
    expect((await reporter.post('/api/v1/reporter/session', { receipt: submitted.receipt })).status).toBe(204);
    const list = await staff.get('/api/v1/cases?limit=200');
    const caseId: string = list.body.items.find((item: { ref: string }) => item.ref === submitted.caseRef).id;
    expect((await reporter.post('/api/v1/reporter/messages', { body: `${marker}-REPORTER-MESSAGE` })).status).toBe(201);
    const form = new FormData();
    form.append('files', new Blob([Buffer.from(`${marker}-ATTACHMENT plain text evidence`)], { type: 'text/plain' }), `${marker}-file.txt`);
    const uploaded = await fetch(`${app.baseUrl}/api/v1/reporter/attachments`, { method: 'POST', body: form, headers: { cookie: cookieOf(reporter) } });
    expect(uploaded.status).toBe(201);
    await staff.post(`/api/v1/cases/${caseId}/acknowledge`);
    await staff.post(`/api/v1/cases/${caseId}/notes`, { body: `${marker}-NOTE` });
    await staff.post(`/api/v1/cases/${caseId}/transitions`, { to: 'assessment', reason: `${marker}-REASON` });
    await staff.post(`/api/v1/cases/${caseId}/feedback`, { body: `${marker}-FEEDBACK` });
    const closed = await staff.post(`/api/v1/cases/${caseId}/transitions`, { to: 'closed', reason: 'Referred', closing: 'referred-elsewhere' });
    expect(closed.status).toBe(200);
    return { caseId, receipt: submitted.receipt, ref: submitted.caseRef, reporter };
  }

  it('shreds a case once its retention has run out: no key, no content, no files, nothing to decrypt; the tombstone and audit remain', async () => {
    const marker = `ZQX${dialect.toUpperCase()}SHRED`;
    const { caseId, receipt, ref } = await closedCase(marker);
    const sealed = await app.ctx.db.selectFrom('cases').select(['report_sealed', 'identity_sealed', 'reporter_wrapped_key']).where('id', '=', caseId).executeTakeFirstOrThrow();
    const statsBefore = await app.ctx.db.selectFrom('case_stats').selectAll().where('case_id', '=', caseId).executeTakeFirstOrThrow();
    const grants = await app.ctx.db.selectFrom('case_access').select('wrapped_key').where('case_id', '=', caseId).execute();
    const files = await app.ctx.db.selectFrom('case_attachments').select('storage_name').where('case_id', '=', caseId).execute();
    expect(grants.length).toBeGreaterThanOrEqual(2); // the handler and oversight (standby or active)
    expect(files).toHaveLength(1);
    const filePath = path.join(app.config.attachments.dir, files[0]!.storage_name);
    expect(fs.existsSync(filePath)).toBe(true);
    const secrets = [sealed.report_sealed, sealed.identity_sealed!, sealed.reporter_wrapped_key, ...grants.map((grant) => grant.wrapped_key)].map((value) => Buffer.from(value));

    // Not yet: 35 months after closing the case is kept.
    app.clock.advance(35 * MONTH);
    expect((await runRetentionSweep(app.ctx)).shredded).toBe(0);
    await signInAgain();
    expect((await staff.get(`/api/v1/cases/${caseId}`)).status).toBe(200);

    app.clock.advance(2 * MONTH);
    expect((await runRetentionSweep(app.ctx)).shredded).toBe(1);
    await signInAgain();

    // Nobody can open it: not its handler, not oversight, not the reporter's receipt.
    expect((await staff.get(`/api/v1/cases/${caseId}`)).status).toBe(404);
    expect((await oversightClient.get(`/api/v1/cases/${caseId}`)).status).toBe(404);
    expect((await app.client().post('/api/v1/reporter/session', { receipt })).status).toBe(401);
    // Every wrapped copy of the key and every row of content is gone.
    expect(await app.ctx.db.selectFrom('case_access').select('user_id').where('case_id', '=', caseId).execute()).toEqual([]);
    for (const table of ['case_messages', 'case_attachments', 'case_notes', 'case_transitions', 'case_clocks', 'reporter_notify_addresses', 'mail_outbox'] as const) {
      expect(await app.ctx.db.selectFrom(table).select('case_id').where('case_id', '=', caseId).execute(), table).toEqual([]);
    }
    expect(await app.ctx.db.selectFrom('cases').select('id').where('id', '=', caseId).execute()).toEqual([]);
    expect(await app.ctx.db.selectFrom('sessions').select('id').where('subject_id', '=', caseId).execute()).toEqual([]);
    expect(fs.existsSync(filePath)).toBe(false);
    // The markers and the ciphertext are gone from the database files themselves.
    const bytes = await databaseBytes(app);
    expect(bytes.includes(Buffer.from(marker))).toBe(false);
    for (const secret of secrets) expect(holds(app, bytes, secret)).toBe(false);
    // What remains: a tombstone without content, the audit entry, a whole chain.
    expect(await app.ctx.db.selectFrom('case_disposals').selectAll().where('case_id', '=', caseId).executeTakeFirst()).toMatchObject({ ref, reason: 'retention' });
    const entry = await app.ctx.db.selectFrom('audit_events').selectAll().where('case_id', '=', caseId).where('action', '=', 'case.shred').executeTakeFirstOrThrow();
    expect(JSON.parse(entry.details)).toMatchObject({ reason: 'retention', attachmentFiles: 1 });
    expect(JSON.parse(entry.details).wrappedKeysDestroyed).toBe(grants.length + 1);
    expect((await verifyAuditChain(app.ctx.db)).ok).toBe(true);
    // The non-identifying statistics row outlives the case, so the figures keep their history.
    expect(await app.ctx.db.selectFrom('case_stats').selectAll().where('case_id', '=', caseId).executeTakeFirst()).toEqual(statsBefore);
  });

  it('keeps a case under legal hold past its retention, and shreds it once the hold is lifted (both audited)', async () => {
    const { caseId, ref } = await closedCase('ZQXHOLD');
    const handlerHold = await staff.post(`/api/v1/cases/${caseId}/holds`, { reason: 'Police investigation 2026/17' });
    expect([handlerHold.status, handlerHold.body.error.code]).toEqual([403, 'records_officer_only']);
    const hold = await oversightClient.post(`/api/v1/cases/${ref}/holds`, { reason: 'Police investigation 2026/17' });
    expect(hold.status).toBe(201);
    app.clock.advance(40 * MONTH);
    expect((await runRetentionSweep(app.ctx)).shredded).toBe(0);
    await signInAgain();
    const records = await oversightClient.get(`/api/v1/cases/${caseId}/records`);
    expect(records.body).toMatchObject({ onHold: true, holds: [{ id: hold.body.id, reason: 'Police investigation 2026/17', liftedAt: null }] });
    const lifted = await oversightClient.post(`/api/v1/cases/${caseId}/holds/${hold.body.id}/lift`, { reason: 'Proceedings closed' });
    expect(lifted.status).toBe(200);
    expect((await oversightClient.post(`/api/v1/cases/${caseId}/holds/${hold.body.id}/lift`, { reason: 'again' })).body.error.code).toBe('hold_already_lifted');
    expect((await runRetentionSweep(app.ctx)).shredded).toBeGreaterThanOrEqual(1);
    expect(await app.ctx.db.selectFrom('cases').select('id').where('id', '=', caseId).execute()).toEqual([]);
    const actions = (await app.ctx.db.selectFrom('audit_events').select('action').where('case_id', '=', caseId).orderBy('seq').execute()).map((row) => row.action);
    expect(actions).toEqual(expect.arrayContaining(['case.hold.set', 'case.hold.lift', 'case.shred']));
  });

  it('lets an admin set a channel retention period; bad input is a 400 with fields', async () => {
    await signInAgain();
    const admin = await app.signIn(await app.createStaff('admin'));
    expect((await staff.request('PUT', '/api/v1/retention/general', { retainMonths: 12 })).status).toBe(403);
    const bad = await admin.request('PUT', '/api/v1/retention/general', { retainMonths: 0 });
    expect([bad.status, bad.body.error.code]).toEqual([400, 'invalid_request']);
    expect((await admin.request('PUT', '/api/v1/retention/general', { retainMonths: 12, allowWithdrawal: true })).status).toBe(200);
    const listed = await admin.get('/api/v1/retention');
    expect(listed.body.channels.find((row: { channel: string }) => row.channel === 'general')).toMatchObject({ retainMonths: 12, custom: true, withdrawalInForce: true });
    // Reset for the other tests of this file.
    expect((await admin.request('PUT', '/api/v1/retention/general', { retainMonths: 36, allowWithdrawal: null })).status).toBe(200);
  });

  it('refuses a withdrawal where the law or the channel does not allow it (the default)', async () => {
    const { reporter, caseId } = await closedCase('ZQXNOWITHDRAW');
    const refused = await reporter.post('/api/v1/reporter/withdraw');
    expect([refused.status, refused.body.error.code]).toEqual([403, 'withdrawal_not_allowed']);
    expect(await app.ctx.db.selectFrom('cases').select('id').where('id', '=', caseId).execute()).toHaveLength(1);
  });
});

describe.each(DIALECTS)('reporter withdrawal where allowed (%s)', (dialect) => {
  let app: TestApp;
  let staff: HttpClient;
  beforeAll(async () => {
    app = await startTestApp(dialect, { env: { CANDOR_REPORTER_WITHDRAWAL: 'on' } });
    await app.createStaff('handler', { channel: 'general' }).then(async (handler) => (staff = await app.signIn(handler)));
  });
  afterAll(async () => app?.close());

  it('shreds the case at once; under a legal hold it waits for the hold to be lifted', async () => {
    const first = await app.submitReport({ narrative: 'ZQXWITHDRAWN account' });
    const reporter = app.client();
    await reporter.post('/api/v1/reporter/session', { receipt: first.receipt });
    const done = await reporter.post('/api/v1/reporter/withdraw');
    expect([done.status, done.body.state]).toEqual([200, 'shredded']);
    expect((await app.client().post('/api/v1/reporter/session', { receipt: first.receipt })).status).toBe(401);
    expect(await app.ctx.db.selectFrom('case_disposals').select('reason').where('ref', '=', first.caseRef).executeTakeFirst()).toEqual({ reason: 'withdrawal' });

    const second = await app.submitReport({ narrative: 'ZQXWITHDRAWN held' });
    const list = await staff.get('/api/v1/cases?limit=50');
    const caseId = list.body.items.find((item: { ref: string }) => item.ref === second.caseRef).id;
    const oversight = await app.signIn(await app.createStaff('oversight'));
    const hold = await oversight.post(`/api/v1/cases/${caseId}/holds`, { reason: 'Litigation hold' });
    const again = app.client();
    await again.post('/api/v1/reporter/session', { receipt: second.receipt });
    expect((await again.post('/api/v1/reporter/withdraw')).body.state).toBe('held');
    expect((await again.get('/api/v1/reporter/case')).status).toBe(401); // signed out
    expect((await runRetentionSweep(app.ctx)).shredded).toBe(0);
    await oversight.post(`/api/v1/cases/${caseId}/holds/${hold.body.id}/lift`, { reason: 'Settled' });
    expect((await runRetentionSweep(app.ctx)).shredded).toBe(1);
    expect(await app.ctx.db.selectFrom('cases').select('id').where('id', '=', caseId).execute()).toEqual([]);
  });
});
