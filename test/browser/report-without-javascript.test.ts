import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { translator } from '../../src/portal/i18n/index.js';
import { BROWSER_TIMEOUT_MS, caseAsHandlerSeesIt, cookieNames, readReceiptPage, RECEIPT_PATTERN, startPortal, type Portal } from '../support/browser.js';

const t = translator('en');

describe('a report sent with JavaScript switched off', () => {
  let portal: Portal;
  beforeAll(async () => {
    portal = await startPortal();
  }, BROWSER_TIMEOUT_MS);
  afterAll(async () => portal?.close());

  it('works with plain forms, sets no cookie before sending, and reaches the handler with its file', { timeout: BROWSER_TIMEOUT_MS }, async () => {
    const context = await portal.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();

    await page.goto('/');
    expect(await page.locator('h1').textContent()).toBe(t('landing.heading'));
    expect(await cookieNames(context)).toEqual([]);

    await page.getByRole('link', { name: t('landing.start') }).click();
    await page.waitForURL(/\/c\/general\/report\?lang=en$/);
    expect(await cookieNames(context)).toEqual([]);
    // Without script, the rows for more people are all there (three each for the people it is about,
    // witnesses, supporters and those who must not see it) and the "add" button stays hidden.
    await expect.poll(() => page.locator('fieldset.person').count()).toBe(12);
    expect(await page.locator('[data-add-person]').first().isHidden()).toBe(true);

    const narrative = 'During the supplier visit on the trade fair stand, the client grabbed my arm and made comments about my body.';
    await page.getByLabel(t('q.narrative.label')).fill(narrative);
    await page.locator('#f-when_kind-around').check();
    await page.locator('#f-when_around').fill('spring 2025, the week of the trade fair');
    await page.locator('#f-subject_name_1').fill('Marc Tessier');
    await page.locator('#f-subject_org_1').fill('Orbis Logistics (a client)');
    await page.locator('#f-subject_rel_1').fill('a client');
    await page.locator('#f-excluded_name_1').fill('Dana Whitfield');
    await page.locator('#f-safety-yes').check();
    await page.getByRole('button', { name: t('form.review') }).click();

    await page.waitForURL(/\/c\/general\/review\?lang=en$/);
    expect(await page.locator('h1').textContent()).toBe(t('review.heading'));
    const review = (await page.locator('dl.review').textContent()) ?? '';
    expect(review).toContain(narrative);
    expect(review).toContain('Marc Tessier, Orbis Logistics (a client), a client');
    expect(review).toContain('Dana Whitfield');
    expect(review).toContain('spring 2025, the week of the trade fair');
    expect(await cookieNames(context)).toEqual([]);

    const evidence = Buffer.from('Notes written the same evening: 14:10 at stand B12, he grabbed my arm.\n');
    await page.getByLabel(t('review.evidence.input')).setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: evidence });
    await page.getByRole('button', { name: t('review.send') }).click();

    await page.locator('[data-receipt]').waitFor();
    expect(await page.locator('h1').textContent()).toBe(t('receipt.heading'));
    const { receipt, caseRef } = await readReceiptPage(page);
    expect(receipt).toMatch(RECEIPT_PATTERN);

    const cookies = await context.cookies();
    expect(cookies.map((cookie) => cookie.name)).toEqual(['candor_reporter']);
    expect(cookies[0]).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });

    const detail = await caseAsHandlerSeesIt(portal.staff, caseRef);
    expect(detail.narrative).toBe(narrative);
    expect(detail.occurredAt).toBe('around spring 2025, the week of the trade fair');
    expect(detail.subjects).toEqual([{ name: 'Marc Tessier', organisation: 'Orbis Logistics (a client)', relationship: 'a client' }]);
    expect(detail.excluded).toEqual([{ name: 'Dana Whitfield' }]);
    expect(detail.safeNow).toBe('yes');
    expect(detail.attachments).toHaveLength(1);
    expect(detail.attachments[0]).toMatchObject({ filename: 'notes.txt', sizeBytes: evidence.length, uploadedBy: 'reporter' });
    expect(detail.attachments[0]!.sha256).toBe(createHash('sha256').update(evidence).digest('hex'));

    // The reporter's own page lists the file they sent.
    await page.getByRole('link', { name: t('receipt.continue') }).click();
    await page.waitForURL(/\/my-report\?lang=en$/);
    expect(await page.locator('.files').textContent()).toContain('notes.txt');
    await context.close();
  });
});
