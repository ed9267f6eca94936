import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { normalizeIdentifier, phoneRegion, type IdentifierKind } from '../../src/escrow/identifier.rules.js';

const GB = { phoneRegion: phoneRegion('GB') };
const NONE = { phoneRegion: null };

function canonical(kind: IdentifierKind, value: string, options = GB): string {
  const outcome = normalizeIdentifier(kind, value, options);
  if (!outcome.ok) throw new Error(`${kind} ${JSON.stringify(value)} was refused: ${outcome.problem}`);
  return outcome.identifier;
}

const problem = (kind: IdentifierKind, value: string, options = GB) => {
  const outcome = normalizeIdentifier(kind, value, options);
  return outcome.ok ? null : outcome.problem;
};

// Arbitraries ----------------------------------------------------------------------------------

const lower = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789');
const word = fc.array(lower, { minLength: 1, maxLength: 10 }).map((chars) => chars.join(''));
/** A plain local part: words joined by dots (no leading, trailing or double dot). */
const localPart = fc.array(word, { minLength: 1, maxLength: 3 }).map((words) => words.join('.'));
const domain = fc.tuple(word, fc.constantFrom('com', 'org', 'co.uk', 'de', 'example')).map(([name, tld]) => `${name}.${tld}`);
const tag = fc.option(word, { nil: undefined });
/** Changes the case of some letters, the way people type addresses. */
const recase = (text: string) => fc.array(fc.boolean(), { minLength: text.length, maxLength: text.length }).map((flags) => [...text].map((char, i) => (flags[i] ? char.toUpperCase() : char)).join(''));
const padding = fc.constantFrom('', ' ', '  ', '\t', '\u00A0', '\u200B');

/** Puts dots between some letters of a local part. */
const sprinkleDots = (local: string) =>
  fc.array(fc.boolean(), { minLength: local.length, maxLength: local.length }).map((flags) => [...local.replace(/\./g, '')].map((char, i) => (i > 0 && flags[i] ? `.${char}` : char)).join(''));

describe('e-mail addresses', () => {
  test('case, surrounding space and a +tag never change who is named', () => {
    fc.assert(
      fc.property(localPart, domain, tag, padding, padding, (local, host, plus, before, after) =>
        fc.assert(
          fc.property(recase(`${local}${plus ? `+${plus}` : ''}@${host}`), (typed) => {
            expect(canonical('email', `${before}${typed}${after}`)).toBe(`email:${local}@${host}`);
          }),
          { numRuns: 5 },
        ),
      ),
      { numRuns: 150 },
    );
  });

  test('dots in a Gmail local part are ignored, and googlemail.com is gmail.com', () => {
    fc.assert(
      fc.property(word, word, fc.constantFrom('gmail.com', 'googlemail.com', 'GMail.com'), tag, (first, second, host, plus) =>
        fc.assert(
          fc.property(sprinkleDots(first + second), (dotted) => {
            expect(canonical('email', `${dotted}${plus ? `+${plus}` : ''}@${host}`)).toBe(`email:${first}${second}@gmail.com`);
          }),
          { numRuns: 5 },
        ),
      ),
      { numRuns: 150 },
    );
  });

  test('elsewhere, dots in the local part name different mailboxes', () => {
    fc.assert(
      fc.property(word, word, domain, (first, second, host) => {
        fc.pre(!host.startsWith('gmail.') && !host.startsWith('googlemail.'));
        expect(canonical('email', `${first}.${second}@${host}`)).not.toBe(canonical('email', `${first}${second}@${host}`));
      }),
    );
  });

  test('is idempotent', () => {
    fc.assert(
      fc.property(localPart, domain, tag, (local, host, plus) => {
        const once = canonical('email', `${local}${plus ? `+${plus}` : ''}@${host}`);
        expect(canonical('email', once.slice('email:'.length))).toBe(once);
      }),
    );
  });

  test('full-width and other compatibility characters fold to their plain forms (NFKC)', () => {
    expect(canonical('email', 'ｍａｒｃ．ｋｅｌｌｅｒ＠ｅｘａｍｐｌｅ．ｃｏｍ')).toBe('email:marc.keller@example.com');
    expect(canonical('email', 'mailto:Marc@Example.COM.')).toBe('email:marc@example.com');
    expect(canonical('email', 'jürgen@bücher.de')).toBe('email:jürgen@xn--bcher-kva.de');
    expect(canonical('email', 'jürgen@xn--bcher-kva.de')).toBe('email:jürgen@xn--bcher-kva.de');
  });

  test('refuses what is not an address', () => {
    for (const bad of ['marc', 'marc@', '@example.com', 'a@b@c.com', 'marc@localhost', '+tag@example.com', '.marc@example.com', 'ma..rc@example.com', 'ma rc@example.com']) {
      expect(problem('email', bad), bad).toBe('email');
    }
    expect(problem('email', '   ')).toBe('empty');
    expect(problem('email', `${'a'.repeat(600)}@example.com`)).toBe('too_long');
  });
});

describe('phone numbers', () => {
  const ukMobile = fc.integer({ min: 0, max: 999 }).map((n) => `7700 900${String(n).padStart(3, '0')}`);
  /** The ways people write one UK number. */
  const spellings = (national: string) => {
    const digits = national.replace(/\s/g, '');
    return fc.constantFrom(
      `0${national}`,
      `0${digits}`,
      `+44 ${national}`,
      `+44${digits}`,
      `0044 ${national}`,
      `+44 (0) ${national}`,
      `(0${digits.slice(0, 4)}) ${digits.slice(4)}`,
      `0${digits.slice(0, 4)}-${digits.slice(4, 7)}-${digits.slice(7)}`,
      `+44.${digits.slice(0, 4)}.${digits.slice(4)}`,
    );
  };

  test('every way of writing a UK number gives the same E.164 form', () => {
    fc.assert(
      fc.property(ukMobile, padding, (national, pad) =>
        fc.assert(
          fc.property(spellings(national), (typed) => {
            expect(canonical('phone', `${pad}${typed}${pad}`)).toBe(`phone:+44${national.replace(/\s/g, '')}`);
          }),
          { numRuns: 9 },
        ),
      ),
      { numRuns: 100 },
    );
  });

  test('is idempotent', () => {
    fc.assert(
      fc.property(ukMobile, (national) => {
        const once = canonical('phone', `0${national}`);
        expect(canonical('phone', once.slice('phone:'.length))).toBe(once);
        expect(canonical('phone', once.slice('phone:'.length), NONE)).toBe(once);
      }),
    );
  });

  test('reads national numbers in the configured region, and asks for the country code when there is none', () => {
    expect(canonical('phone', '030 123456', { phoneRegion: phoneRegion('DE') })).toBe('phone:+4930123456');
    expect(canonical('phone', '(201) 555-0123', { phoneRegion: phoneRegion('us') })).toBe('phone:+12015550123');
    expect(problem('phone', '07700 900123', NONE)).toBe('phone_country');
    expect(canonical('phone', '+44 7700 900123', NONE)).toBe('phone:+447700900123');
    expect(problem('phone', '12')).toBe('phone');
    expect(problem('phone', 'call me')).toBe('phone');
    expect(() => phoneRegion('XX')).toThrow();
  });
});

describe('employee ids', () => {
  test('case and spaces never matter', () => {
    fc.assert(
      fc.property(fc.array(lower, { minLength: 1, maxLength: 12 }).map((chars) => chars.join('')), padding, (id, pad) =>
        fc.assert(
          fc.property(recase(id), (typed) => {
            expect(canonical('employee', `${pad}${typed}${pad}`)).toBe(`employee:${id.toUpperCase()}`);
          }),
          { numRuns: 4 },
        ),
      ),
    );
    expect(canonical('employee', ' e 12 345 ')).toBe('employee:E12345');
    expect(canonical('employee', 'ｅ１２３')).toBe('employee:E123');
  });
});

describe('profile URLs', () => {
  const slug = fc.array(fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789-'), { minLength: 2, maxLength: 20 }).map((chars) => chars.join(''));
  const dressing = fc.record({
    scheme: fc.constantFrom('', 'https://', 'http://', 'HTTPS://'),
    www: fc.constantFrom('', 'www.', 'WWW.'),
    slash: fc.constantFrom('', '/', '//'),
    query: fc.constantFrom('', '?utm_source=share', '?originalSubdomain=uk&trk=x'),
    fragment: fc.constantFrom('', '#about', '#'),
  });

  test('scheme, www, trailing slash, query, fragment and case do not change a known profile', () => {
    fc.assert(
      fc.property(slug, dressing, fc.constantFrom(['linkedin.com', 'in/'], ['x.com', ''], ['twitter.com', ''], ['github.com', ''], ['instagram.com', '']), (name, dress, [site, prefix]) =>
        fc.assert(
          fc.property(recase(`${site}/${prefix}${name}`), (typed) => {
            const expected = `url:${site === 'twitter.com' ? 'x.com' : site}/${prefix}${name}`;
            expect(canonical('url', `${dress.scheme}${dress.www}${typed}${dress.slash}${dress.query}${dress.fragment}`)).toBe(expected);
          }),
          { numRuns: 3 },
        ),
      ),
      { numRuns: 200 },
    );
  });

  test('is idempotent', () => {
    fc.assert(
      fc.property(slug, dressing, (name, dress) => {
        const once = canonical('url', `${dress.scheme}${dress.www}linkedin.com/in/${name}${dress.slash}${dress.query}`);
        expect(canonical('url', once.slice('url:'.length))).toBe(once);
      }),
    );
  });

  test('knows the hosts and the pages of profile sites', () => {
    expect(canonical('url', 'https://uk.linkedin.com/in/Jane-Doe-123/details/experience/')).toBe('url:linkedin.com/in/jane-doe-123');
    expect(canonical('url', 'mobile.twitter.com/JaneDoe/status/1234')).toBe('url:x.com/janedoe');
    expect(canonical('url', 'https://m.facebook.com/profile.php?id=100012345&ref=bookmarks')).toBe('url:facebook.com/profile.php?id=100012345');
    expect(canonical('url', 'facebook.com/jane.doe.5')).toBe('url:facebook.com/jane.doe.5');
    expect(problem('url', 'https://linkedin.com/')).toBe('url');
  });

  test('elsewhere keeps the path as typed and the query, and drops only what never names anyone', () => {
    expect(canonical('url', 'HTTPS://WWW.Example.org/People/Jane/?id=7#top')).toBe('url:example.org/People/Jane?id=7');
    expect(canonical('url', 'example.org/People/Jane')).not.toBe(canonical('url', 'example.org/people/jane'));
    expect(problem('url', 'ftp://example.org/jane')).toBe('url');
    expect(problem('url', 'not a url at all')).toBe('url');
  });
});

test('each kind is its own namespace: the same text under two kinds never meets', () => {
  expect(canonical('employee', '447700900123')).not.toBe(canonical('phone', '+447700900123'));
});
