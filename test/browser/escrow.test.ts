/**
 * The escrow pages in Chromium: the whole journey with JavaScript switched off, and every page
 * checked by axe (WCAG 2.1 A and AA) and for sideways scrolling on a phone, in English and Chinese.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { translator, type PortalLanguage } from '../../src/portal/i18n/index.js';
import { axeViolations, BROWSER_TIMEOUT_MS, describeViolations, horizontalOverflow, PHONE, startPortal, type Portal } from '../support/browser.js';

async function holdEntry(page: Page, lang: PortalLanguage, identifier: string, account: string) {
  const t = translator(lang);
  await page.goto(`/?lang=${lang}`);
  await page.getByRole('link', { name: t('landing.escrow.start') }).click();
  await page.waitForURL(/\/escrow\?/);
  await page.locator('#f-identifier_kind_1').selectOption('email');
  await page.locator('#f-identifier_value_1').fill(identifier);
  await page.locator('#f-account').fill(account);
  await page.locator('form.escrow-form button[type=submit]').click();
  await page.locator('[data-receipt]').waitFor();
  return ((await page.locator('[data-receipt]').textContent()) ?? '').replace(/\s+/g, ' ').trim();
}

describe('escrow pages in Chromium', () => {
  let portal: Portal;
  beforeAll(async () => {
    portal = await startPortal();
    await portal.app.createStaff('counselor');
  }, BROWSER_TIMEOUT_MS);
  afterAll(async () => portal?.close());

  it('hold, match, consent and withdraw with JavaScript off', { timeout: BROWSER_TIMEOUT_MS }, async () => {
    const first = await portal.newContext({ javaScriptEnabled: false });
    const page = await first.newPage();
    const receipt = await holdEntry(page, 'en', 'Marc.Keller@northwind.example', 'He cornered me after the offsite.');
    expect(receipt).toMatch(/^\d{4}( \d{4}){4}$/);
    await page.getByRole('link', { name: 'Go to my entry' }).click();
    await expect.poll(() => page.locator('[data-match]').getAttribute('data-match')).toBe('no');

    const second = await portal.newContext({ javaScriptEnabled: false });
    await holdEntry(await second.newPage(), 'en', 'marc.keller+x@Northwind.example', 'Same man, another year.');

    await page.reload();
    await expect.poll(() => page.locator('[data-match]').getAttribute('data-match')).toBe('yes');
    await page.locator('#f-consent').check();
    await page.locator('form.consent-form button[type=submit]').click();
    await page.waitForURL(/saved=consent/);
    expect(await page.locator('#f-consent').isChecked()).toBe(true);

    await page.locator('#f-confirm').check();
    await page.locator('form.withdraw-form button[type=submit]').click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Your entry has been withdrawn');

    // The receipt opens nothing any more.
    await page.goto('/escrow/return?lang=en');
    await page.locator('#f-receipt').fill(receipt);
    await page.locator('form.followup-form button[type=submit]').click();
    await page.locator('#f-receipt-error').waitFor();
  });

  for (const lang of ['en', 'zh'] as const) {
    it(`every escrow page passes axe and fits a phone (lang=${lang})`, { timeout: BROWSER_TIMEOUT_MS }, async () => {
      const context = await portal.newContext({ viewport: PHONE, bypassCSP: true });
      const page = await context.newPage();
      const check = async (name: string) => {
        expect.soft(describeViolations(await axeViolations(page)), `axe on the ${name} page`).toBe('');
        const overflow = await horizontalOverflow(page);
        expect.soft(overflow.scrollWidth, `${name}: wider than the phone (${overflow.widest.join(', ')})`).toBeLessThanOrEqual(overflow.innerWidth);
      };
      await page.goto(`/escrow?lang=${lang}`);
      await check('form');
      await page.locator('#f-identifier_value_1').fill('not an address');
      await page.locator('form.escrow-form button[type=submit]').click();
      await page.locator('.error-summary').waitFor();
      await check('form with errors');
      await page.locator('#f-identifier_value_1').fill(`dan.price.${lang}@example.com`);
      await page.locator('#f-account').fill('At the fair.');
      await page.locator('form.escrow-form button[type=submit]').click();
      await page.locator('[data-receipt]').waitFor();
      await check('receipt');
      await page.goto(`/escrow/entry?lang=${lang}`);
      await check('entry');
      await page.goto(`/escrow/return?lang=${lang}`);
      await check('return');
    });
  }
});
