import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { translator } from '../../src/portal/i18n/index.js';
import { formatDate } from '../../src/portal/report.views.js';
import { BROWSER_TIMEOUT_MS, caseAsHandlerSeesIt, cookieNames, startPortal, type Portal } from '../support/browser.js';

const t = translator('en');

describe('coming back with the receipt', () => {
  let portal: Portal;
  beforeAll(async () => {
    portal = await startPortal();
  }, BROWSER_TIMEOUT_MS);
  afterAll(async () => portal?.close());

  it('signs in with the receipt as written down, shows the promised dates, and carries messages both ways', { timeout: BROWSER_TIMEOUT_MS }, async () => {
    const submitted = await portal.app.submitReport({ narrative: 'My supervisor keeps sending me messages at night about my appearance.' });
    const detail = await caseAsHandlerSeesIt(portal.staff, submitted.caseRef);
    const context = await portal.newContext();
    const page = await context.newPage();

    await page.goto('/?lang=en');
    await page.getByRole('link', { name: t('landing.return') }).click();
    await page.waitForURL(/\/followup\?lang=en$/);
    expect(await cookieNames(context)).toEqual([]);
    // Typed as written down: groups of four with spaces between them.
    await page.getByLabel(t('followup.label')).pressSequentially(submitted.receipt);
    expect(await page.getByLabel(t('followup.label')).inputValue()).toContain(' ');
    await page.getByRole('button', { name: t('followup.submit') }).click();

    await page.waitForURL(/\/my-report\?lang=en$/);
    expect(await page.locator('h1').textContent()).toBe(t('case.heading'));
    expect(await page.locator('main').textContent()).toContain(t('case.ref', { ref: submitted.caseRef }));
    const timeline = page.locator('ol.timeline li');
    expect(await timeline.allTextContents()).toEqual([
      `${t('case.received')} ${formatDate(portal.app.clock.now().toISOString(), 'en')}`,
      `${t('case.acknowledged')} ${t('case.pending')} · ${t('case.due', { date: formatDate(detail.acknowledgeBy, 'en') })}`,
      `${t('case.feedback')} ${t('case.pending')} · ${t('case.due', { date: formatDate(detail.feedbackBy, 'en') })}`,
    ]);
    expect(await page.locator('main').textContent()).toContain(t('case.noMessages'));

    // The handler acknowledges and replies; the reporter sees both after a reload.
    expect((await portal.staff.post(`/api/v1/cases/${detail.id}/acknowledge`)).status).toBeLessThan(300);
    const question = 'Thank you for writing to us. Could you tell us roughly how often the messages arrive?';
    expect((await portal.staff.post(`/api/v1/cases/${detail.id}/messages`, { body: question })).status).toBe(201);
    await page.reload();
    expect(await timeline.nth(1).textContent()).toContain(t('case.met', { date: formatDate(portal.app.clock.now().toISOString(), 'en') }));
    const messages = page.locator('ol.messages li');
    expect(await messages.count()).toBe(1);
    expect(await messages.first().locator('.meta').textContent()).toContain(t('case.fromHandler'));
    expect(await messages.first().locator('.body').textContent()).toBe(question);

    const answer = 'Two or three times a week, usually after 11 pm.';
    await page.getByLabel(t('case.reply')).fill(answer);
    await page.getByRole('button', { name: t('case.send'), exact: true }).click();
    await page.waitForURL(/\/my-report\?lang=en&sent=1$/);
    expect(await page.getByRole('status').textContent()).toBe(t('case.sent'));
    expect(await messages.allTextContents()).toEqual([expect.stringContaining(question), expect.stringContaining(answer)]);

    const after = await caseAsHandlerSeesIt(portal.staff, submitted.caseRef);
    expect(after.messages.map(({ from, body }) => ({ from, body }))).toEqual([
      { from: 'handler', body: question },
      { from: 'reporter', body: answer },
    ]);

    await page.getByRole('button', { name: t('case.signOut') }).click();
    await page.waitForURL(/\/followup\?lang=en&signed_out=1$/);
    expect(await page.getByRole('status').textContent()).toBe(t('case.signedOut'));
    expect(await cookieNames(context)).toEqual([]);
    await page.goto('/my-report?lang=en');
    expect(page.url()).toMatch(/\/followup\?lang=en$/);
    await context.close();
  });
});
