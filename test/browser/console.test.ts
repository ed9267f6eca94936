/**
 * The staff console in real Chromium, against a real Candor (SQLite) under its real
 * Content-Security-Policy: a handler signs in, finds the overdue case at the top of the inbox,
 * acknowledges it, messages the reporter and sees the reply arrive; axe-core on every page; and
 * the inbox of a handler with 10,000 cases, a page at a time. How fast it draws is bench/console.ts's
 * to say, not a test's.
 */
import { createHash } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/kernel/clock.js';
import { createStaffUser } from '../../src/identity/identity.service.js';
import type { StaffRole } from '../../src/kernel/db-schema.js';
import { TEST_PASSWORD, startTestApp, type TestApp, type TestStaff } from '../support/app.js';
import { HttpClient } from '../support/http-client.js';
import { LAPTOP, axeViolations, buildConsole, copyCase, describeViolations, launchChromium, screenshot } from './console-support.js';

const DAY_MS = 86_400_000;
const LARGE_INBOX = 10_000;

let app: TestApp;
let browser: Browser;
let handler: TestStaff;
let colleague: TestStaff;
let admin: TestStaff;
let overdue: { receipt: string; caseRef: string };
let fresh: { caseRef: string };

/** Console errors and CSP refusals seen by any page: the console must run under the strict policy as it is. */
const problems: string[] = [];

async function newPage(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL: app.baseUrl, viewport: LAPTOP });
  context.setDefaultTimeout(15_000);
  await context.route((url) => url.origin !== app.baseUrl, (route) => route.abort('blockedbyclient'));
  const page = await context.newPage();
  page.on('console', (message) => {
    // An API answering 401 or 404 is logged by Chromium as a failed load; that is the console working.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) problems.push(`${page.url()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`${page.url()}: ${error.message}`));
  return { context, page };
}

async function signIn(page: Page, staff: TestStaff): Promise<void> {
  await page.goto('/console/');
  await page.getByLabel('E-mail address').fill(staff.email);
  await page.getByLabel('Password').fill(staff.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { level: 1, name: 'Cases' }).waitFor();
}

/** The code an authenticator app would show for the secret at the server's "now". */
function totpCode(secret: string): string {
  return new TOTP({ secret: Secret.fromBase32(secret.replace(/\s+/g, '')), digits: 6, period: 30, algorithm: 'SHA1' }).generate({ timestamp: app.clock.now().getTime() });
}

async function expectAxeClean(page: Page): Promise<void> {
  const violations = await axeViolations(page);
  expect(violations, describeViolations(violations)).toEqual([]);
}

/** A staff member with a real name (the screenshots show it). */
async function createNamedStaff(name: string, role: StaffRole, email: string, channel?: string): Promise<TestStaff> {
  const created = await createStaffUser(app.ctx, { type: 'system', id: 'test' }, { email, name, role, password: TEST_PASSWORD, channel });
  return { id: created.id, email, password: TEST_PASSWORD, recoveryKey: created.recoveryKey, role };
}

beforeAll(async () => {
  buildConsole();
  // The server's clock starts ten days back, so the reports below are as old as they say while the
  // browser, on real time, agrees with the server about what is overdue.
  const clock = new ManualClock(new Date(Date.now() - 10 * DAY_MS));
  app = await startTestApp('sqlite', { clock });
  handler = await createNamedStaff('Hana Ito', 'handler', 'hana.ito@example.org', 'general');
  colleague = await createNamedStaff('Tomas Berg', 'handler', 'tomas.berg@example.org', 'general');
  admin = await createNamedStaff('Ada Admin', 'admin', 'admin@example.org');

  overdue = await app.submitReport({
    category: 'sexual-harassment',
    narrative:
      'On the sales trip to Lyon my manager came to my hotel room after the client dinner and would not leave when I asked him to.\n\nThe next morning the client made remarks about it in front of the team. I told HR the week after and nobody has contacted me since.',
    subjects: [
      { name: 'Marc Duval', relationship: 'my manager' },
      { name: 'Client representative', relationship: 'client', organisation: 'Northwind Ltd' },
    ],
    witnesses: [{ name: 'Aiko Tanaka' }],
  });
  clock.advance(4 * DAY_MS);
  await app.submitReport({ category: 'bullying', narrative: 'My team lead shouts at me in meetings and has started copying HR on every small mistake.' });
  clock.advance(4 * DAY_MS);
  fresh = await app.submitReport({ category: 'fraud', narrative: 'Expense claims for a conference that did not take place.' });
  const assessed = await app.submitReport({ category: 'discrimination', narrative: 'I was passed over for promotion twice after my pregnancy.' });
  const closed = await app.submitReport({ category: 'health-safety', narrative: 'The fire exit on floor 3 is blocked by boxes.' });
  clock.set(new Date());
  // Two cases further along, moved by a colleague, so the inbox shows more than new reports.
  const colleagueApi = await app.signIn(colleague);
  const listed = (await colleagueApi.get('/api/v1/cases?limit=10')).body.items as { id: string; ref: string }[];
  const idOf = (ref: string) => listed.find((item) => item.ref === ref)!.id;
  for (const [ref, steps] of [
    [assessed.caseRef, ['acknowledge', 'assessment']],
    [closed.caseRef, ['acknowledge', 'assessment', 'feedback', 'closed']],
  ] as const) {
    const id = idOf(ref);
    for (const step of steps) {
      const answer =
        step === 'acknowledge'
          ? await colleagueApi.post(`/api/v1/cases/${id}/acknowledge`)
          : step === 'feedback'
            ? await colleagueApi.post(`/api/v1/cases/${id}/feedback`, { body: 'We looked into this; facilities have cleared the exit and will check it weekly.' })
            : await colleagueApi.post(`/api/v1/cases/${id}/transitions`, {
                to: step,
                reason: step === 'closed' ? 'A facilities matter, handled by facilities.' : 'Within scope.',
                ...(step === 'closed' ? { closing: 'referred-elsewhere' } : {}),
              });
      expect(answer.status, `${step}: ${JSON.stringify(answer.body)}`).toBeLessThan(300);
    }
  }
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe('staff console', () => {
  it('takes a handler through two-step sign-in set-up, to an acknowledged case and a reply from the reporter', async () => {
    const { context, page } = await newPage();
    await page.goto('/console/');
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    await expectAxeClean(page);
    await page.getByLabel('E-mail address').fill(handler.email);
    await page.getByLabel('Password').fill('not the password at all');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('not right');
    await signIn(page, handler);

    // Two-step sign-in, set up from the account page with the secret an authenticator app would scan.
    await page.getByRole('link', { name: /^Hana Ito/ }).click();
    await page.getByRole('heading', { level: 1, name: 'Your account' }).waitFor();
    await page.getByRole('button', { name: 'Set up two-step sign-in' }).click();
    await page.getByRole('button', { name: 'Start' }).click();
    await page.getByRole('img', { name: /QR code/ }).waitFor();
    await expectAxeClean(page);
    const secret = (await page.locator('code.secret').textContent()) ?? '';
    await page.getByLabel('Enter the six-digit code the app shows').fill(totpCode(secret));
    await page.getByRole('button', { name: 'Turn on two-step sign-in' }).click();
    const recoveryCodes = page.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem');
    await expect.poll(() => recoveryCodes.count()).toBe(10);
    await page.getByLabel('I have stored my recovery codes').check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { level: 2, name: 'Two-step sign-in is on' }).waitFor();
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();

    // Signing in again asks for the code; the one used to confirm may not be replayed, so half a minute passes.
    app.clock.advance(30_000);
    await page.getByLabel('E-mail address').fill(handler.email);
    await page.getByLabel('Password').fill(handler.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByLabel('Code from your authenticator app').fill(totpCode(secret));
    await expectAxeClean(page);
    await page.getByRole('button', { name: 'Verify and sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Cases' }).waitFor();

    // The overdue case is at the top, marked as such in words as well as colour.
    const rows = page.locator('table.inbox tbody tr');
    await expect.poll(() => rows.count()).toBe(5);
    await expect.poll(() => rows.first().locator('th').textContent()).toContain(overdue.caseRef);
    expect(await rows.first().textContent()).toMatch(/Overdue/);
    expect(await rows.first().locator('.clock-text').textContent()).toMatch(/^overdue by 3 days/);
    expect(await rows.nth(2).locator('th').textContent()).toContain(fresh.caseRef);
    expect(await rows.nth(2).locator('.clock-text').textContent()).toMatch(/^[45] days left/);
    expect(await rows.last().textContent()).toMatch(/Closed.*No clock running/);
    await expectAxeClean(page);
    await screenshot(page, 'console-inbox.png');

    await rows.first().getByRole('link', { name: overdue.caseRef }).click();
    await page.getByRole('heading', { level: 1, name: `Case ${overdue.caseRef}` }).waitFor();
    expect(await page.locator('.narrative').textContent()).toContain('sales trip to Lyon');
    expect(await page.getByRole('region', { name: 'People' }).textContent()).toContain('Marc Duval');
    await expectAxeClean(page);

    await page.getByRole('button', { name: 'Acknowledge receipt' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 2, name: /^Status:/ }).textContent()).toBe('Status: Acknowledged');
    await expect.poll(() => page.getByRole('button', { name: 'Acknowledge receipt' }).count()).toBe(0);

    await page.getByLabel('Reply to the reporter').fill('Thank you for telling us. I am Hana and I am handling your report. Are you safe at work this week?');
    await page.getByRole('button', { name: 'Send to the reporter' }).click();
    const messages = page.locator('ol.messages > li');
    await expect.poll(() => messages.count()).toBe(1);
    expect(await page.getByLabel('Reply to the reporter').inputValue()).toBe('');

    // The reporter comes back with the receipt and answers.
    const reporter = new HttpClient(app.baseUrl);
    expect((await reporter.post('/api/v1/reporter/session', { receipt: overdue.receipt })).status).toBe(204);
    const seen = await reporter.get('/api/v1/reporter/case');
    expect(seen.body.acknowledgedAt).not.toBeNull();
    expect(seen.body.messages.map((message: { body: string }) => message.body)).toEqual([expect.stringContaining('I am Hana')]);
    expect((await reporter.post('/api/v1/reporter/messages', { body: 'Yes, he is away this week. Thank you for answering.' })).status).toBe(201);

    await page.getByRole('button', { name: 'Check for new messages' }).click();
    await expect.poll(() => messages.count()).toBe(2);
    expect(await messages.last().textContent()).toContain('he is away this week');
    expect(await page.locator('[role=status]').allTextContents()).toContain('A new message from the reporter.');
    await expectAxeClean(page);

    // The work on the case: take it, note something internal, move it on with a reason; the timeline keeps it all.
    await page.getByLabel('Assigned to').selectOption({ label: 'Hana Ito (you)' });
    await expect.poll(() => page.getByLabel('Assigned to').inputValue()).toBe(handler.id);
    await page.getByLabel('New note').fill('Reporter is safe this week; the manager is travelling until Friday.');
    await page.getByRole('button', { name: 'Add the note' }).click();
    await expect.poll(() => page.getByRole('region', { name: 'Internal notes' }).textContent()).toContain('travelling until Friday');
    // A file added by the handler: its SHA-256 is shown, and the browser can check a download against it.
    const evidence = Buffer.from('Hotel receipt, room 412, 14 March: the reporter checked in alone.\n');
    await page.getByLabel('Add files').setInputFiles({ name: 'hotel-receipt.txt', mimeType: 'text/plain', buffer: evidence });
    await page.getByRole('button', { name: 'Upload' }).click();
    const attachments = page.getByRole('region', { name: 'Attachments' });
    await expect.poll(() => attachments.textContent()).toContain(createHash('sha256').update(evidence).digest('hex'));
    await attachments.getByRole('button', { name: 'Verify hotel-receipt.txt' }).click();
    await expect.poll(() => attachments.textContent()).toContain('Verified: the file matches');

    await page.getByLabel('Move the case to').selectOption('assessment');
    await page.getByLabel('Why', { exact: true }).fill('The account describes sexual harassment by a manager: within scope.');
    await page.getByRole('button', { name: 'Move to assessment' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 2, name: /^Status:/ }).textContent()).toBe('Status: Assessment');
    const timeline = page.getByRole('region', { name: 'Timeline' });
    await expect.poll(() => timeline.textContent()).toContain('within scope');
    expect(await timeline.textContent()).toMatch(/Moved to assessment/);
    expect(await timeline.textContent()).toMatch(/Message from the reporter/);
    // A clock paused with a reason (oversight sees it), then resumed.
    await page.getByRole('button', { name: 'Pause the feedback clock…' }).click();
    await page.getByLabel('Why pause it?').fill('Reporter asked us to wait until she is back from leave');
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    const status = page.getByRole('region', { name: /^Status:/ });
    await expect.poll(() => status.textContent()).toContain('paused since');
    expect(await status.textContent()).toContain('back from leave');
    await page.getByRole('button', { name: 'Resume the feedback clock' }).click();
    await expect.poll(() => status.textContent()).not.toContain('paused since');
    await expectAxeClean(page);
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, 'console-case.png');

    // Back in the inbox the case is no longer overdue.
    await page.getByRole('link', { name: 'Cases', exact: true }).first().click();
    await expect.poll(() => rows.first().textContent()).not.toContain(overdue.caseRef);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('is usable with the keyboard alone', async () => {
    const { context, page } = await newPage();
    await page.goto('/console/');
    await page.getByLabel('E-mail address').waitFor();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('f-email');
    await page.keyboard.type(colleague.email);
    await page.keyboard.press('Tab');
    await page.keyboard.type(colleague.password);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Cases' }).waitFor();
    // The page heading has focus, so the next Tab starts from the top of the page: the skip link.
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('H1');
    for (let presses = 0; presses < 30; presses++) {
      await page.keyboard.press('Tab');
      if (await page.evaluate(() => document.activeElement?.classList.contains('case-ref') ?? false)) break;
    }
    const ref = await page.evaluate(() => document.activeElement?.textContent);
    expect(ref).toMatch(/^CN-/);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: `Case ${ref}` }).waitFor();
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('H1');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('shows an administrator the configuration and a clear empty inbox, never a case', async () => {
    const { context, page } = await newPage();
    await signIn(page, admin);
    await page.getByRole('heading', { level: 2, name: 'Administrators do not read cases' }).waitFor();
    await expectAxeClean(page);
    const staffClient = await app.signIn(colleague);
    const list = await staffClient.get('/api/v1/cases?limit=1');
    await page.goto(`/console/cases/${list.body.items[0].id}`);
    await page.getByRole('heading', { level: 1, name: 'This case is not available to you' }).waitFor();

    for (const [link, heading] of [
      ['Administration', 'Users and roles'],
      ['Channels', 'Channels'],
      ['Questionnaires', 'Questionnaires'],
      ['Clock policies', 'Clock policies'],
      ['Escalation ladder', 'Escalation ladder'],
      ['Portal texts', 'Portal texts'],
    ] as const) {
      await page.getByRole('link', { name: link, exact: true }).click();
      await page.getByRole('heading', { level: 1, name: heading }).waitFor();
      await page.locator('.loading').waitFor({ state: 'detached' });
      await expectAxeClean(page);
    }
    // Rename a channel through the console; the public channel list says the new name.
    await page.getByRole('link', { name: 'Channels', exact: true }).click();
    const general = page.getByRole('form', { name: /\/general$/ });
    await general.getByLabel('Name', { exact: true }).fill('Speak up');
    await general.getByRole('button', { name: 'Save General' }).click();
    await expect.poll(() => general.getByRole('status').textContent()).toBe('Saved.');
    await expect.poll(async () => (await new HttpClient(app.baseUrl).get('/api/v1/channels')).body.items.map((channel: { name: string }) => channel.name)).toContain('Speak up');
    expect(problems).toEqual([]);
    await context.close();
  });

  it(`lists an inbox of ${LARGE_INBOX.toLocaleString('en')} cases a page at a time, with counts and filters`, async () => {
    const busy = await app.createStaff('handler', { channel: 'general', email: 'busy.handler@example.org' });
    const template = await app.submitReport({ category: 'harassment', narrative: 'One of many.' });
    const client = await app.signIn(busy);
    const first = await client.get('/api/v1/cases?limit=5');
    const templateId = (first.body.items as { id: string; ref: string }[]).find((item) => item.ref === template.caseRef)!.id;
    await copyCase(app, templateId, busy.id, LARGE_INBOX - 1);
    const readable = await app.ctx.db.selectFrom('case_access').select((eb) => eb.fn.countAll<number>().as('n')).where('user_id', '=', busy.id).executeTakeFirstOrThrow();
    expect(Number(readable.n)).toBeGreaterThanOrEqual(LARGE_INBOX);

    // Signing in lands on the inbox: the first page of 50 is drawn, and marked for bench/console.ts.
    const { context, page } = await newPage();
    await signIn(page, busy);
    const rows = page.locator('table.inbox tbody tr');
    await rows.nth(49).waitFor();
    expect(await rows.count()).toBe(50);
    await expect.poll(() => page.evaluate(() => performance.getEntriesByName('candor:inbox-rendered').length)).toBe(1);
    // Paging on: the next page comes from nextCursor and is appended.
    await page.getByRole('button', { name: /^Show \d+ more$/ }).click();
    await rows.nth(99).waitFor();

    // Counts and filters come from the API; a filter is kept in the address.
    const counts = page.locator('p.counts');
    expect(await counts.textContent()).toMatch(/^10,000 cases, [\d,]+ overdue\./);
    const overdueCount = Number(/([\d,]+) overdue/.exec((await counts.textContent()) ?? '')![1]!.replace(/,/g, ''));
    expect(overdueCount).toBeGreaterThan(0);
    // The filtered page is held back: meanwhile the line says it is counting, not the old counts under the new words.
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route(/\/api\/v1\/cases\?.*overdue=true/, async (route) => {
      await held;
      await route.continue();
    });
    await page.getByLabel('Overdue only').check();
    await expect.poll(() => counts.textContent()).toBe('Counting the cases…');
    expect(await counts.getAttribute('aria-busy')).toBe('true');
    release();
    await expect.poll(() => counts.textContent()).toContain('match the filters');
    expect(await counts.textContent()).toContain(`${overdueCount.toLocaleString('en')} cases match the filters`);
    expect(page.url()).toContain('overdue=true');
    expect(await rows.count()).toBe(Math.min(50, overdueCount));
    expect(await rows.filter({ hasText: 'Overdue' }).count()).toBe(await rows.count());
    expect(problems).toEqual([]);
    await context.close();
  }, 180_000);
});
