import { describe, expect, test } from 'vitest';
import { backoffDelayMs, mayRetry } from '../../src/jobs/job.rules.js';
import { MAIL_TEMPLATES, renderMail } from '../../src/notifications/mail.rules.js';

describe('job backoff', () => {
  test('doubles from the base after each failure, up to the cap', () => {
    const backoff = { baseMs: 1_000, capMs: 10_000 };
    expect([1, 2, 3, 4, 5, 50].map((attempt) => backoffDelayMs(attempt, backoff))).toEqual([1_000, 2_000, 4_000, 8_000, 10_000, 10_000]);
    expect(backoffDelayMs(1)).toBe(30_000);
  });
  test('retries while attempts are left', () => {
    expect(mayRetry(1, 3)).toBe(true);
    expect(mayRetry(3, 3)).toBe(false);
  });
});

describe('mail texts', () => {
  const links = { staff: 'https://candor.example.org/console', reporter: 'https://candor.example.org/' };

  test('a staff warning says which case and by when, and nothing else', () => {
    const mail = renderMail('deadline.warning', { ref: 'CN-ABCD-EFGH', dueAt: '2026-01-12T09:00:00.000Z' }, links);
    expect(mail.subject).toBe('Candor: case CN-ABCD-EFGH needs action by 2026-01-12 09:00 UTC');
    expect(mail.text).toBe('Case CN-ABCD-EFGH has a deadline on 2026-01-12 09:00 UTC.\n\nSign in to Candor: https://candor.example.org/console');
  });

  test('the reporter’s notice carries no reference, category or date', () => {
    const mail = renderMail('reporter.news', { ref: 'CN-ABCD-EFGH', dueAt: '2026-01-12T09:00:00.000Z' }, links);
    expect(mail).toEqual({ subject: 'You have a new notice', text: 'There is news about your report. Sign in with your receipt: https://candor.example.org/' });
  });

  test('no template mentions a clock kind, a category or a person', () => {
    for (const template of MAIL_TEMPLATES) {
      const mail = renderMail(template, { ref: 'CN-ABCD-EFGH', dueAt: '2026-01-12T09:00:00.000Z' }, { staff: null, reporter: null });
      expect(`${mail.subject} ${mail.text}`).not.toMatch(/acknowledg|feedback|investigat|idle|assault|harass|categor/i);
    }
  });
});
