import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PORTAL_LANGUAGES } from '../../src/portal/i18n/index.js';
import { BROWSER_TIMEOUT_MS, horizontalOverflow, PHONE, startPortal, walkEveryPortalPage, type Portal } from '../support/browser.js';

describe('the portal on a phone (390x844)', () => {
  let portal: Portal;
  beforeAll(async () => {
    portal = await startPortal();
  }, BROWSER_TIMEOUT_MS);
  afterAll(async () => portal?.close());

  // Every language: long German compounds and unspaced Chinese wrap differently from English.
  for (const lang of PORTAL_LANGUAGES) {
    it(`never needs scrolling sideways (lang=${lang})`, { timeout: BROWSER_TIMEOUT_MS }, async () => {
      const context = await portal.newContext({ viewport: PHONE, isMobile: true, hasTouch: true, deviceScaleFactor: 3 });
      const page = await context.newPage();
      let pages = 0;
      await walkEveryPortalPage(
        portal,
        page,
        async (name) => {
          pages += 1;
          const { scrollWidth, innerWidth, widest } = await horizontalOverflow(page);
          // Against the phone's width too, in case the browser zoomed out to fit a page that overflowed.
          expect.soft(scrollWidth, `${name}: ${scrollWidth}px wide in a ${innerWidth}px window; too wide: ${widest.join(', ')}`).toBeLessThanOrEqual(Math.min(innerWidth, PHONE.width));
        },
        lang,
      );
      expect(pages).toBe(9);

      // The check can fail: a line that cannot wrap makes the page scroll sideways.
      await page.evaluate(() => {
        const line = document.createElement('p');
        line.textContent = 'unbreakable '.repeat(20);
        line.style.whiteSpace = 'nowrap'; // set through the CSSOM: the portal's CSP refuses inline style attributes
        document.querySelector('main')!.append(line);
      });
      const widened = await horizontalOverflow(page);
      expect(widened.scrollWidth).toBeGreaterThan(widened.innerWidth);
      await context.close();
    });
  }
});
