/**
 * Helpers for the staff console's browser journeys: Debian's Chromium through playwright-core,
 * axe-core from node_modules, a large inbox made by copying one real case, and screenshots.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { generateCaseRef } from '../../src/kernel/crypto.js';
import type { TestApp } from '../support/app.js';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const AXE_SOURCE = fs.readFileSync(path.join(REPO_ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8');
const DAY_MS = 86_400_000;

export const LAPTOP = { width: 1280, height: 900 } as const;
export const SCREENSHOT_DIR = path.join(REPO_ROOT, 'docs/screenshots');

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CANDOR_CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-background-networking', '--disable-gpu'],
  });
}

/**
 * Builds the console into dist/console (what Candor serves at /console), so the test drives the
 * code in this checkout and not an older build.
 */
export function buildConsole(): void {
  execFileSync(process.execPath, [path.join(REPO_ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], {
    cwd: REPO_ROOT,
    stdio: 'inherit',
    // Vitest sets NODE_ENV=test, which would make Vite bundle React's development build.
    env: { ...process.env, NODE_ENV: 'production' },
  });
}

/** Whether to write docs/screenshots/console-*.png (npm run screenshots:console). */
export const WRITE_SCREENSHOTS = process.env.CANDOR_SCREENSHOTS === '1';

export async function screenshot(page: Page, name: string): Promise<void> {
  if (!WRITE_SCREENSHOTS) return;
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, name), fullPage: false });
}

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[]; html: string; failureSummary?: string }[];
}

/**
 * Runs axe-core's WCAG 2.1 A/AA rules and best practices on the page. axe is evaluated through the
 * DevTools protocol rather than added as a script tag, so the page keeps Candor's strict CSP.
 */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document, options: unknown): Promise<{ violations: AxeViolation[] }> } }).axe;
    const results = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
      resultTypes: ['violations'],
    });
    return results.violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      help: violation.help,
      nodes: violation.nodes.slice(0, 5).map((node) => ({ target: node.target, html: node.html.slice(0, 200), failureSummary: node.failureSummary })),
    }));
  });
}

export function describeViolations(violations: AxeViolation[]): string {
  return violations
    .map((violation) => `${violation.id} (${violation.impact}): ${violation.help}\n${violation.nodes.map((node) => `  at ${node.target.join(' > ')}\n    ${node.html}\n    ${node.failureSummary ?? ''}`).join('\n')}`)
    .join('\n');
}

/**
 * Gives `userId` an inbox of `count` cases by copying one real case (rows as intake wrote them, all
 * columns, whatever migrations have added) under fresh ids, references and deadlines spread over
 * the last month. Listing never opens content, so the copies list like real cases; opening one
 * fails, which is why the journeys use real reports.
 */
export async function copyCase(app: TestApp, templateCaseId: string, userId: string, count: number): Promise<void> {
  const db = app.ctx.db;
  const template = await db.selectFrom('cases').selectAll().where('id', '=', templateCaseId).executeTakeFirstOrThrow();
  const grant = await db
    .selectFrom('case_access')
    .selectAll()
    .where('case_id', '=', templateCaseId)
    .where('user_id', '=', userId)
    .executeTakeFirstOrThrow();
  const now = app.clock.now().getTime();
  const refs = new Set<string>([template.ref]);
  const batch = 250;
  for (let done = 0; done < count; done += batch) {
    const rows = Array.from({ length: Math.min(batch, count - done) }, () => {
      let ref = generateCaseRef();
      while (refs.has(ref)) ref = generateCaseRef();
      refs.add(ref);
      const received = new Date(now - Math.random() * 30 * DAY_MS);
      const acknowledgeBy = new Date(received.getTime() + 7 * DAY_MS).toISOString();
      const id = crypto.randomUUID();
      const lookup = Buffer.from(crypto.getRandomValues(new Uint8Array(32)));
      return {
        row: { ...template, id, ref, received_at: received.toISOString(), acknowledge_by: acknowledgeBy, next_deadline_at: acknowledgeBy, updated_at: received.toISOString(), receipt_lookup: lookup },
        access: { ...grant, case_id: id, next_deadline_at: acknowledgeBy, created_at: received.toISOString() },
      };
    });
    await db.transaction().execute(async (tx) => {
      await tx.insertInto('cases').values(rows.map((each) => each.row)).execute();
      await tx.insertInto('case_access').values(rows.map((each) => each.access)).execute();
    });
  }
}
