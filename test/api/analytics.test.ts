/**
 * Leadership analytics through real HTTP on both databases: figures checked against cases made
 * and handled through the API, whose answers are known; the statistics rows kept by every seam
 * (intake, acknowledgement, closing with findings, return visits, breaches and escalation).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepClocks } from '../../src/clocks/clock-sweep.service.js';
import { backfillCaseStats } from '../../src/kernel/migrations/0011-analytics.js';
import { ManualClock } from '../../src/kernel/clock.js';
import { startTestApp, type TestApp, type TestStaff } from '../support/app.js';
import { DIALECTS } from '../support/databases.js';
import type { HttpClient } from '../support/http-client.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = new Date('2026-01-05T09:00:00.000Z');

type Row = { key: string; count: { value: number | null; state: string } };
const table = (body: { tables: { id: string; rows: Row[] }[] }, id: string) =>
  Object.fromEntries(body.tables.find((t) => t.id === id)!.rows.map((row) => [row.key, row.count.state === 'shown' ? row.count.value : row.count.state]));

describe.each(DIALECTS)('analytics: known answers through the case lifecycle (%s)', (dialect) => {
  let app: TestApp;
  let handler: TestStaff;
  let analyst: HttpClient;
  let staff: HttpClient;
  const cases: { id: string; receipt: string }[] = [];

  beforeAll(async () => {
    app = await startTestApp(dialect, { clock: new ManualClock(T0) });
    handler = await app.createStaff('handler', { channel: 'general' });
    await app.createStaff('oversight');
    // 10 anonymous reports of harassment and 5 named reports of fraud, all in January 2026.
    for (let i = 0; i < 15; i++) {
      const report = await app.submitReport(i < 10 ? { category: 'harassment' } : { category: 'fraud', anonymity: 'named', identity: { name: `Named ${i}` } });
      const { id } = await app.ctx.db.selectFrom('cases').select('id').where('ref', '=', report.caseRef).executeTakeFirstOrThrow();
      cases.push({ id, receipt: report.receipt });
    }
    staff = await app.signIn(handler);
    const step = (id: string, to: string, closing?: string) => staff.post(`/api/v1/cases/${id}/transitions`, { to, reason: 'as planned', ...(closing ? { closing } : {}) });
    // Five hours later, eight are acknowledged.
    app.clock.advance(5 * HOUR);
    staff = await app.signIn(handler);
    for (const c of cases.slice(0, 8)) expect((await staff.post(`/api/v1/cases/${c.id}/acknowledge`)).status).toBe(200);
    // Six reporters come back; five of them answer.
    for (const [i, c] of cases.slice(0, 6).entries()) {
      const reporter = app.client();
      expect((await reporter.post('/api/v1/reporter/session', { receipt: c.receipt })).status).toBe(204);
      if (i < 5) expect((await reporter.post('/api/v1/reporter/messages', { body: 'Any news?' })).status).toBe(201);
    }
    // Eight days in, the seven never acknowledged breach their clock and climb to oversight.
    app.clock.advance(8 * DAY);
    await sweepClocks(app.ctx);
    // Ten days after acknowledging, six close: two substantiated, one not, three out of scope.
    app.clock.advance(2 * DAY);
    staff = await app.signIn(handler);
    for (const [i, c] of cases.slice(0, 6).entries()) {
      expect((await step(c.id, 'assessment')).status).toBe(200);
      expect((await staff.post(`/api/v1/cases/${c.id}/feedback`, { body: 'We are on it.' })).status).toBe(201);
      if (i < 3) {
        expect((await step(c.id, 'investigation')).status).toBe(200);
        const allegation = await staff.post(`/api/v1/cases/${c.id}/allegations`, { summary: 'What was alleged' });
        const finding = i < 2 ? 'substantiated' : 'not-substantiated';
        expect((await staff.request('PUT', `/api/v1/cases/${c.id}/allegations/${allegation.body.id}/finding`, { finding, reasoning: 'Evidence' })).status).toBe(200);
        expect((await step(c.id, 'findings')).status).toBe(200);
        expect((await step(c.id, 'closed', 'findings-issued')).status).toBe(200);
      } else {
        expect((await step(c.id, 'closed', 'out-of-scope')).status).toBe(200);
      }
    }
    analyst = await app.signIn(await app.createStaff('analyst'));
  }, 120_000);
  afterAll(() => app?.close());

  it('keeps one non-identifying statistics row per case, with no foreign key to the case', async () => {
    const rows = await app.ctx.db.selectFrom('case_stats').selectAll().orderBy('received_at').execute();
    expect(rows).toHaveLength(15);
    const first = rows.find((row) => row.case_id === cases[0]!.id)!;
    expect(first).toMatchObject({ received_month: '2026-01', anonymity: 'anonymous', category: 'harassment', outcome: 'substantiated', closing: 'findings-issued' });
    expect([Number(first.ack_hours), Number(first.close_days), first.returned_at !== null, first.replied_at !== null]).toEqual([5, 10, true, true]);
    const breached = rows.find((row) => row.case_id === cases[14]!.id)!;
    expect([Number(breached.ack_breached), Number(breached.escalation_rung), breached.acknowledged_at]).toEqual([1, 1, null]);
    expect(Object.keys(first)).not.toEqual(expect.arrayContaining(['ref']));
    const foreignKeys =
      dialect === 'sqlite'
        ? (await sql<{ table: string }>`select * from pragma_foreign_key_list('case_stats')`.execute(app.ctx.db)).rows
        : (await sql`select 1 from information_schema.table_constraints where table_name = 'case_stats' and constraint_type = 'FOREIGN KEY'`.execute(app.ctx.db)).rows;
    expect(foreignKeys).toEqual([]);
  });

  it('the rollups kept change by change equal the rollups summed afresh from the cases (the migration backfill)', async () => {
    const db = app.ctx.db;
    const snapshot = async () => ({
      rows: (await db.selectFrom('case_stats').selectAll().orderBy('case_id').execute()).map(({ updated_at: _u, ...row }) => row),
      cells: await db.selectFrom('case_stats_monthly').selectAll().where('received', '<>', 0).orderBy(['month', 'dimension', 'dim_value', 'anonymity']).execute(),
      pairs: await db.selectFrom('case_stats_pairs').selectAll().where('received', '<>', 0).orderBy(['pair', 'month', 'value_a', 'value_b']).execute(),
      durations: await db.selectFrom('case_stats_durations').selectAll().where('n', '<>', 0).orderBy(['measure', 'dimension', 'dim_value', 'month', 'bucket']).execute(),
    });
    const live = await snapshot();
    expect(live.durations.length).toBeGreaterThan(0);
    for (const table of ['case_stats', 'case_stats_monthly', 'case_stats_pairs', 'case_stats_durations'] as const) await db.deleteFrom(table).execute();
    await backfillCaseStats(db, app.clock.now());
    expect(await snapshot()).toEqual(live);
  });

  it('shows analysts the known figures, with the small ones hidden', async () => {
    const response = await analyst.get('/api/v1/analytics/dashboard?from=2026-01&to=2026-01');
    expect(response.status).toBe(200);
    const body = response.body;
    expect(body).toMatchObject({ k: 5, covered: { from: '2026-01', to: '2026-01' }, suppressed: null, received: { value: 15, state: 'shown' } });
    expect(table(body, 'by-period')).toEqual({ '2026-01': 15 });
    expect(table(body, 'by-category')).toEqual({ fraud: 5, harassment: 10 });
    expect(table(body, 'anonymity')).toEqual({ anonymous: 10, confidential: 0, named: 5 });
    expect(table(body, 'status')).toEqual({ open: 9, closed: 6 });
    // 2 substantiated, 1 not, 3 without a finding: every one under 5.
    expect(table(body, 'outcome')).toEqual({ substantiated: 'small', 'partly-substantiated': 0, 'not-substantiated': 'small', inconclusive: 0, 'no-finding': 'small' });
    expect(table(body, 'acknowledge-breach')).toEqual({ breached: 7, kept: 8 });
    expect(table(body, 'escalation')).toEqual({ '0': 8, '1': 7, '2': 0, '3': 0, '4+': 0 });
    // Of 10 anonymous reporters, 5 answered, 1 only read (small), 4 never came back (small).
    expect(table(body, 'anonymous-return')).toEqual({ answered: 5, 'read-only': 'small', never: 'small' });
    expect(body.durations.acknowledge).toEqual({ unit: 'hours', n: { value: 8, state: 'shown' }, median: 5, p90: 5 });
    expect(body.durations.close).toEqual({ unit: 'days', n: { value: 6, state: 'shown' }, median: 10, p90: 10 });
    expect(body.targets).toEqual({ acknowledgeDays: 7, feedbackMonths: 3 });
    expect(body.benchmark).toMatchObject({ closeDays: null, source: expect.stringContaining('NAVEX') });
    expect(body.escrow).toEqual({ held: { value: 0, state: 'shown' }, matches: { value: 0, state: 'shown' } });
    // Read through the audit log, with the filters asked for.
    const audit = await app.ctx.db.selectFrom('audit_events').select(['action', 'details']).where('action', '=', 'analytics.read').execute();
    expect(audit.length).toBeGreaterThan(0);
  });

  it('a filter to a category narrower than k is refused as too narrow, a wide enough one answers', async () => {
    // harassment: 10 of 15, the rest 5: both large enough; but fraud leaves 10, harassment 5 — both fine too.
    const harassment = (await analyst.get('/api/v1/analytics/dashboard?from=2026-01&to=2026-01&category=harassment')).body;
    expect([harassment.suppressed, harassment.received.value]).toEqual([null, 10]);
    expect(table(harassment, 'anonymity')).toEqual({ anonymous: 10, confidential: 0, named: 0 });
    const unknown = (await analyst.get('/api/v1/analytics/dashboard?from=2026-01&to=2026-01&department=Nowhere')).body;
    expect(unknown.suppressed).toBe('filter_too_narrow');
    expect(unknown.tables).toEqual([]);
  });

  it('opens the dashboard to analysts and oversight only, and refuses bad input with 400', async () => {
    expect((await staff.get('/api/v1/analytics/dashboard')).body.error.code).toBe('analytics_only');
    expect((await staff.get('/api/v1/analytics/dashboard')).status).toBe(403);
    const oversight = await app.signIn(await app.createStaff('oversight'));
    expect((await oversight.get('/api/v1/analytics/dashboard')).status).toBe(200);
    expect((await app.client().get('/api/v1/analytics/dashboard')).status).toBe(401);
    const bad = await analyst.get('/api/v1/analytics/dashboard?from=2026-13&to=2026-01');
    expect([bad.status, bad.body.error.code, Object.keys(bad.body.error.fields)]).toEqual([400, 'invalid_request', ['query.from']]);
    const reversed = await analyst.get('/api/v1/analytics/dashboard?from=2026-05&to=2026-01');
    expect([reversed.status, Object.keys(reversed.body.error.fields)]).toEqual([400, ['query.from']]);
    expect((await analyst.get('/api/v1/analytics/dashboard?channel=nope')).body.error.fields).toEqual({ channel: ['no such channel'] });
    const crossed = await analyst.get('/api/v1/analytics/dashboard?category=harassment&department=Legal');
    expect([crossed.status, Object.keys(crossed.body.error.fields)]).toEqual([400, ['filters']]);
    expect((await analyst.get('/api/v1/analytics/board-report?quarter=2026-Q5')).status).toBe(400);
    // An analyst still never sees a case.
    expect((await analyst.get(`/api/v1/cases/${cases[0]!.id}`)).status).toBe(404);
    const openapi = (await app.client().get('/api/openapi.json')).body;
    expect(Object.keys(openapi.paths)).toEqual(expect.arrayContaining(['/api/v1/analytics/dashboard', '/api/v1/analytics/board-report']));
  });

  it('prints a board report for the quarter: a real PDF, rendered page by page', async () => {
    const response = await fetch(`${app.baseUrl}/api/v1/analytics/board-report?quarter=2026-Q1`, { headers: { cookie: [...analyst.cookies].map(([name, value]) => `${name}=${value}`).join("; ") } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'candor-board-'));
    try {
      const file = path.join(dir, 'report.pdf');
      fs.writeFileSync(file, bytes);
      execFileSync('pdftoppm', ['-r', '40', '-gray', file, path.join(dir, 'page')]);
      const pages = fs.readdirSync(dir).filter((name) => name.startsWith('page') && name.endsWith('.pgm')).sort();
      expect(pages.length).toBeGreaterThanOrEqual(2);
      for (const page of pages) expect(inkShare(fs.readFileSync(path.join(dir, page)))).toBeGreaterThan(0.002);
      const text = execFileSync('pdftotext', ['-layout', file, '-']).toString();
      expect(text).toContain('Speak-up board report: 2026-Q1');
      expect(text).toContain('Reports received: 15');
      expect(text).toMatch(/Substantiated\s+fewer than 5/);
      expect(text).toContain('median 10 days');
      expect(text).not.toContain('Named 1');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** The share of dark pixels in a binary PGM (P5) page image: a blank page has none. */
function inkShare(pgm: Buffer): number {
  const header = pgm.toString('latin1', 0, 64).split(/\s+/);
  const [width, height] = [Number(header[1]), Number(header[2])];
  const pixels = pgm.subarray(pgm.length - width * height);
  let dark = 0;
  for (const value of pixels) if (value < 128) dark += 1;
  return dark / pixels.length;
}
