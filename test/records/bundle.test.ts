/**
 * Referral bundles through real HTTP on both dialects: request, a second approver (never the
 * requester), download, and `candor bundle verify` on the ZIP: intact, a tampered file, a tampered
 * manifest. Also the oversight audit trail API and its refusal to anyone else.
 */
import fs from 'node:fs';
import path from 'node:path';
import yauzl from 'yauzl';
import yazl from 'yazl';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyBundle } from '../../src/records/bundle.verify.js';
import { startTestApp, type TestApp, type TestStaff } from '../support/app.js';
import { runCli } from '../support/cli.js';
import { DIALECTS } from '../support/databases.js';
import type { HttpClient } from '../support/http-client.js';

const cookieOf = (client: HttpClient) => [...client.cookies].map(([name, value]) => `${name}=${value}`).join('; ');

/** Reads every entry of a ZIP into memory (test bundles are small). */
async function unzip(file: string): Promise<Map<string, Buffer>> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) => yauzl.open(file, { lazyEntries: true }, (error, opened) => (error ? reject(error) : resolve(opened!))));
  const entries = new Map<string, Buffer>();
  await new Promise<void>((resolve, reject) => {
    zip.on('end', resolve);
    zip.on('error', reject);
    zip.on('entry', (entry: yauzl.Entry) =>
      zip.openReadStream(entry, (error, stream) => {
        if (error || !stream) return reject(error);
        const parts: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => parts.push(chunk));
        stream.on('end', () => {
          entries.set(entry.fileName, Buffer.concat(parts));
          zip.readEntry();
        });
      }),
    );
    zip.readEntry();
  });
  return entries;
}

async function rezip(entries: Map<string, Buffer>, file: string): Promise<void> {
  const zip = new yazl.ZipFile();
  for (const [name, data] of entries) zip.addBuffer(data, name);
  zip.end();
  await new Promise<void>((resolve, reject) => zip.outputStream.pipe(fs.createWriteStream(file)).on('finish', resolve).on('error', reject));
}

describe.each(DIALECTS)('referral bundles (%s)', (dialect) => {
  let app: TestApp;
  let handler: TestStaff;
  let staff: HttpClient;
  let second: HttpClient;
  let oversight: HttpClient;
  let caseId: string;

  beforeAll(async () => {
    app = await startTestApp(dialect);
    handler = await app.createStaff('handler', { channel: 'general' });
    staff = await app.signIn(handler);
    second = await app.signIn(await app.createStaff('handler', { channel: 'general' }));
    oversight = await app.signIn(await app.createStaff('oversight'));
    const submitted = await app.submitReport({ narrative: 'He grabbed me in the lift — 电梯 — on 12 March.', anonymity: 'named', identity: { name: 'Ada Reporter' } });
    const reporter = app.client();
    await reporter.post('/api/v1/reporter/session', { receipt: submitted.receipt });
    await reporter.post('/api/v1/reporter/messages', { body: 'I have a photo.' });
    const form = new FormData();
    form.append('files', new Blob([Buffer.from('plain evidence bytes')], { type: 'text/plain' }), 'evidence.txt');
    expect((await fetch(`${app.baseUrl}/api/v1/reporter/attachments`, { method: 'POST', body: form, headers: { cookie: cookieOf(reporter) } })).status).toBe(201);
    const list = await staff.get('/api/v1/cases?limit=10');
    caseId = list.body.items.find((item: { ref: string }) => item.ref === submitted.caseRef).id;
    await staff.post(`/api/v1/cases/${caseId}/messages`, { body: 'Thank you, we have it.' });
  });
  afterAll(async () => app?.close());

  it('needs a second approver, never the requester; then the requester downloads a bundle that verifies, and tampering is caught', { timeout: 240_000 }, async () => {
    const requested = await staff.post(`/api/v1/cases/${caseId}/exports`, { purpose: 'Police referral, ref 2026/123' });
    expect([requested.status, requested.body.state]).toEqual([201, 'pending']);
    const exportId = requested.body.id;
    const early = await fetch(`${app.baseUrl}/api/v1/exports/${exportId}/bundle`, { headers: { cookie: cookieOf(staff) } });
    expect([early.status, ((await early.json()) as { error: { code: string } }).error.code]).toEqual([409, 'export_not_approved']);
    const self = await staff.post(`/api/v1/exports/${exportId}/approve`);
    expect([self.status, self.body.error.code]).toEqual([403, 'own_export']);
    const approved = await second.post(`/api/v1/exports/${exportId}/approve`);
    expect([approved.status, approved.body.state]).toEqual([200, 'approved']);
    // Only the requester downloads it.
    expect((await fetch(`${app.baseUrl}/api/v1/exports/${exportId}/bundle`, { headers: { cookie: cookieOf(second) } })).status).toBe(404);
    const response = await fetch(`${app.baseUrl}/api/v1/exports/${exportId}/bundle`, { headers: { cookie: cookieOf(staff) } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/zip');
    const file = path.join(app.database.dataDir, 'bundle.zip');
    fs.writeFileSync(file, Buffer.from(await response.arrayBuffer()));

    const check = await verifyBundle(file);
    expect(check).toMatchObject({ ok: true, problems: [] });
    const entries = await unzip(file);
    expect([...entries.keys()]).toEqual(
      expect.arrayContaining(['report.json', 'answers.json', 'reporter.json', 'messages.json', 'messages/0001.txt', 'messages/0002.txt', 'attachments/001-evidence.txt', 'timeline.pdf', 'audit.jsonl', 'manifest.json', 'manifest.sig']),
    );
    expect(entries.get('attachments/001-evidence.txt')!.toString()).toBe('plain evidence bytes');
    expect(entries.get('timeline.pdf')!.subarray(0, 5).toString()).toBe('%PDF-');
    // The report's and each message's SHA-256 are the ones the audit chain recorded at receipt.
    const audit = entries.get('audit.jsonl')!.toString().trim().split('\n').map((line) => JSON.parse(line));
    const manifest = JSON.parse(entries.get('manifest.json')!.toString());
    const sha = (name: string) => manifest.files.find((item: { path: string }) => item.path === name).sha256;
    expect(JSON.parse(audit.find((entry) => entry.action === 'report.submit').details).reportSha256).toBe(sha('report.json'));
    expect(JSON.parse(audit.find((entry) => entry.action === 'reporter.message.create').details).sha256).toBe(sha('messages/0001.txt'));
    expect(JSON.parse(audit.find((entry) => entry.action === 'attachment.create').details).sha256Stored).toBe(sha('attachments/001-evidence.txt'));
    // The download is audited with the manifest's hash.
    const downloaded = await app.ctx.db.selectFrom('audit_events').selectAll().where('action', '=', 'case.export.download').where('case_id', '=', caseId).executeTakeFirstOrThrow();
    expect(JSON.parse(downloaded.details).manifestSha256).toBe(response.headers.get('x-manifest-sha256'));

    const key = await runCli(['bundle', 'key', '--json'], { database: app.database });
    const fingerprint = JSON.parse(key.stdout).fingerprint as string;
    expect(fingerprint).toBe(manifest.signing.fingerprint);
    const good = await runCli(['bundle', 'verify', file, '--fingerprint', fingerprint]);
    expect([good.code, good.stdout]).toEqual([0, expect.stringContaining('Signature valid')]);

    // A changed file.
    const changedFile = new Map(entries);
    changedFile.set('messages/0001.txt', Buffer.from('I have no photo.'));
    const tamperedFile = path.join(app.database.dataDir, 'tampered-file.zip');
    await rezip(changedFile, tamperedFile);
    const badFile = await runCli(['bundle', 'verify', tamperedFile]);
    expect([badFile.code, badFile.stderr]).toEqual([4, expect.stringContaining('messages/0001.txt: hash mismatch')]);

    // A manifest changed to match the changed file: the signature no longer holds.
    const changedManifest = new Map(changedFile);
    const edited = JSON.parse(entries.get('manifest.json')!.toString());
    const { createHash } = await import('node:crypto');
    edited.files.find((item: { path: string }) => item.path === 'messages/0001.txt').sha256 = createHash('sha256').update('I have no photo.').digest('hex');
    edited.files.find((item: { path: string }) => item.path === 'messages/0001.txt').bytes = 16;
    changedManifest.set('manifest.json', Buffer.from(JSON.stringify(edited, null, 2) + '\n'));
    const tamperedManifest = path.join(app.database.dataDir, 'tampered-manifest.zip');
    await rezip(changedManifest, tamperedManifest);
    const badManifest = await runCli(['bundle', 'verify', tamperedManifest]);
    expect([badManifest.code, badManifest.stderr]).toEqual([4, expect.stringContaining('manifest.sig: bad signature')]);

    // The right key, but not the published one.
    const wrongKey = await runCli(['bundle', 'verify', file, '--fingerprint', '0000:0000:0000:0000:0000:0000:0000:0000']);
    expect([wrongKey.code, wrongKey.stderr]).toEqual([4, expect.stringContaining('fingerprint mismatch')]);
  });

  it("shows oversight a case's audit trail and the platform trail by person and date, without content; nobody else", async () => {
    const trail = await oversight.get(`/api/v1/cases/${caseId}/audit`);
    expect(trail.status).toBe(200);
    const actions = trail.body.items.map((item: { action: string }) => item.action);
    expect(actions).toEqual(expect.arrayContaining(['report.submit', 'case.read', 'case.export.request', 'case.export.approve', 'case.export.download']));
    expect(JSON.stringify(trail.body)).not.toMatch(/grabbed|Ada Reporter|photo/);
    const byPerson = await oversight.get(`/api/v1/audit?actor=${handler.id}&from=${encodeURIComponent(new Date(Date.now() - 3_600_000).toISOString())}`);
    expect(byPerson.status).toBe(200);
    expect(byPerson.body.items.length).toBeGreaterThan(0);
    expect(byPerson.body.items.every((item: { actorId: string }) => item.actorId === handler.id)).toBe(true);
    const forbidden = await staff.get(`/api/v1/cases/${caseId}/audit`);
    expect([forbidden.status, forbidden.body.error.code]).toEqual([403, 'oversight_only']);
    const bad = await oversight.get('/api/v1/audit?from=yesterday');
    expect([bad.status, bad.body.error.code]).toEqual([400, 'invalid_request']);
  });
});
