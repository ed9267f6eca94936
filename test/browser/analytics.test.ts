/**
 * The dashboard in real Chromium under the console's real Content-Security-Policy: an analyst
 * signs in and lands on it, the charts draw, every chart has its table and CSV, small figures read
 * "fewer than 5", the board report downloads, and axe-core finds nothing.
 */
import fs from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedStats, statsRows } from '../support/analytics.js';
import { startTestApp, type TestApp, type TestStaff } from '../support/app.js';
import { LAPTOP, axeViolations, buildConsole, describeViolations, launchChromium, screenshot } from './console-support.js';

let app: TestApp;
let browser: Browser;
let analyst: TestStaff;
const problems: string[] = [];

function month(offset: number): string {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - offset, 1)).toISOString().slice(0, 7);
}

async function newPage(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL: app.baseUrl, viewport: LAPTOP, acceptDownloads: true });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) problems.push(`${page.url()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`${page.url()}: ${error.message}`));
  return { context, page };
}

beforeAll(async () => {
  buildConsole();
  app = await startTestApp('sqlite');
  analyst = await app.createStaff('analyst');
  const channelId = (await app.ctx.db.selectFrom('channels').select('id').where('slug', '=', 'general').executeTakeFirstOrThrow()).id;
  const closed = { closed_at: new Date().toISOString(), close_days: 21, closing: 'findings-issued', outcome: 'substantiated' };
  for (let i = 1; i <= 6; i++) {
    await seedStats(app.ctx.db, [
      ...statsRows(9, { received_month: month(i), channel_id: channelId, category: 'harassment', acknowledged_at: new Date().toISOString(), ack_hours: 20, ...closed }),
      ...statsRows(i === 1 ? 3 : 6, { received_month: month(i), channel_id: channelId, category: 'bullying', anonymity: 'named' }),
      // Three cases climbed to the second rung: a figure under 5.
      ...(i === 1 ? statsRows(3, { received_month: month(i), channel_id: channelId, category: 'bullying', anonymity: 'named', escalation_rung: 2 }) : []),
      ...statsRows(2, { received_month: month(i), channel_id: channelId, category: 'fraud', anonymity: 'confidential' }),
    ]);
  }
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe('the analytics dashboard in the console', () => {
  it('an analyst lands on the dashboard: charts, tables, CSV, the board report, and no axe violation', { timeout: 120_000 }, async () => {
    const { context, page } = await newPage();
    await page.goto('/console/');
    await page.getByLabel('E-mail address').fill(analyst.email);
    await page.getByLabel('Password').fill(analyst.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
    await page.getByRole('heading', { level: 2, name: 'Reports by category' }).waitFor();
    // No "Cases" for an analyst: they never see one.
    expect(await page.getByRole('link', { name: 'Cases' }).count()).toBe(0);
    expect(await page.locator('.summary, dd').first().textContent()).toBeTruthy();
    expect(await page.locator('.figures-summary dd').first().textContent()).toBe('102');
    // Each chart has drawn on its canvas.
    expect(await page.locator('canvas').count()).toBeGreaterThanOrEqual(5);
    const drawn = await page.locator('canvas').first().evaluate((canvas: HTMLCanvasElement) => canvas.width > 0 && canvas.toDataURL().length > 2_000);
    expect(drawn).toBe(true);
    await screenshot(page, 'console-dashboard.png');
    // fraud has 2 a month, so it is counted only with the rest, and bullying (the smallest other) joins it
    // so that the rest is never under 5 either.
    const category = page.getByRole('region', { name: 'Reports by category' });
    await category.getByRole('button', { name: 'Show table' }).click();
    const table = category.getByRole('table', { name: 'Reports by category' });
    await expect.poll(() => table.getByRole('row').allTextContents()).toEqual(expect.arrayContaining([expect.stringMatching(/^harassment54/), expect.stringMatching(/^Other.*48/)]));
    // The escalation table says a small figure in words, and hides the next smallest with it.
    const escalation = page.getByRole('region', { name: 'Highest escalation rung reached' });
    const escalationText = await escalation.getByRole('table').textContent();
    expect(escalationText).toContain('Rung 2fewer than 5');
    expect(escalationText).toContain('Not escalatedwithheld');
    const [download] = await Promise.all([page.waitForEvent('download'), category.getByRole('button', { name: /Download CSV/ }).click()]);
    const csv = fs.readFileSync((await download.path())!, 'utf8');
    expect(csv.split('\r\n')[0]).toBe('Reports by category,Reports,Share');
    expect(csv).toContain('harassment,54,');
    const pdfHref = await page.getByRole('link', { name: 'Download the board report (PDF)' }).getAttribute('href');
    expect(pdfHref).toMatch(/^\/api\/v1\/analytics\/board-report\?quarter=\d{4}-Q[1-4]$/);
    const violations = await axeViolations(page);
    expect(violations, describeViolations(violations)).toEqual([]);
    // A filter: only values large enough are offered.
    const options = await page.getByLabel('Show only').locator('option').allTextContents();
    expect(options).toEqual(expect.arrayContaining(['All reports', 'harassment']));
    expect(options).not.toContain('fraud');
    expect(options).not.toContain('bullying');
    await page.getByLabel('Show only').selectOption('category:harassment');
    await page.getByRole('button', { name: 'Show figures' }).click();
    await expect.poll(() => page.locator('.figures-summary dd').first().textContent()).toBe('54');
    expect(problems).toEqual([]);
    await context.close();
  });
});
