import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  blindIdentifier,
  decodeEscrowKey,
  encodeEscrowKey,
  escrowKeyFingerprint,
  escrowShareFor,
  escrowTag,
  evaluateBlindedIdentifier,
  finalizeIdentifier,
  generateEntryKey,
  generateEscrowKey,
  generateUserKeyPair,
  identifierSecret,
  newSessionToken,
  openEntryContent,
  openEntryKeyForSession,
  openEscrowShare,
  openNoticeAddress,
  recoverTagKey,
  sealEntryContent,
  sealEntryKeyForSession,
  sealEscrowShare,
  sealNoticeAddress,
  unwrapEntryKeyForTag,
  unwrapEntryKeyForUser,
  wrapEntryKeyForTag,
  wrapEntryKeyForUser,
  type EscrowShare,
} from '../../src/kernel/crypto.js';
import { DecryptionFailed } from '../../src/kernel/errors.js';

const key = generateEscrowKey();
const MARC = 'email:marc.keller@example.com';

describe('match tags (OPRF on ristretto255)', () => {
  test('the server evaluating directly gives what a client blinding its input gets', () => {
    const { blind, blinded } = blindIdentifier(MARC);
    const evaluated = evaluateBlindedIdentifier(key, blinded);
    expect(finalizeIdentifier(MARC, blind, evaluated).equals(identifierSecret(key, MARC))).toBe(true);
    // The blinded element says nothing stable about the input: a fresh blind each time.
    expect(Buffer.from(blindIdentifier(MARC).blinded).equals(Buffer.from(blinded))).toBe(false);
  });

  test('equal identifiers give equal tags under one key; another key or identifier gives another tag', () => {
    const tag = escrowTag(identifierSecret(key, MARC));
    expect(escrowTag(identifierSecret(key, MARC)).equals(tag)).toBe(true);
    expect(escrowTag(identifierSecret(generateEscrowKey(), MARC)).equals(tag)).toBe(false);
    expect(escrowTag(identifierSecret(key, 'email:marc.keller@example.org')).equals(tag)).toBe(false);
    expect(tag.length).toBe(32);
  });
});

describe('Shamir shares of a tag', () => {
  const entryKey = generateEntryKey();

  test('any `threshold` of the shares open every entry key filed under the tag; fewer open nothing', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 5 }), fc.integer({ min: 0, max: 3 }), fc.string({ minLength: 1, maxLength: 40 }), (threshold, extra, name) => {
        const secret = identifierSecret(key, `employee:${name}`);
        const tag = escrowTag(secret);
        const shares: EscrowShare[] = Array.from({ length: threshold + extra }, () => escrowShareFor(secret, threshold));
        const wrapped = wrapEntryKeyForTag(entryKey, secret, threshold, 'entry-1', tag);
        const subset = [...shares].sort(() => Math.random() - 0.5).slice(0, threshold);
        expect(unwrapEntryKeyForTag(wrapped, recoverTagKey(subset, threshold), 'entry-1', tag).equals(entryKey)).toBe(true);
        // One share short: pretend the threshold were one lower, and the key is wrong.
        expect(() => unwrapEntryKeyForTag(wrapped, recoverTagKey(subset.slice(1), threshold - 1), 'entry-1', tag)).toThrow(DecryptionFailed);
      }),
      { numRuns: 40 },
    );
  });

  test('shares of two different people never combine', () => {
    const marc = identifierSecret(key, MARC);
    const dan = identifierSecret(key, 'email:dan.price@northwind.example');
    const wrapped = wrapEntryKeyForTag(entryKey, marc, 2, 'entry-1', escrowTag(marc));
    const mixed = recoverTagKey([escrowShareFor(marc, 2), escrowShareFor(dan, 2)], 2);
    expect(() => unwrapEntryKeyForTag(wrapped, mixed, 'entry-1', escrowTag(marc))).toThrow(DecryptionFailed);
  });

  test('asks for enough shares, and refuses a repeated point', () => {
    const secret = identifierSecret(key, MARC);
    const share = escrowShareFor(secret, 2);
    expect(() => recoverTagKey([share], 2)).toThrow(/2 shares are needed/);
    expect(() => recoverTagKey([share, share], 2)).toThrow(DecryptionFailed);
  });

  test('a stored share opens only with the escrow key, for its own entry and tag', () => {
    const secret = identifierSecret(key, MARC);
    const tag = escrowTag(secret);
    const share = escrowShareFor(secret, 2);
    const sealed = sealEscrowShare(key, share, 'entry-1', tag);
    expect(openEscrowShare(key, sealed, 'entry-1', tag)).toEqual(share);
    expect(() => openEscrowShare(generateEscrowKey(), sealed, 'entry-1', tag)).toThrow(DecryptionFailed);
    expect(() => openEscrowShare(key, sealed, 'entry-2', tag)).toThrow(DecryptionFailed);
    expect(() => openEscrowShare(key, sealed, 'entry-1', escrowTag(identifierSecret(key, 'phone:+447700900123')))).toThrow(DecryptionFailed);
  });
});

describe('entry keys and content', () => {
  test('wrapped to a counselor, opened only by that counselor and for that entry', () => {
    const entryKey = generateEntryKey();
    const counselor = generateUserKeyPair();
    const wrapped = wrapEntryKeyForUser(entryKey, counselor.publicKey, 'entry-1');
    expect(unwrapEntryKeyForUser(wrapped, counselor.privateKey, 'entry-1').equals(entryKey)).toBe(true);
    expect(() => unwrapEntryKeyForUser(wrapped, generateUserKeyPair().privateKey, 'entry-1')).toThrow(DecryptionFailed);
    expect(() => unwrapEntryKeyForUser(wrapped, counselor.privateKey, 'entry-2')).toThrow(DecryptionFailed);
  });

  test('content, session and notice boxes are bound to their purpose', () => {
    const entryKey = generateEntryKey();
    const sealed = sealEntryContent(entryKey, 'entry-1', 'entry', 'what happened');
    expect(openEntryContent(entryKey, 'entry-1', 'entry', sealed)).toBe('what happened');
    expect(() => openEntryContent(entryKey, 'entry-1', 'case-receipt', sealed)).toThrow(DecryptionFailed);
    const token = newSessionToken();
    expect(openEntryKeyForSession(sealEntryKeyForSession(entryKey, token), token).equals(entryKey)).toBe(true);
    expect(() => openEntryKeyForSession(sealEntryKeyForSession(entryKey, token), newSessionToken())).toThrow(DecryptionFailed);
    const notice = sealNoticeAddress(key, 'notice-1', 'me@example.net');
    expect(openNoticeAddress(key, 'notice-1', notice)).toBe('me@example.net');
    expect(() => openNoticeAddress(generateEscrowKey(), 'notice-1', notice)).toThrow(DecryptionFailed);
  });
});

test('the key file holds one base64 key; the fingerprint is stable and is not the key', () => {
  expect(decodeEscrowKey(encodeEscrowKey(key)).equals(key)).toBe(true);
  expect(() => decodeEscrowKey('too short')).toThrow();
  expect(() => decodeEscrowKey(Buffer.alloc(31).toString('base64'))).toThrow();
  expect(escrowKeyFingerprint(key)).toBe(escrowKeyFingerprint(decodeEscrowKey(encodeEscrowKey(key))));
  expect(escrowKeyFingerprint(key)).not.toContain(key.toString('hex'));
});
