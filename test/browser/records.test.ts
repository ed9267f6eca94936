/**
 * Records in the console, in real Chromium: a handler asks for a referral bundle from the case
 * page, a colleague approves it, the handler downloads it and it verifies; oversight reads the
 * platform's audit trail filtered by that handler and the case's own trail. axe-core on each page.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyBundle } from '../../src/records/bundle.verify.js';
import { startTestApp, type TestApp, type TestStaff } from '../support/app.js';
import { LAPTOP, axeViolations, buildConsole, describeViolations, launchChromium } from './console-support.js';

let app: TestApp;
let browser: Browser;
let handler: TestStaff;
let colleague: TestStaff;
let oversight: TestStaff;
let caseId: string;
const problems: string[] = [];

async function signedIn(staff: TestStaff): Promise<Page> {
  const context = await browser.newContext({ baseURL: app.baseUrl, viewport: LAPTOP, acceptDownloads: true });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  page.on('pageerror', (error) => problems.push(`${page.url()}: ${error.message}`));
  await page.goto('/console/');
  await page.getByLabel('E-mail address').fill(staff.email);
  await page.getByLabel('Password').fill(staff.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { level: 1, name: 'Cases' }).waitFor();
  return page;
}

async function expectAxeClean(page: Page): Promise<void> {
  const violations = await axeViolations(page);
  expect(violations, describeViolations(violations)).toEqual([]);
}

beforeAll(async () => {
  buildConsole();
  app = await startTestApp('sqlite');
  handler = await app.createStaff('handler', { channel: 'general' });
  colleague = await app.createStaff('handler', { channel: 'general' });
  oversight = await app.createStaff('oversight');
  const submitted = await app.submitReport({ narrative: 'What happened after the offsite.' });
  const api = await app.signIn(handler);
  caseId = (await api.get('/api/v1/cases')).body.items.find((item: { ref: string }) => item.ref === submitted.caseRef).id;
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe('records in the console', () => {
  it('asks for a bundle, has it approved by a colleague, downloads one that verifies; oversight reads the audit trail', async () => {
    const page = await signedIn(handler);
    await page.goto(`/console/cases/${caseId}`);
    await page.getByRole('heading', { level: 2, name: 'Records' }).waitFor();
    await page.getByLabel('Who the bundle is for, and why').fill('Police referral, ref 2026/123');
    await page.getByRole('button', { name: 'Ask for a referral bundle' }).click();
    await page.getByText('waiting for a second approver').waitFor();
    expect(await page.getByRole('button', { name: 'Approve' }).count()).toBe(0);
    await expectAxeClean(page);

    const other = await signedIn(colleague);
    await other.goto(`/console/cases/${caseId}`);
    await other.getByRole('button', { name: 'Approve' }).click();
    await other.getByText('(approved', { exact: false }).waitFor();

    await page.reload();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download the bundle' }).click()]);
    const file = path.join(app.database.dataDir, 'console-bundle.zip');
    await download.saveAs(file);
    expect(fs.statSync(file).size).toBeGreaterThan(1000);
    expect((await verifyBundle(file)).ok).toBe(true);

    const audit = await signedIn(oversight);
    await audit.getByRole('link', { name: 'Audit trail' }).click();
    await audit.getByRole('heading', { level: 1, name: 'Audit trail' }).waitFor();
    await audit.getByLabel('Person (sign-in address)').fill(handler.email);
    await audit.getByRole('button', { name: 'Show' }).click();
    await audit.getByRole('cell', { name: 'Referral bundle exported' }).waitFor();
    await expectAxeClean(audit);
    await audit.getByRole('link', { name: /^CN-/ }).first().click();
    await audit.getByRole('heading', { level: 1, name: /Audit trail of case CN-/ }).waitFor();
    await audit.getByRole('cell', { name: 'Referral bundle approved' }).waitFor();
    await audit.getByRole('cell', { name: 'Report received' }).waitFor();
    await expectAxeClean(audit);
    expect(problems).toEqual([]);
  });
});
