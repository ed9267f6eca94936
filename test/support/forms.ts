/** Helpers for driving the server-rendered setup and enrolment forms as a browser without JavaScript would. */
import type { HttpClient, HttpResult } from './http-client.js';

/** The CSRF token in a page's form. */
export function csrfIn(page: string): string {
  const match = /name="csrf" value="([^"]+)"/.exec(page);
  if (!match) throw new Error(`no form token in the page:\n${page.slice(0, 500)}`);
  return match[1]!;
}

/** Posts a form as application/x-www-form-urlencoded. */
export function postForm(client: HttpClient, path: string, fields: Record<string, string>): Promise<HttpResult<string>> {
  return client.post(path, new URLSearchParams(fields).toString(), { 'content-type': 'application/x-www-form-urlencoded' });
}

/** The recovery key a page shows (groups of four Crockford characters). */
export function recoveryKeyIn(page: string): string {
  const match = /class="key">([0-9A-Z-]{39})</.exec(page);
  if (!match) throw new Error('no recovery key in the page');
  return match[1]!;
}
