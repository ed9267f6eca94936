import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { translator } from '../../src/portal/i18n/index.js';
import { BROWSER_TIMEOUT_MS, caseAsHandlerSeesIt, readReceiptPage, RECEIPT_PATTERN, startPortal, tabTo, type Portal } from '../support/browser.js';

const t = translator('en');

/** What has the focus, and whether the user can see it (an outline or a change of colour is drawn). */
function focused(page: Page) {
  return page.evaluate(() => {
    const element = document.activeElement as HTMLElement | null;
    const style = element ? getComputedStyle(element) : null;
    return { text: element?.textContent?.trim() ?? '', visibleRing: !!style && style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0 };
  });
}

describe('a report made with the keyboard alone', () => {
  let portal: Portal;
  beforeAll(async () => {
    portal = await startPortal();
  }, BROWSER_TIMEOUT_MS);
  afterAll(async () => portal?.close());

  it('goes from the landing page to the receipt with Tab, typing and Enter, and no mouse', { timeout: BROWSER_TIMEOUT_MS }, async () => {
    const context = await portal.newContext();
    const page = await context.newPage();
    await page.goto('/?lang=en');

    // The first Tab reaches the skip link.
    await page.keyboard.press('Tab');
    expect((await focused(page)).text).toBe(t('site.skip'));

    await tabTo(page, `main a[href^="/c/general/report"]`);
    expect(await focused(page)).toEqual({ text: t('landing.start'), visibleRing: true });
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/c\/general\/report/);

    await tabTo(page, '#f-narrative');
    const narrative = 'The new shift manager blocks the door of the store room and will not let me pass until I hug him.';
    await page.keyboard.type(narrative);
    await tabTo(page, 'form.report-form button[type=submit]');
    expect((await focused(page)).text).toBe(t('form.review'));
    await page.keyboard.press('Enter');

    await page.waitForURL(/\/c\/general\/review/);
    expect(await page.locator('dl.review').textContent()).toContain(narrative);
    await tabTo(page, 'form.send-form button[type=submit]:not([formaction])');
    expect(await focused(page)).toEqual({ text: t('review.send'), visibleRing: true });
    await page.keyboard.press('Enter');

    await page.locator('[data-receipt]').waitFor();
    const { receipt, caseRef } = await readReceiptPage(page);
    expect(receipt).toMatch(RECEIPT_PATTERN);
    expect((await caseAsHandlerSeesIt(portal.staff, caseRef)).narrative).toBe(narrative);
    await context.close();
  });
});
