/**
 * How a name typed by a reporter is compared with names in the directory and staff accounts.
 * Pure. Deliberately forgiving (case, accents, punctuation, word order), because a missed match
 * lets an implicated person read the report, while an extra match only moves it to someone else.
 */

/** "Dr. José  O'Neil-Smith" and "o'neil smith, jose" give the same key: "jose neil oneil smith"-like tokens, sorted. */
export function nameKey(name: string): string {
  const tokens = name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/['’`]/g, '')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((token) => token.length > 0 && !TITLES.has(token));
  return [...new Set(tokens)].sort().join(' ');
}

const TITLES = new Set(['mr', 'mrs', 'ms', 'miss', 'mx', 'dr', 'prof', 'sir', 'herr', 'frau', 'mme', 'mlle', 'm', 'sr', 'sra', 'srta', 'don', 'dona']);

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** An e-mail address inside free text (a witness's "contact"), if there is one. */
export function emailIn(text: string | null | undefined): string | null {
  const match = text ? /[^\s<>@,;]+@[^\s<>@,;]+\.[^\s<>@,;]+/.exec(text) : null;
  return match ? normalizeEmail(match[0]) : null;
}
