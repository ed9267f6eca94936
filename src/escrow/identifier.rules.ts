/**
 * How a person is named in an escrow entry, and the one canonical spelling each name is matched
 * under. Pure: no I/O and no clock, so the rules are tested on their own (with property tests).
 *
 * Two reporters who type the same person's e-mail, phone number, employee id or profile URL
 * differently must arrive at the same string, or they never meet. Each canonical identifier
 * carries its kind ("email:...", "phone:+44...", "employee:E123", "url:linkedin.com/in/x"), so an
 * employee id never collides with a phone number that happens to have the same digits.
 */
import { domainToASCII } from 'node:url';
import { isSupportedCountry, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';

export const IDENTIFIER_KINDS = ['email', 'phone', 'employee', 'url'] as const;
export type IdentifierKind = (typeof IDENTIFIER_KINDS)[number];

/** The longest identifier a person may type (anything longer is not a real address or id). */
export const IDENTIFIER_MAX_CHARS = 500;

/** Why an identifier could not be read, for the form to say so. */
export type IdentifierProblem = 'empty' | 'too_long' | 'email' | 'phone' | 'phone_country' | 'url' | 'employee';

export type NormalizedIdentifier = `${IdentifierKind}:${string}`;

export type Normalized = { ok: true; identifier: NormalizedIdentifier } | { ok: false; problem: IdentifierProblem };

export interface NormalizeOptions {
  /** The region national phone numbers ("07700 900123") are read in; null: only international numbers. */
  phoneRegion: CountryCode | null;
}

/** Trim, fold compatibility forms (full-width letters, ligatures) and drop invisible characters. */
function clean(value: string): string {
  return value
    .normalize('NFKC')
    .replace(/[\u200B-\u200D\u2060\uFEFF\u00AD]/g, '')
    .trim();
}

/** Lower-cases in a way that does not depend on the server's locale (no Turkish dotless i). */
const fold = (value: string) => value.toLowerCase();

/** Providers where dots in the local part are ignored by the mail system itself. */
const DOTLESS_DOMAINS: Record<string, string> = { 'gmail.com': 'gmail.com', 'googlemail.com': 'gmail.com' };

function normalizeEmail(value: string): NormalizedIdentifier | null {
  const address = fold(value.replace(/^mailto:/i, ''));
  const at = address.lastIndexOf('@');
  if (at <= 0 || at !== address.indexOf('@')) return null;
  let local = address.slice(0, at);
  let domain = domainToASCII(address.slice(at + 1).replace(/\.$/, ''));
  if (!domain || !domain.includes('.') || /\s/.test(local)) return null;
  // A "+tag" names the same mailbox on every major provider; people use it to filter mail.
  local = local.split('+')[0]!;
  if (domain in DOTLESS_DOMAINS) {
    local = local.replace(/\./g, '');
    domain = DOTLESS_DOMAINS[domain]!;
  }
  if (local === '' || /^\.|\.$|\.\./.test(local)) return null;
  return `email:${local}@${domain}`;
}

function normalizePhone(value: string, region: CountryCode | null): NormalizedIdentifier | IdentifierProblem {
  const international = value.replace(/^\s*00/, '+');
  // Too few digits to be a number anywhere: say that, rather than ask for a country code.
  if ((value.match(/\d/g) ?? []).length < 5) return 'phone';
  if (!international.startsWith('+') && region === null) return 'phone_country';
  const parsed = parsePhoneNumberFromString(international, region ?? undefined);
  if (!parsed || !parsed.isPossible()) return 'phone';
  return `phone:${parsed.number}`;
}

function normalizeEmployeeId(value: string): NormalizedIdentifier | null {
  const id = value.replace(/\s+/g, '').toUpperCase();
  return id === '' ? null : `employee:${id}`;
}

/**
 * Profile sites whose user names are case-insensitive and whose query and fragment never name a
 * different person, with the hosts they are reached under.
 */
const PROFILE_SITES: Record<string, string> = {
  'linkedin.com': 'linkedin.com',
  'x.com': 'x.com',
  'twitter.com': 'x.com',
  'mobile.twitter.com': 'x.com',
  'facebook.com': 'facebook.com',
  'm.facebook.com': 'facebook.com',
  'fb.com': 'facebook.com',
  'instagram.com': 'instagram.com',
  'github.com': 'github.com',
  'tiktok.com': 'tiktok.com',
  'xing.com': 'xing.com',
};

function profileSite(host: string): string | undefined {
  if (host in PROFILE_SITES) return PROFILE_SITES[host];
  // LinkedIn serves the same profile under country hosts: uk.linkedin.com, de.linkedin.com ...
  if (/^[a-z]{2}\.linkedin\.com$/.test(host)) return 'linkedin.com';
  return undefined;
}

function decodePath(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

function normalizeUrl(value: string): NormalizedIdentifier | null {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `https://${value}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  const host = url.hostname.replace(/^www\./, '').replace(/\.$/, '');
  if (!host.includes('.')) return null;
  const path = clean(decodePath(url.pathname)).replace(/\/+$/, '');
  const site = profileSite(host);
  if (site) {
    // facebook.com/profile.php?id=123 is the one profile address where the query names the person.
    const facebookId = site === 'facebook.com' && path.toLowerCase() === '/profile.php' ? url.searchParams.get('id') : null;
    if (facebookId) return `url:facebook.com/profile.php?id=${facebookId}`;
    // Only the profile itself: linkedin.com/in/<name>, x.com/<name>; deeper pages (posts, photos) are dropped.
    const segments = fold(path).split('/').filter(Boolean).slice(0, site === 'linkedin.com' ? 2 : 1);
    if (segments.length === 0) return null; // the site itself names nobody
    return `url:${site}/${segments.join('/')}`;
  }
  const query = url.search === '?' ? '' : url.search;
  return `url:${host}${path}${query}`;
}

/** The canonical, typed form of what a person typed, or why it cannot be read. */
export function normalizeIdentifier(kind: IdentifierKind, raw: string, options: NormalizeOptions): Normalized {
  const value = clean(raw);
  if (value === '') return { ok: false, problem: 'empty' };
  if (value.length > IDENTIFIER_MAX_CHARS) return { ok: false, problem: 'too_long' };
  switch (kind) {
    case 'email': {
      const identifier = normalizeEmail(value);
      return identifier ? { ok: true, identifier } : { ok: false, problem: 'email' };
    }
    case 'phone': {
      const outcome = normalizePhone(value, options.phoneRegion);
      return outcome.includes(':') ? { ok: true, identifier: outcome as NormalizedIdentifier } : { ok: false, problem: outcome as IdentifierProblem };
    }
    case 'employee': {
      const identifier = normalizeEmployeeId(value);
      return identifier ? { ok: true, identifier } : { ok: false, problem: 'employee' };
    }
    case 'url': {
      const identifier = normalizeUrl(value);
      return identifier ? { ok: true, identifier } : { ok: false, problem: 'url' };
    }
  }
}

/** A region code from configuration, checked against the phone metadata. */
export function phoneRegion(code: string | null | undefined): CountryCode | null {
  if (!code) return null;
  const upper = code.toUpperCase();
  if (!isSupportedCountry(upper)) throw new Error(`unknown phone region ${code}`);
  return upper;
}

export function isIdentifierKind(value: unknown): value is IdentifierKind {
  return typeof value === 'string' && (IDENTIFIER_KINDS as readonly string[]).includes(value);
}
