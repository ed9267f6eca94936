import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PortalLanguage } from '../../src/portal/i18n/index.js';
import { axeViolations, BROWSER_TIMEOUT_MS, DESKTOP, describeViolations, PHONE, startPortal, walkEveryPortalPage, type Portal } from '../support/browser.js';

const EVERY_PAGE = ['landing', 'form', 'form with errors', 'review', 'receipt', 'my report with messages', 'follow-up', 'follow-up with a bad receipt', 'error page'];

/** English at both widths; the translations at phone width, where longer words and other scripts would break a layout first. */
const RUNS: [string, { width: number; height: number }, PortalLanguage][] = [
  ['desktop', DESKTOP, 'en'],
  ['phone', PHONE, 'en'],
  ['phone', PHONE, 'zh'],
  ['phone', PHONE, 'de'],
  ['phone', PHONE, 'fr'],
  ['phone', PHONE, 'es'],
];

describe('accessibility (axe-core, WCAG 2.1 A and AA)', () => {
  let portal: Portal;
  beforeAll(async () => {
    portal = await startPortal();
  }, BROWSER_TIMEOUT_MS);
  afterAll(async () => portal?.close());

  for (const [width, viewport, lang] of RUNS) {
    it(`every portal page has no violation at ${width} width (${viewport.width}x${viewport.height}), lang=${lang}`, { timeout: BROWSER_TIMEOUT_MS }, async () => {
      // The portal's CSP allows only its own scripts; axe is injected inline, so this context bypasses it.
      const context = await portal.newContext({ viewport, bypassCSP: true });
      const page = await context.newPage();
      const checked: string[] = [];
      await walkEveryPortalPage(
        portal,
        page,
        async (name) => {
          checked.push(name);
          const violations = await axeViolations(page);
          expect.soft(describeViolations(violations), `axe on the ${name} page (${page.url()})`).toBe('');
        },
        lang,
      );
      expect(checked).toEqual(EVERY_PAGE);

      // The check can fail: an unlabelled field added to the last page is caught.
      await page.evaluate(() => document.querySelector('main')!.insertAdjacentHTML('beforeend', '<input type="text" name="unlabelled">'));
      expect((await axeViolations(page)).map((violation) => violation.id)).toContain('label');
      await context.close();
    });
  }
});
