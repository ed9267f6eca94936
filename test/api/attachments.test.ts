import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import exifr from 'exifr';
import { PDFDocument } from 'pdf-lib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/databases.js';
import type { HttpClient } from '../support/http-client.js';
import { startTestApp, type TestApp, type TestStaff } from '../support/app.js';

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');
const cookieOf = (client: HttpClient) => [...client.cookies].map(([name, value]) => `${name}=${value}`).join('; ');

interface UploadFile {
  name: string;
  data: Buffer;
  type?: string;
}

/** Posts a multipart form as a browser would: optional fields, then (or after) the files. */
async function upload(client: HttpClient, url: string, files: UploadFile[], fields: Record<string, string> = {}, fieldsLast = false) {
  const form = new FormData();
  const addFields = () => Object.entries(fields).forEach(([name, value]) => form.append(name, value));
  if (!fieldsLast) addFields();
  for (const file of files) form.append('files', new Blob([new Uint8Array(file.data)], { type: file.type ?? 'application/octet-stream' }), file.name);
  if (fieldsLast) addFields();
  const response = await fetch(client.baseUrl + url, { method: 'POST', body: form, headers: { cookie: cookieOf(client) } });
  const text = await response.text();
  return { status: response.status, body: text === '' ? null : JSON.parse(text) };
}

async function download(client: HttpClient, url: string) {
  const response = await fetch(client.baseUrl + url, { headers: { cookie: cookieOf(client) } });
  return { status: response.status, headers: response.headers, data: Buffer.from(await response.arrayBuffer()) };
}

/** A photo as a phone would take it: camera make and model, time, and where it was taken. */
async function photoWithLocation(format: 'jpeg' | 'png' | 'webp' = 'jpeg'): Promise<Buffer> {
  return sharp({ create: { width: 120, height: 80, channels: 3, background: { r: 180, g: 40, b: 60 } } })
    [format]()
    .withExif({
      IFD0: { Make: 'Canon', Model: 'EOS 5D Mark IV', Artist: 'Ada Reporter' },
      IFD2: { DateTimeOriginal: '2026:03:12 21:14:00' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '48/1 51/1 2400/100', GPSLongitudeRef: 'E', GPSLongitude: '2/1 21/1 300/100' },
    })
    .toBuffer();
}

async function pdfWithProperties(): Promise<Buffer> {
  const document = await PDFDocument.create();
  document.setAuthor('Ada Reporter');
  document.setProducer('Secret Scanner 3.1');
  document.setCreator('Office Writer');
  document.setTitle('Notes after the trip');
  document.addPage([300, 200]).drawText('What happened on 12 March', { x: 20, y: 100, size: 12 });
  return Buffer.from(await document.save());
}

function filesIn(dir: string): string[] {
  return fs.existsSync(dir) ? fs.readdirSync(dir) : [];
}

describe.each(DIALECTS)('evidence attachments (%s)', (dialect) => {
  let app: TestApp;
  let handler: TestStaff;
  let staff: HttpClient;

  /** A fresh report with its reporter signed in, and its id as staff see it. */
  async function newCase() {
    const submitted = await app.submitReport({ narrative: 'I have photos and a document.' });
    const reporter = app.client();
    expect((await reporter.post('/api/v1/reporter/session', { receipt: submitted.receipt })).status).toBe(204);
    const list = await staff.get('/api/v1/cases?limit=200');
    const caseId: string = list.body.items.find((item: { ref: string }) => item.ref === submitted.caseRef).id;
    return { reporter, caseId };
  }

  const attachmentRows = (caseId: string) => app.ctx.db.selectFrom('case_attachments').selectAll().where('case_id', '=', caseId).execute();

  beforeAll(async () => {
    app = await startTestApp(dialect);
    handler = await app.createStaff('handler', { channel: 'general' });
    staff = await app.signIn(handler);
  });
  afterAll(() => app?.close());

  it('takes a reporter upload and gives the handler the same bytes, with their SHA-256, audited', async () => {
    const { reporter, caseId } = await newCase();
    const data = randomBytes(200_000); // several chunks, a type Candor does not strip
    const uploaded = await upload(reporter, '/api/v1/reporter/attachments', [{ name: 'Übersicht café.bin', data }]);
    expect(uploaded.status).toBe(201);
    expect(uploaded.body.attachments).toEqual([
      { id: expect.any(String), filename: 'Übersicht café.bin', sizeBytes: 200_000, sha256: sha256(data), metadataRemoved: [] },
    ]);
    const id = uploaded.body.attachments[0].id;

    const file = await download(staff, `/api/v1/cases/${caseId}/attachments/${id}`);
    expect(file.status).toBe(200);
    expect(file.data.equals(data)).toBe(true);
    expect(file.headers.get('x-content-sha256')).toBe(sha256(data));
    expect(file.headers.get('content-type')).toBe('application/octet-stream');
    expect(file.headers.get('content-disposition')).toBe(`attachment; filename="_bersicht caf_.bin"; filename*=UTF-8''${encodeURIComponent('Übersicht café.bin')}`);
    expect(file.headers.get('cache-control')).toBe('no-store');

    const detail = await staff.get(`/api/v1/cases/${caseId}`);
    expect(detail.body.attachments).toEqual([
      {
        id,
        filename: 'Übersicht café.bin',
        contentType: 'application/octet-stream',
        sizeBytes: 200_000,
        sha256: sha256(data),
        metadataRemoved: [],
        originalKept: true,
        uploadedBy: 'reporter',
        at: expect.any(String),
      },
    ]);
    const view = await reporter.get('/api/v1/reporter/case');
    expect(view.body.attachments.map((a: { filename: string; sha256: string }) => [a.filename, a.sha256])).toEqual([['Übersicht café.bin', sha256(data)]]);

    const audit = await app.ctx.db.selectFrom('audit_events').select(['action', 'actor_type', 'target_id', 'details']).where('case_id', '=', caseId).orderBy('seq').execute();
    const created = audit.find((entry) => entry.action === 'attachment.create')!;
    expect(created).toMatchObject({ actor_type: 'reporter', target_id: id });
    expect(JSON.parse(created.details)).toMatchObject({ sha256Received: sha256(data), sha256Stored: sha256(data), sizeBytes: 200_000 });
    expect(audit.find((entry) => entry.action === 'attachment.read')).toMatchObject({ actor_type: 'staff', target_id: id });
    expect(JSON.stringify(audit)).not.toMatch(/bersicht|café/);
  });

  it('removes EXIF and GPS from a photo and says what it removed', async () => {
    const { reporter, caseId } = await newCase();
    const photo = await photoWithLocation();
    // The test photo really carries a location and a camera before the upload.
    expect(await exifr.gps(photo)).toMatchObject({ latitude: expect.closeTo(48.8567, 3), longitude: expect.closeTo(2.3508, 3) });
    expect(await exifr.parse(photo)).toMatchObject({ Make: 'Canon', Model: 'EOS 5D Mark IV' });

    const uploaded = await upload(reporter, '/api/v1/reporter/attachments', [{ name: 'bruise.jpg', data: photo, type: 'image/jpeg' }]);
    expect(uploaded.status).toBe(201);
    const [attachment] = uploaded.body.attachments;
    expect(attachment.metadataRemoved).toEqual(expect.arrayContaining(['EXIF', 'GPS location', 'camera model', 'date and time', 'author or owner']));

    const file = await download(staff, `/api/v1/cases/${caseId}/attachments/${attachment.id}`);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('image/jpeg');
    expect(await exifr.parse(file.data)).toBeUndefined();
    expect(await exifr.gps(file.data)).toBeUndefined();
    expect((await sharp(file.data).metadata()).exif).toBeUndefined();
    expect(file.data.includes('Canon')).toBe(false);
    // Still the same picture.
    expect(await sharp(file.data).metadata()).toMatchObject({ format: 'jpeg', width: 120, height: 80 });
    expect(file.headers.get('x-content-sha256')).toBe(sha256(file.data));
    expect(attachment.sha256).toBe(sha256(file.data));

    // Both hashes are kept: of what was received and of what is stored.
    const [row] = await attachmentRows(caseId);
    expect(row).toMatchObject({ sha256_received: sha256(photo), sha256_stored: sha256(file.data), received_bytes: photo.length, original_kept: 0 });
    expect(JSON.parse(row!.metadata_removed)).toEqual(attachment.metadataRemoved);
  });

  it.each(['png', 'webp'] as const)('removes EXIF and GPS from a %s image too', async (format) => {
    const { reporter, caseId } = await newCase();
    const image = await photoWithLocation(format);
    expect((await sharp(image).metadata()).exif).toBeDefined();
    const uploaded = await upload(reporter, '/api/v1/reporter/attachments', [{ name: `screen.${format}`, data: image }]);
    expect(uploaded.status).toBe(201);
    expect(uploaded.body.attachments[0].metadataRemoved).toEqual(expect.arrayContaining(['EXIF', 'GPS location', 'camera model']));
    const file = await download(staff, `/api/v1/cases/${caseId}/attachments/${uploaded.body.attachments[0].id}`);
    expect(file.headers.get('content-type')).toBe(`image/${format}`);
    const meta = await sharp(file.data).metadata();
    expect([meta.format, meta.exif, meta.xmp]).toEqual([format, undefined, undefined]);
  });

  it('keeps the original byte for byte when asked, whether keepOriginal comes before or after the file', async () => {
    const { reporter, caseId } = await newCase();
    const photo = await photoWithLocation();
    const before = await upload(reporter, '/api/v1/reporter/attachments', [{ name: 'original.jpg', data: photo }], { keepOriginal: 'true' });
    const after = await upload(reporter, '/api/v1/reporter/attachments', [{ name: 'original-2.jpg', data: photo }], { keepOriginal: 'true' }, true);
    for (const uploaded of [before, after]) {
      expect(uploaded.status).toBe(201);
      expect(uploaded.body.attachments[0]).toMatchObject({ metadataRemoved: [], sha256: sha256(photo), sizeBytes: photo.length });
      const file = await download(staff, `/api/v1/cases/${caseId}/attachments/${uploaded.body.attachments[0].id}`);
      expect(file.data.equals(photo)).toBe(true);
      expect(await exifr.gps(file.data)).toMatchObject({ latitude: expect.closeTo(48.8567, 3) });
    }
    const detail = await staff.get(`/api/v1/cases/${caseId}`);
    expect(detail.body.attachments.map((a: { originalKept: boolean }) => a.originalKept)).toEqual([true, true]);
  });

  it('removes author, producer and the other document properties from a PDF', async () => {
    const { reporter, caseId } = await newCase();
    const pdf = await pdfWithProperties();
    const original = await PDFDocument.load(pdf, { updateMetadata: false });
    expect([original.getAuthor(), original.getProducer()]).toEqual(['Ada Reporter', 'Secret Scanner 3.1']);

    const uploaded = await upload(reporter, '/api/v1/reporter/attachments', [{ name: 'notes.pdf', data: pdf, type: 'application/pdf' }]);
    expect(uploaded.status).toBe(201);
    expect(uploaded.body.attachments[0].metadataRemoved).toEqual(['title', 'author', 'creator', 'producer', 'creation date', 'modification date']);
    const file = await download(staff, `/api/v1/cases/${caseId}/attachments/${uploaded.body.attachments[0].id}`);
    expect(file.headers.get('content-type')).toBe('application/pdf');
    const stored = await PDFDocument.load(file.data, { updateMetadata: false });
    expect([stored.getAuthor(), stored.getProducer(), stored.getCreator(), stored.getTitle()]).toEqual([undefined, undefined, undefined, undefined]);
    expect(stored.getPageCount()).toBe(1);
    expect(file.data.includes('pdf-lib')).toBe(false);
  });

  it('refuses a broken image it cannot strip, unless the original is kept', async () => {
    const { reporter, caseId } = await newCase();
    const before = filesIn(app.config.attachments.dir).length;
    const broken = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(5000)]);
    const refused = await upload(reporter, '/api/v1/reporter/attachments', [{ name: 'broken.jpg', data: broken }]);
    expect([refused.status, refused.body.error.code]).toEqual([422, 'attachment_unreadable']);
    expect(await attachmentRows(caseId)).toHaveLength(0);
    expect(filesIn(app.config.attachments.dir).length).toBe(before);
    const kept = await upload(reporter, '/api/v1/reporter/attachments', [{ name: 'broken.jpg', data: broken }], { keepOriginal: 'on' });
    expect(kept.status).toBe(201);
    expect((await download(staff, `/api/v1/cases/${caseId}/attachments/${kept.body.attachments[0].id}`)).data.equals(broken)).toBe(true);
  });

  it('keeps file content and names encrypted at rest', async () => {
    const { reporter, caseId } = await newCase();
    const marker = `ZQXEVIDENCEMARK${dialect.toUpperCase()}`;
    const data = Buffer.from(`Minutes of the meeting. ${marker} He said it again.\n`.repeat(50));
    const uploaded = await upload(reporter, '/api/v1/reporter/attachments', [{ name: `${marker}-name.txt`, data }]);
    expect(uploaded.status).toBe(201);
    const [row] = await attachmentRows(caseId);
    const stored = fs.readFileSync(path.join(app.config.attachments.dir, row!.storage_name));
    expect(stored.length).toBeGreaterThan(data.length);
    expect(stored.includes(marker)).toBe(false);
    for (const name of filesIn(app.config.attachments.dir)) {
      expect(name).not.toContain(marker);
      expect(fs.readFileSync(path.join(app.config.attachments.dir, name)).includes(marker)).toBe(false);
    }
    expect(Buffer.from(JSON.stringify(row)).includes(marker)).toBe(false);
    expect(Buffer.from(row!.filename_sealed).includes(marker)).toBe(false);
    expect(app.logLines.join('')).not.toContain(marker);
    // ...and the handler reads both.
    expect((await staff.get(`/api/v1/cases/${caseId}`)).body.attachments[0].filename).toBe(`${marker}-name.txt`);
  });

  it('refuses to deliver a stored file with one byte changed', async () => {
    const { reporter, caseId } = await newCase();
    const small = Buffer.from('a short statement, one chunk long');
    const large = randomBytes(300_000);
    const uploaded = await upload(reporter, '/api/v1/reporter/attachments', [
      { name: 'small.txt', data: small },
      { name: 'large.bin', data: large },
    ]);
    expect(uploaded.status).toBe(201);
    const rows = await attachmentRows(caseId);
    for (const row of rows) {
      const file = path.join(app.config.attachments.dir, row.storage_name);
      const bytes = fs.readFileSync(file);
      bytes[bytes.length - 20]! ^= 0x40; // inside the last chunk
      fs.writeFileSync(file, bytes);
    }
    const [smallId, largeId] = uploaded.body.attachments.map((a: { id: string }) => a.id);

    // Damage in the first chunk: caught before anything is sent.
    const first = await download(staff, `/api/v1/cases/${caseId}/attachments/${smallId}`);
    expect(first.status).toBe(500);
    expect(JSON.parse(first.data.toString()).error.code).toBe('internal_error');
    expect(first.headers.get('content-disposition')).toBeNull();
    expect(first.data.includes('short statement')).toBe(false);

    // Damage later on: the answer may have started, but it breaks off instead of completing.
    const response = await fetch(`${app.baseUrl}/api/v1/cases/${caseId}/attachments/${largeId}`, { headers: { cookie: cookieOf(staff) } });
    let body: Buffer | null = null;
    let failed = false;
    try {
      body = Buffer.from(await response.arrayBuffer());
    } catch {
      failed = true;
    }
    if (response.status === 200) expect(failed).toBe(true);
    else expect(response.status).toBe(500);
    if (body) expect(body.equals(large)).toBe(false);
  });

  it('lets a handler upload, and shows the case to nobody else', async () => {
    const { caseId } = await newCase();
    const uploaded = await upload(staff, `/api/v1/cases/${caseId}/attachments`, [{ name: 'interview.txt', data: Buffer.from('notes') }]);
    expect(uploaded.status).toBe(201);
    const id = uploaded.body.attachments[0].id;
    const detail = await staff.get(`/api/v1/cases/${caseId}`);
    expect(detail.body.attachments[0]).toMatchObject({ id, uploadedBy: 'handler', filename: 'interview.txt' });
    const [row] = await attachmentRows(caseId);
    expect(row).toMatchObject({ uploaded_by: 'handler', uploaded_by_user_id: handler.id });

    const outsider = await app.signIn(await app.createStaff('handler', { channel: undefined }));
    const read = await download(outsider, `/api/v1/cases/${caseId}/attachments/${id}`);
    expect([read.status, JSON.parse(read.data.toString()).error.code]).toEqual([404, 'case_not_found']);
    const write = await upload(outsider, `/api/v1/cases/${caseId}/attachments`, [{ name: 'x.txt', data: Buffer.from('x') }]);
    expect([write.status, write.body.error.code]).toEqual([404, 'case_not_found']);
    expect((await download(app.client(), `/api/v1/cases/${caseId}/attachments/${id}`)).status).toBe(401);
    expect((await upload(app.client(), '/api/v1/reporter/attachments', [{ name: 'x.txt', data: Buffer.from('x') }])).status).toBe(401);
    const unknown = await download(staff, `/api/v1/cases/${caseId}/attachments/00000000-0000-4000-8000-000000000000`);
    expect([unknown.status, JSON.parse(unknown.data.toString()).error.code]).toEqual([404, 'attachment_not_found']);
    expect(await attachmentRows(caseId)).toHaveLength(1);
  });

  it('refuses a form without files, with unknown fields or that is not multipart', async () => {
    const { reporter, caseId } = await newCase();
    const empty = await upload(reporter, '/api/v1/reporter/attachments', [], { keepOriginal: 'true' });
    expect([empty.status, empty.body.error.code, Object.keys(empty.body.error.fields)]).toEqual([400, 'invalid_request', ['files']]);
    const unknown = await upload(reporter, '/api/v1/reporter/attachments', [{ name: 'a.txt', data: Buffer.from('a') }], { comment: 'hi' });
    expect([unknown.status, Object.keys(unknown.body.error.fields)]).toEqual([400, ['comment']]);
    const bare = await reporter.post('/api/v1/reporter/attachments');
    expect([bare.status, bare.body.error.code]).toEqual([415, 'unsupported_media_type']);
    const json = await reporter.post('/api/v1/reporter/attachments', { files: [] });
    expect([json.status, json.body.error.code]).toEqual([400, 'invalid_request']);
    expect(await attachmentRows(caseId)).toHaveLength(0);
    expect(filesIn(app.config.attachments.dir).filter((name) => name.endsWith('.part'))).toEqual([]);
  });
});

describe.each(DIALECTS)('attachment limits (%s)', (dialect) => {
  let app: TestApp;
  let staff: HttpClient;
  const MAX_FILE = 100_000;
  const MAX_CASE = 250_000;

  beforeAll(async () => {
    app = await startTestApp(dialect, {
      env: { CANDOR_ATTACHMENT_MAX_FILE_BYTES: String(MAX_FILE), CANDOR_ATTACHMENT_MAX_CASE_BYTES: String(MAX_CASE) },
    });
    staff = await app.signIn(await app.createStaff('handler', { channel: 'general' }));
  });
  afterAll(() => app?.close());

  async function newCase() {
    const submitted = await app.submitReport();
    const reporter = app.client();
    await reporter.post('/api/v1/reporter/session', { receipt: submitted.receipt });
    const list = await staff.get('/api/v1/cases?limit=200');
    return { reporter, caseId: list.body.items.find((item: { ref: string }) => item.ref === submitted.caseRef).id as string };
  }
  const rows = (caseId: string) => app.ctx.db.selectFrom('case_attachments').select(['id', 'size_bytes']).where('case_id', '=', caseId).execute();
  const storedFiles = () => filesIn(app.config.attachments.dir);

  it('refuses a file over the per-file limit with attachment_too_large and keeps nothing of it', async () => {
    const { reporter, caseId } = await newCase();
    const before = storedFiles();
    const exactly = await upload(reporter, '/api/v1/reporter/attachments', [{ name: 'exact.bin', data: randomBytes(MAX_FILE) }]);
    expect(exactly.status).toBe(201);
    const tooLarge = await upload(reporter, '/api/v1/reporter/attachments', [{ name: 'big.bin', data: randomBytes(MAX_FILE + 1) }]);
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body.error.code).toBe('attachment_too_large');
    expect(tooLarge.body.error.message).toMatch(/at most 97.7 KB/);
    const far = await upload(reporter, '/api/v1/reporter/attachments', [{ name: 'huge.bin', data: randomBytes(3 * MAX_FILE) }]);
    expect([far.status, far.body.error.code]).toEqual([413, 'attachment_too_large']);
    expect(await rows(caseId)).toHaveLength(1);
    expect(storedFiles().length).toBe(before.length + 1);
    // The connection is still good for the next request.
    expect((await reporter.get('/api/v1/reporter/case')).status).toBe(200);
  });

  it("keeps a case within its budget, and an upload that breaks it leaves none of its files", async () => {
    const { reporter, caseId } = await newCase();
    const before = storedFiles();
    const first = await upload(reporter, '/api/v1/reporter/attachments', [
      { name: 'a.bin', data: randomBytes(90_000) },
      { name: 'b.bin', data: randomBytes(90_000) },
    ]);
    expect(first.status).toBe(201);
    // 70,000 bytes are left: a 60,000-byte file fits with a second 60,000-byte one past the budget.
    const second = await upload(reporter, '/api/v1/reporter/attachments', [
      { name: 'c.bin', data: randomBytes(60_000) },
      { name: 'd.bin', data: randomBytes(60_000) },
    ]);
    expect([second.status, second.body.error.code]).toEqual([413, 'attachment_too_large']);
    expect(second.body.error.message).toMatch(/report can hold at most 244.1 KB/);
    expect((await rows(caseId)).map((row) => Number(row.size_bytes))).toEqual([90_000, 90_000]);
    expect(storedFiles().length).toBe(before.length + 2);
    // The handler's uploads count against the same budget.
    const handlerUpload = await upload(staff, `/api/v1/cases/${caseId}/attachments`, [{ name: 'e.bin', data: randomBytes(70_001) }]);
    expect([handlerUpload.status, handlerUpload.body.error.code]).toEqual([413, 'attachment_too_large']);
    const fits = await upload(staff, `/api/v1/cases/${caseId}/attachments`, [{ name: 'f.bin', data: randomBytes(70_000) }]);
    expect(fits.status).toBe(201);
    expect(storedFiles().length).toBe(before.length + 3);
    expect(storedFiles().filter((name) => name.endsWith('.part'))).toEqual([]);
  });
});
