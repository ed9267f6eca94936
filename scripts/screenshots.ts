/**
 * `npm run screenshots`: pictures of the reporter portal for the docs. Starts Candor on a throwaway
 * SQLite database, makes a handler, sends a report through the portal in Chromium at desktop and at
 * phone width, lets the handler and the reporter exchange a message, and writes PNGs of each page to
 * docs/screenshots/ (portal-<page>-<desktop|phone>.png). Nothing leaves the machine.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { createStaffUser } from '../src/identity/identity.service.js';
import { startRuntime } from '../src/kernel/bootstrap.js';
import { loadConfig } from '../src/kernel/config.js';
import { createLogger } from '../src/kernel/logger.js';
import { translator } from '../src/portal/i18n/index.js';
import { buildServer } from '../src/server.js';
import { DESKTOP, launchChromium, PHONE } from '../test/support/browser.js';

const OUT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../docs/screenshots');
const HANDLER = { email: 'handler@example.org', password: 'screenshots need a long password' };
const t = translator('en');

/** A small JSON client for the staff API, holding the handler's session cookie. */
async function staffSession(baseUrl: string) {
  const login = await fetch(`${baseUrl}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(HANDLER) });
  if (login.status !== 200) throw new Error(`handler sign-in failed: ${login.status}`);
  const cookie = login.headers.getSetCookie().map((line) => line.split(';')[0]).join('; ');
  return async (method: string, url: string, body?: unknown) => {
    const response = await fetch(baseUrl + url, { method, headers: { cookie, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
    if (response.status >= 300) throw new Error(`${method} ${url} answered ${response.status}`);
    const text = await response.text();
    return text === '' ? null : (JSON.parse(text) as unknown);
  };
}

async function shoot(page: Page, name: string, width: string): Promise<void> {
  const file = path.join(OUT_DIR, `portal-${name}-${width}.png`);
  await page.screenshot({ path: file, fullPage: true, animations: 'disabled', caret: 'hide' });
  console.log(`  ${path.relative(process.cwd(), file)}`);
}

/** One reporter's visit: landing, questionnaire, review, receipt, then their report with a message each way. */
async function visit(context: BrowserContext, width: string, staff: Awaited<ReturnType<typeof staffSession>>): Promise<void> {
  const page = await context.newPage();
  await page.goto('/?lang=en');
  await shoot(page, 'landing', width);

  await page.getByRole('link', { name: t('landing.start') }).click();
  await page.waitForURL(/\/c\/general\/report/);
  await shoot(page, 'questionnaire', width);

  await page.locator('#f-category-sexual-harassment').check();
  await page.locator('#f-narrative').fill(
    'At the regional sales dinner my manager kept putting his hand on my leg under the table. I moved away twice and asked him to stop. ' +
      'Later he sent me messages saying I should be "friendlier" if I want the team lead job.',
  );
  await page.locator('#f-when_kind-around').check();
  await page.locator('#f-when_around').fill('the week of the spring sales conference');
  await page.locator('#f-where-work-event').check();
  await page.locator('#f-subject_name_1').fill('My line manager');
  await page.locator('#f-subject_rel_1').fill('my manager');
  await page.locator('#f-supporter_name_1').fill('Priya, who sat next to me');
  await page.locator('#f-supporter_contact_1').fill('priya.shah@example.org');
  await page.locator('#f-safety-yes').check();
  await page.getByRole('button', { name: t('form.review') }).click();
  await page.waitForURL(/\/c\/general\/review/);
  await page.getByLabel(t('review.evidence.input')).setInputFiles({ name: 'messages-screenshot.png', mimeType: 'image/png', buffer: Buffer.from('not really a picture') });
  await shoot(page, 'review', width);

  await page.getByRole('button', { name: t('review.send') }).click();
  await page.locator('[data-receipt]').waitFor();
  await shoot(page, 'receipt', width);

  const caseRef = /CN-[0-9A-Z]{4}-[0-9A-Z]{4}/.exec((await page.locator('main').textContent()) ?? '')?.[0];
  const list = (await staff('GET', '/api/v1/cases?limit=200')) as { items: { id: string; ref: string }[] };
  const caseId = list.items.find((item) => item.ref === caseRef)?.id;
  if (!caseId) throw new Error(`the handler cannot see ${caseRef}`);
  await staff('POST', `/api/v1/cases/${caseId}/acknowledge`);
  await staff('POST', `/api/v1/cases/${caseId}/messages`, { body: 'Thank you for telling us. We have received your report and will look into it. Do you still work on the same team?' });
  await page.getByRole('link', { name: t('receipt.continue') }).click();
  await page.waitForURL(/\/my-report/);
  await page.locator('#f-body').fill('Yes, I still report to him. I would prefer he does not know it was me for now.');
  await page.getByRole('button', { name: t('case.send'), exact: true }).click();
  await page.waitForURL(/sent=1/);
  await shoot(page, 'my-report', width);
  await page.close();
}

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'candor-screenshots-'));
  const config = loadConfig({ CANDOR_DATA_DIR: dataDir, CANDOR_DATABASE_URL: `sqlite:${path.join(dataDir, 'candor.sqlite')}`, LOG_LEVEL: 'warn' });
  const runtime = await startRuntime(config, { logger: createLogger('warn', process.stderr) });
  const server = await buildServer(runtime.ctx);
  const browser = await launchChromium();
  try {
    await server.listen({ port: 0, host: '127.0.0.1' });
    const address = server.server.address();
    const baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    await createStaffUser(runtime.ctx, { type: 'system', id: 'screenshots' }, { ...HANDLER, name: 'Handler', role: 'handler', channel: 'general' });
    const staff = await staffSession(baseUrl);
    fs.mkdirSync(OUT_DIR, { recursive: true });

    for (const [width, viewport] of [['desktop', DESKTOP], ['phone', PHONE]] as const) {
      console.log(`${width} (${viewport.width} wide):`);
      const context = await browser.newContext({ baseURL: baseUrl, viewport, deviceScaleFactor: 1, isMobile: width === 'phone', hasTouch: width === 'phone', locale: 'en-GB' });
      await context.route((url) => url.origin !== baseUrl, (route) => route.abort('blockedbyclient'));
      await visit(context, width, staff);
      await context.close();
    }
  } finally {
    await browser.close();
    await server.close();
    await runtime.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
});
