import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeEscrowKey, generateEscrowKey } from '../../src/kernel/crypto.js';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../support/databases.js';
import { startTestApp, type TestApp } from '../support/app.js';

const entry = (value: string) => ({ identifiers: [{ kind: 'employee', value }], account: 'What happened.' });

describe.each(DIALECTS)('the escrow key file (%s)', (dialect) => {
  let database: TestDatabase;
  let app: TestApp | undefined;

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
  });
  afterAll(async () => {
    await app?.close();
    await database?.dispose();
  });

  async function restart(): Promise<TestApp> {
    await app?.close();
    app = await startTestApp(dialect, { database });
    return app;
  }

  it('is made on the first start, for Candor\'s user only, and recorded by fingerprint', async () => {
    const first = await restart();
    await first.createStaff('handler', { channel: 'general' });
    const file = first.config.escrow.keyFile;
    expect(file).toBe(`${database.dataDir}/escrow.key`);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(file, 'utf8')).toMatch(/^[A-Za-z0-9+/]{43}=\n$/);
    const fingerprint = await first.ctx.db.selectFrom('settings').select('value').where('key', '=', 'escrow_key_fingerprint').executeTakeFirstOrThrow();
    expect(fingerprint.value).toMatch(/^[0-9a-f]{64}$/);
    expect(fs.readFileSync(file, 'utf8')).not.toContain(fingerprint.value);
    expect((await first.client().post('/api/v1/escrow/entries', entry('E-77'))).status).toBe(201);
  });

  it('is never replaced when missing: escrow stops, reports go on', async () => {
    const file = `${database.dataDir}/escrow.key`;
    const original = fs.readFileSync(file, 'utf8');
    fs.rmSync(file);
    const second = await restart();
    expect(fs.existsSync(file)).toBe(false);
    const refused = await second.client().post('/api/v1/escrow/entries', entry('E-77'));
    expect(refused.status).toBe(503);
    expect(refused.body.error.code).toBe('escrow_unavailable');
    expect(second.logLines.join('')).toContain('escrow key file');
    expect((await second.client().post('/api/v1/reports', { category: 'other', narrative: 'Still taking reports.', anonymity: 'anonymous' })).status).toBe(201);

    // Another key is refused too: entries made under the first could never match again.
    fs.writeFileSync(file, encodeEscrowKey(generateEscrowKey()), { mode: 0o600 });
    expect((await (await restart()).client().post('/api/v1/escrow/entries', entry('E-77'))).status).toBe(503);

    // The right key back: the entry lodged before the restarts meets a new one.
    fs.writeFileSync(file, original, { mode: 0o600 });
    const third = await restart();
    await third.createStaff('counselor');
    expect((await third.client().post('/api/v1/escrow/entries', entry(' e-77 '))).status).toBe(201);
    const matched = await third.ctx.db.selectFrom('escrow_pools').select('id').where('matched_at', 'is not', null).execute();
    expect(matched).toHaveLength(1);
  });
});
