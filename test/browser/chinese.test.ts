import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { zh } from '../../src/portal/i18n/zh.js';
import { formatDate } from '../../src/portal/report.views.js';
import { BROWSER_TIMEOUT_MS, caseAsHandlerSeesIt, cookieNames, readReceiptPage, RECEIPT_PATTERN, startPortal, type Portal } from '../support/browser.js';

/**
 * The texts come from the Chinese catalogue at run time, so this test follows the translation as it
 * is written; what it pins down is that the language is kept from the first page to the last.
 */
async function expectChinesePage(page: Page, heading: string): Promise<void> {
  expect(new URL(page.url()).searchParams.get('lang'), page.url()).toBe('zh');
  expect(await page.locator('html').getAttribute('lang')).toBe('zh-Hans');
  expect(await page.locator('h1').textContent()).toBe(heading);
  // Every link within the portal and every form keeps the language (the picker's links offer the others).
  const kept = await page.evaluate(() => {
    const links = [...document.querySelectorAll<HTMLAnchorElement>('a[href^="/"]')].filter((link) => !link.closest('nav.languages'));
    const forms = [...document.querySelectorAll<HTMLFormElement>('form')];
    return [
      ...links.map((link) => ({ where: link.getAttribute('href')!, lang: new URL(link.href).searchParams.get('lang') })),
      ...forms.map((form) => ({ where: `form ${form.getAttribute('action')}`, lang: new URL(form.action).searchParams.get('lang') })),
    ];
  });
  for (const { where, lang } of kept) expect(lang, where).toBe('zh');
}

/** The language picker: Chinese is marked current, and each other language is a link to the same page in it. */
async function expectLanguagePicker(page: Page): Promise<void> {
  const picker = page.getByRole('navigation', { name: zh['nav.language'] });
  const current = picker.locator('[aria-current="true"]');
  expect(await current.textContent()).toBe(zh['lang.name']);
  expect(await current.getAttribute('lang')).toBe('zh-Hans');
  const others = await picker.locator('a').evaluateAll((links) => links.map((link) => ({ hreflang: link.getAttribute('hreflang'), lang: new URL((link as HTMLAnchorElement).href).searchParams.get('lang') })));
  expect(others).toEqual([
    { hreflang: 'en', lang: 'en' },
    { hreflang: 'de', lang: 'de' },
    { hreflang: 'fr', lang: 'fr' },
    { hreflang: 'es', lang: 'es' },
  ]);
}

describe('the whole journey in Simplified Chinese', () => {
  let portal: Portal;
  beforeAll(async () => {
    portal = await startPortal();
  }, BROWSER_TIMEOUT_MS);
  afterAll(async () => portal?.close());

  it('keeps zh-Hans from the landing page to the follow-up, in URLs and forms, with no language cookie', { timeout: BROWSER_TIMEOUT_MS }, async () => {
    // A browser that prefers English: only the URL says Chinese, so only the URL can carry it along.
    const context = await portal.newContext({ locale: 'en-GB', extraHTTPHeaders: { 'accept-language': 'en-GB,en;q=0.9' } });
    const page = await context.newPage();

    await page.goto('/?lang=zh');
    await expectChinesePage(page, zh['landing.heading']);
    await expectLanguagePicker(page);
    expect(await page.locator('main').textContent()).toContain(zh['landing.intro']);

    await page.getByRole('link', { name: zh['landing.start'] }).click();
    await page.waitForURL(/\/c\/general\/report/);
    await expectChinesePage(page, zh['form.heading']);
    await expectLanguagePicker(page);
    await page.getByLabel(zh['q.narrative.label']).fill('在年会上，部门经理多次对我动手动脚，我明确拒绝后他仍然继续。');
    await page.getByRole('button', { name: zh['form.review'] }).click();

    await page.waitForURL(/\/c\/general\/review/);
    await expectChinesePage(page, zh['review.heading']);
    expect(await page.locator('dl.review').textContent()).toContain('在年会上');
    expect(await cookieNames(context)).toEqual([]);
    await page.getByRole('button', { name: zh['review.send'] }).click();

    await page.locator('[data-receipt]').waitFor();
    await expectChinesePage(page, zh['receipt.heading']);
    const { receipt, caseRef } = await readReceiptPage(page);
    expect(receipt).toMatch(RECEIPT_PATTERN);
    const detail = await caseAsHandlerSeesIt(portal.staff, caseRef);
    expect(detail.narrative).toContain('在年会上');
    expect(await page.locator('main').textContent()).toContain(zh['receipt.ackBy'].replace('{date}', formatDate(detail.acknowledgeBy, 'zh')));

    await page.getByRole('link', { name: zh['receipt.continue'] }).click();
    await page.waitForURL(/\/my-report/);
    await expectChinesePage(page, zh['case.heading']);
    await page.getByRole('button', { name: zh['case.signOut'] }).click();

    await page.waitForURL(/\/followup/);
    await expectChinesePage(page, zh['followup.heading']);
    expect(await page.getByRole('status').textContent()).toBe(zh['case.signedOut']);
    await page.getByLabel(zh['followup.label']).fill(receipt);
    await page.getByRole('button', { name: zh['followup.submit'] }).click();

    await page.waitForURL(/\/my-report/);
    await expectChinesePage(page, zh['case.heading']);
    expect(await page.locator('main').textContent()).toContain(zh['case.ref'].replace('{ref}', caseRef));

    // The only cookie is the reporter's session, set when the report was sent: none for the language.
    expect(await cookieNames(context)).toEqual(['candor_reporter']);
    await context.close();
  });
});
