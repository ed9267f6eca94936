/**
 * Browser journeys: Debian's Chromium driven by playwright-core, against a real Candor server on
 * loopback (SQLite). Nothing is downloaded and nothing leaves the machine: requests to anywhere but
 * the test server are answered by a local stub or refused.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { expect } from 'vitest';
import type { z } from 'zod';
import type { CaseDetail as CaseDetailSchema } from '../../src/cases/case.schema.js';
import { translator, type PortalLanguage } from '../../src/portal/i18n/index.js';
import { startTestApp, type TestApp, type TestStaff } from './app.js';
import type { HttpClient } from './http-client.js';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const AXE_SCRIPT = path.join(REPO_ROOT, 'node_modules/axe-core/axe.min.js');
export const CHROMIUM_PATH = process.env.CANDOR_CHROMIUM ?? '/usr/bin/chromium';

/** The neutral site the quick-exit button leads to in these tests (stubbed: the network is closed). */
export const QUICK_EXIT_URL = 'https://weather.example.org/today';
/** The heading of the local stand-in for the neutral site. */
export const QUICK_EXIT_HEADING = 'Sunny, 21 degrees';

export const DESKTOP = { width: 1280, height: 900 } as const;
export const PHONE = { width: 390, height: 844 } as const;

/** Chromium launches can take a few seconds on a busy machine. */
export const BROWSER_TIMEOUT_MS = 120_000;

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-gpu'],
  });
}

export interface Portal {
  app: TestApp;
  browser: Browser;
  baseUrl: string;
  handler: TestStaff;
  /** The handler's session on the staff API. */
  staff: HttpClient;
  /** A fresh browser profile (no cookies), with every request off the test server stubbed or refused. */
  newContext(options?: BrowserContextOptions): Promise<BrowserContext>;
  close(): Promise<void>;
}

/** One server (SQLite) with a handler on the general channel, and one Chromium, for a test file. */
export async function startPortal(): Promise<Portal> {
  const app = await startTestApp('sqlite', { env: { CANDOR_QUICK_EXIT_URL: QUICK_EXIT_URL } });
  try {
    const handler = await app.createStaff('handler', { channel: 'general' });
    const staff = await app.signIn(handler);
    const browser = await launchChromium();
    return {
      app,
      browser,
      baseUrl: app.baseUrl,
      handler,
      staff,
      async newContext(options = {}) {
        const context = await browser.newContext({ baseURL: app.baseUrl, viewport: DESKTOP, ...options });
        context.setDefaultTimeout(15_000);
        await context.route(
          (url) => url.origin !== app.baseUrl,
          (route) =>
            route.request().url().startsWith(QUICK_EXIT_URL)
              ? route.fulfill({ contentType: 'text/html; charset=utf-8', body: `<!doctype html><html lang="en"><title>Weather</title><h1>${QUICK_EXIT_HEADING}</h1></html>` })
              : route.abort('blockedbyclient'),
        );
        return context;
      },
      async close() {
        await browser.close();
        await app.close();
      },
    };
  } catch (error) {
    await app.close();
    throw error;
  }
}

export type CaseDetail = z.infer<typeof CaseDetailSchema>;

/** The case as its handler reads it through the staff API, found by the reference the reporter saw. */
export async function caseAsHandlerSeesIt(staff: HttpClient, caseRef: string): Promise<CaseDetail> {
  const list = await staff.get('/api/v1/cases?limit=200');
  expect(list.status).toBe(200);
  const summary = (list.body.items as { id: string; ref: string }[]).find((item) => item.ref === caseRef);
  if (!summary) throw new Error(`the handler does not see case ${caseRef}`);
  const detail = await staff.get(`/api/v1/cases/${summary.id}`);
  expect(detail.status).toBe(200);
  return detail.body as CaseDetail;
}

export const RECEIPT_PATTERN = /^\d{4}( \d{4}){4}$/;

/** The receipt and case reference as the receipt page shows them. */
export async function readReceiptPage(page: Page): Promise<{ receipt: string; caseRef: string }> {
  const receipt = ((await page.locator('[data-receipt]').textContent()) ?? '').replace(/\s+/g, ' ').trim();
  const caseRef = /CN-[0-9A-Z]{4}-[0-9A-Z]{4}/.exec((await page.locator('main').textContent()) ?? '')?.[0];
  if (!caseRef) throw new Error('the receipt page shows no case reference');
  return { receipt, caseRef };
}

/** Reads a page's cookies the way the browser holds them (HttpOnly ones included). */
export async function cookieNames(context: BrowserContext): Promise<string[]> {
  return (await context.cookies()).map((cookie) => cookie.name);
}

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  helpUrl: string;
  nodes: { target: unknown[]; failureSummary?: string; html: string }[];
}

export const WCAG_21_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/**
 * Runs axe-core (from node_modules, injected into the page) with the WCAG 2.1 A and AA rules. The
 * portal's Content-Security-Policy refuses inline scripts, so the context needs `bypassCSP: true`.
 */
export async function axeViolations(page: Page, tags: string[] = WCAG_21_AA): Promise<AxeViolation[]> {
  await page.addScriptTag({ path: AXE_SCRIPT });
  return page.evaluate(async (tags) => {
    const axe = (window as unknown as { axe: { run(context: Document, options: unknown): Promise<{ violations: AxeViolation[] }> } }).axe;
    const results = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return results.violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      help: violation.help,
      helpUrl: violation.helpUrl,
      nodes: violation.nodes.map((node) => ({ target: node.target, failureSummary: node.failureSummary, html: node.html })),
    }));
  }, tags);
}

/** Violations as lines a person can act on: rule, impact, where, and what axe says is wrong. */
export function describeViolations(violations: AxeViolation[]): string {
  return violations
    .map((violation) =>
      [
        `${violation.id} (${violation.impact ?? 'n/a'}): ${violation.help} <${violation.helpUrl}>`,
        ...violation.nodes.map(
          (node) => `  at ${node.target.map(String).join(' > ')}\n    ${node.html.slice(0, 200)}\n    ${(node.failureSummary ?? '').replace(/\n/g, '\n    ')}`,
        ),
      ].join('\n'),
    )
    .join('\n');
}

/** Presses Tab until the focused element matches the selector, or fails after `limit` presses. */
export async function tabTo(page: Page, selector: string, limit = 80): Promise<void> {
  for (let presses = 0; presses < limit; presses += 1) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((wanted) => document.activeElement?.matches(wanted) ?? false, selector)) return;
  }
  throw new Error(`Tab never reached ${selector} in ${limit} presses`);
}

/** Whether the page is wider than the window (a phone user would have to scroll sideways). */
export async function horizontalOverflow(page: Page): Promise<{ scrollWidth: number; innerWidth: number; widest: string[] }> {
  return page.evaluate(() => {
    const innerWidth = window.innerWidth;
    const widest = [...document.querySelectorAll('body *')]
      .filter((element) => element.getBoundingClientRect().right > innerWidth + 0.5)
      .slice(0, 5)
      .map((element) => `${element.tagName.toLowerCase()}${element.id ? `#${element.id}` : ''}${element.className ? `.${String(element.className).split(' ').join('.')}` : ''}`);
    return { scrollWidth: document.documentElement.scrollWidth, innerWidth, widest };
  });
}

export interface PortalPageVisit {
  name: string;
  page: Page;
}

/**
 * Walks every portal page a reporter meets, in order, calling `visit` on each: landing, form, form
 * with errors, review, receipt, my report (with messages both ways), follow-up, follow-up with a
 * bad receipt, and an error page. The report says the reporter is not safe, so the urgent support
 * box shows on the pages that carry it. Every URL carries `lang`.
 */
export async function walkEveryPortalPage(portal: Portal, page: Page, visit: (name: string) => Promise<void>, lang: PortalLanguage = 'en'): Promise<void> {
  const t = translator(lang);
  await page.goto(`/?lang=${lang}`);
  await visit('landing');

  await page.getByRole('link', { name: t('landing.start') }).click();
  await page.waitForURL(/\/c\/general\/report/);
  await visit('form');

  await page.locator('form.report-form button[type=submit]').click();
  await expect.poll(() => page.locator('.error-summary').count()).toBe(1);
  await visit('form with errors');

  await page.locator('#f-narrative').fill('At the team dinner on Friday my manager kept touching me after I asked him to stop.');
  await page.locator('#f-safety-no').check();
  await page.locator('form.report-form button[type=submit]').click();
  await page.waitForURL(/\/c\/general\/review/);
  await visit('review');

  await page.locator('form.send-form button[type=submit]:not([formaction])').click();
  await page.locator('[data-receipt]').waitFor();
  await visit('receipt');
  const { caseRef } = await readReceiptPage(page);

  const detail = await caseAsHandlerSeesIt(portal.staff, caseRef);
  const reply = await portal.staff.post(`/api/v1/cases/${detail.id}/messages`, { body: 'Thank you for telling us. Are you somewhere safe right now?' });
  expect(reply.status).toBe(201);
  await page.goto(`/my-report?lang=${lang}`);
  await page.locator('#f-body').fill('Yes, I am at home now.');
  await page.locator('form.reply-form button[type=submit]').click();
  await page.waitForURL(/sent=1/);
  await expect.poll(() => page.locator('.message').count()).toBe(2);
  await visit('my report with messages');

  await page.locator('form.sign-out button').click();
  await page.waitForURL(/\/followup\?.*signed_out=1/);
  await visit('follow-up');

  await page.locator('#f-receipt').fill('1234 5678 9012 3456 7890');
  await page.locator('form.followup-form button[type=submit]').click();
  await page.locator('#f-receipt-error').waitFor();
  await visit('follow-up with a bad receipt');

  await page.goto(`/c/no-such-channel?lang=${lang}`);
  await visit('error page');
}
