import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { translator } from '../../src/portal/i18n/index.js';
import { BROWSER_TIMEOUT_MS, QUICK_EXIT_HEADING, QUICK_EXIT_URL, startPortal, type Portal } from '../support/browser.js';

const t = translator('en');

describe('quick exit', () => {
  let portal: Portal;
  beforeAll(async () => {
    portal = await startPortal();
  }, BROWSER_TIMEOUT_MS);
  afterAll(async () => portal?.close());

  it('links to the configured neutral site on every page, even without script', { timeout: BROWSER_TIMEOUT_MS }, async () => {
    const context = await portal.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    for (const path of ['/?lang=en', '/c/general/report?lang=en', '/followup?lang=en', '/c/no-such-channel?lang=en']) {
      await page.goto(path);
      const exit = page.getByRole('link', { name: t('exit.button') });
      expect(await exit.getAttribute('href'), path).toBe(QUICK_EXIT_URL);
    }
    await page.getByRole('link', { name: t('exit.button') }).click();
    await page.waitForURL(QUICK_EXIT_URL);
    expect(await page.locator('h1').textContent()).toBe(QUICK_EXIT_HEADING);
    await context.close();
  });

  it('leaves at three presses of Escape, clears the page, and Back does not return to the form', { timeout: BROWSER_TIMEOUT_MS }, async () => {
    const context = await portal.newContext();
    const page = await context.newPage();
    await page.goto('/?lang=en');
    await page.goto('/c/general/report?lang=en');
    await page.getByLabel(t('q.narrative.label')).fill('Something I do not want anyone to see over my shoulder.');

    // Two presses are not enough: an Escape pressed by habit does not throw the reporter out.
    await page.keyboard.press('Escape');
    await page.keyboard.press('Escape');
    await page.waitForTimeout(300);
    expect(page.url()).toContain('/c/general/report');

    // The form is wiped at once, before the neutral site has even answered.
    let wiped = false;
    await page.exposeFunction('reportWiped', () => (wiped = true));
    await page.evaluate(() => {
      const report = (window as unknown as { reportWiped(): void }).reportWiped;
      new MutationObserver(() => document.body.childElementCount === 0 && report()).observe(document.body, { childList: true });
    });
    const leaving = page.waitForURL(QUICK_EXIT_URL);
    await page.keyboard.press('Escape');
    await leaving;
    expect(wiped).toBe(true);
    expect(await page.locator('h1').textContent()).toBe(QUICK_EXIT_HEADING);

    // The form was replaced in the history, so Back leads to the landing page, not to what was typed.
    await page.goBack();
    expect(new URL(page.url()).pathname).toBe('/');
    await context.close();
  });
});
