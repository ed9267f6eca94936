import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseWitnessedHeads } from '../../src/audit/audit.service.js';
import {
  backupKeyFingerprint,
  decodeBackupPrivateKey,
  decodeSigningKey,
  encodeBackupPrivateKey,
  encodeSigningKey,
  generateBackupKeyPair,
  generateFileKey,
  generateSigningKey,
  signDetached,
  signatureValid,
  signingKeyFingerprint,
  signingPublicKey,
  unwrapBackupStreamKey,
  wrapBackupStreamKey,
} from '../../src/kernel/crypto.js';
import { DecryptionFailed } from '../../src/kernel/errors.js';
import { retainUntil, shredReason, withdrawalAllowed } from '../../src/records/retention.rules.js';

const base = { status: 'closed', closedAt: '2026-01-31T10:00:00.000Z', withdrawnAt: null, retainMonths: 36, activeHolds: 0 };

describe('retention rules', () => {
  it('keeps a closed case for its months after closing, to the day', () => {
    expect(retainUntil(base.closedAt, 36)?.toISOString()).toBe('2029-01-31T10:00:00.000Z');
    expect(shredReason(base, new Date('2029-01-31T09:59:59.999Z'))).toBeNull();
    expect(shredReason(base, new Date('2029-01-31T10:00:00.000Z'))).toBe('retention');
  });

  it('never shreds an open case for retention, and a hold always wins', () => {
    fc.assert(
      fc.property(fc.constantFrom('received', 'assessment', 'investigation', 'closed'), fc.boolean(), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 100 }), (status, withdrawn, holds, years) => {
        const facts = { ...base, status, withdrawnAt: withdrawn ? '2026-02-01T00:00:00.000Z' : null, activeHolds: holds };
        const reason = shredReason(facts, new Date(Date.parse(base.closedAt) + years * 365 * 86_400_000));
        if (holds > 0) return reason === null;
        if (withdrawn) return reason === 'withdrawal';
        if (status !== 'closed') return reason === null;
        return true;
      }),
    );
  });

  it('lets the channel override the installation on withdrawal', () => {
    expect(withdrawalAllowed(null, false)).toBe(false);
    expect(withdrawalAllowed(null, true)).toBe(true);
    expect(withdrawalAllowed(1, false)).toBe(true);
    expect(withdrawalAllowed(0, true)).toBe(false);
  });
});

describe('signing and backup keys', () => {
  it('signs with Ed25519 and refuses a changed message, signature or key', () => {
    const key = decodeSigningKey(encodeSigningKey(generateSigningKey()));
    const publicKey = signingPublicKey(key);
    const message = Buffer.from('manifest');
    const signature = signDetached(key, message);
    expect(signatureValid(publicKey, message, signature)).toBe(true);
    expect(signatureValid(publicKey, Buffer.from('manifesT'), signature)).toBe(false);
    const bent = Buffer.from(signature);
    bent[0]! ^= 1;
    expect(signatureValid(publicKey, message, bent)).toBe(false);
    expect(signatureValid(signingPublicKey(generateSigningKey()), message, signature)).toBe(false);
    expect(signingKeyFingerprint(publicKey)).toMatch(/^([0-9a-f]{4}:){7}[0-9a-f]{4}$/);
  });

  it('wraps a backup stream key to the backup public key; only its private key unwraps it', () => {
    const pair = generateBackupKeyPair();
    const decoded = decodeBackupPrivateKey(encodeBackupPrivateKey(pair.privateKey, pair.publicKey));
    expect(backupKeyFingerprint(decoded.publicKey)).toBe(backupKeyFingerprint(pair.publicKey));
    const streamKey = generateFileKey();
    const wrapped = wrapBackupStreamKey(streamKey, pair.publicKey, 'b1');
    expect(unwrapBackupStreamKey(wrapped, decoded.privateKey, 'b1').equals(streamKey)).toBe(true);
    expect(() => unwrapBackupStreamKey(wrapped, generateBackupKeyPair().privateKey, 'b1')).toThrow(DecryptionFailed);
    expect(() => unwrapBackupStreamKey(wrapped, decoded.privateKey, 'b2')).toThrow(DecryptionFailed);
  });
});

describe('witnessed heads', () => {
  it('reads head lines out of saved mail and ignores everything else', () => {
    const hash = 'ab'.repeat(32);
    const text = `From: candor@example.org\nSubject: Candor audit head #12\n\ncandor-audit-head 12 ${hash} 2026-11-25T00:00:00.000Z\nKeep this message.\n#13 ${hash.toUpperCase()}\n`;
    expect(parseWitnessedHeads(text)).toEqual([
      { seq: 12, hash, line: 4 },
      { seq: 13, hash, line: 6 },
    ]);
  });
});
