import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { translator } from '../../src/portal/i18n/index.js';
import { BROWSER_TIMEOUT_MS, caseAsHandlerSeesIt, readReceiptPage, RECEIPT_PATTERN, startPortal, type Portal } from '../support/browser.js';

const t = translator('en');
const MB = 1024 * 1024;

describe('a report sent with JavaScript on', () => {
  let portal: Portal;
  beforeAll(async () => {
    portal = await startPortal();
  }, BROWSER_TIMEOUT_MS);
  afterAll(async () => portal?.close());

  it('lists the chosen file, shows the upload advancing, then the receipt', { timeout: BROWSER_TIMEOUT_MS }, async () => {
    const context = await portal.newContext();
    const page = await context.newPage();

    await page.goto('/c/general/report?lang=en');
    await page.getByLabel(t('q.narrative.label')).fill('My team lead recorded a voice message threatening me after I complained. The recording is attached.');
    // With script, empty extra rows stay out of the way, and another person can be added.
    expect(await page.locator('[data-people="subject"] fieldset.person').count()).toBe(1);
    await page.locator('[data-add-person="subject"]').click();
    await expect.poll(() => page.locator('[data-people="subject"] fieldset.person').count()).toBe(2);
    await page.locator('#f-subject_name_2').fill('Team lead, night shift');
    await page.getByRole('button', { name: t('form.review') }).click();
    await page.waitForURL(/\/c\/general\/review/);
    expect(await page.locator('dl.review').textContent()).toContain('Team lead, night shift');

    const recording = { name: 'voice-message.m4a', mimeType: 'audio/mp4', buffer: randomBytes(6 * MB) };
    await page.getByLabel(t('review.evidence.input')).setInputFiles(recording);
    const listed = page.locator('.upload-list li');
    await expect.poll(() => listed.textContent()).toContain('voice-message.m4a');
    expect(await listed.textContent()).toContain(`${(6 * 1024).toLocaleString('en')} KB`);
    expect(await page.locator('.drop-hint').isVisible()).toBe(true);

    // Slow the upload to about 3 MB/s so the progress events have time to show.
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 5, downloadThroughput: -1, uploadThroughput: 3 * MB });

    const progress = page.locator('.progress progress');
    expect(await progress.isVisible()).toBe(false);
    await page.getByRole('button', { name: t('review.send') }).click();
    await progress.waitFor({ state: 'visible' });
    expect(await page.getByRole('button', { name: t('review.sending') }).isDisabled()).toBe(true);
    const seen = new Set<number>();
    while (!(await page.locator('[data-receipt]').count())) {
      const value = await progress.evaluate((element: HTMLProgressElement) => element.value).catch(() => undefined);
      if (value !== undefined) seen.add(value);
      await page.waitForTimeout(50);
    }
    const inBetween = [...seen].filter((value) => value > 0 && value < 100);
    expect(inBetween.length, `progress values seen: ${[...seen].join(', ')}`).toBeGreaterThanOrEqual(2);

    expect(await page.locator('h1').textContent()).toBe(t('receipt.heading'));
    const { receipt, caseRef } = await readReceiptPage(page);
    expect(receipt).toMatch(RECEIPT_PATTERN);
    const detail = await caseAsHandlerSeesIt(portal.staff, caseRef);
    expect(detail.attachments).toEqual([expect.objectContaining({ filename: 'voice-message.m4a', sizeBytes: 6 * MB })]);
    expect(detail.subjects.map((subject) => subject.name)).toEqual(['Team lead, night shift']);
    await context.close();
  });
});
