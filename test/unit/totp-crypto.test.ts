import { Secret, TOTP } from 'otpauth';
import { describe, expect, it } from 'vitest';
import {
  checkTotpCode,
  generateStaffRecoveryCodes,
  generateTotpSecret,
  generateUserKeyPair,
  hashOneTimeToken,
  hashStaffRecoveryCode,
  newOneTimeToken,
  normalizeStaffRecoveryCode,
  openTotpSecret,
  parseOneTimeToken,
  sealTotpSecret,
  totpProvisioningUri,
  totpSecretText,
} from '../../src/kernel/crypto.js';
import { DecryptionFailed } from '../../src/kernel/errors.js';

const AT = new Date('2026-03-02T10:00:10.000Z');

describe('TOTP (RFC 6238)', () => {
  it('matches the RFC 6238 test vector for SHA-1', () => {
    // RFC 6238 appendix B: secret "12345678901234567890", T = 59 s -> 94287082 (8 digits); six digits: 287082.
    const secret = Buffer.from('12345678901234567890', 'ascii') as Parameters<typeof checkTotpCode>[0];
    expect(checkTotpCode(secret, '287082', new Date(59_000))).toBe(1);
    expect(checkTotpCode(secret, '287083', new Date(59_000))).toBeNull();
  });

  it('accepts one step of drift either way and answers the step of the code', () => {
    const secret = generateTotpSecret();
    const otp = (at: number) => TOTP.generate({ secret: Secret.fromBase32(totpSecretText(secret)), timestamp: at });
    const step = Math.floor(AT.getTime() / 30_000);
    expect(checkTotpCode(secret, otp(AT.getTime()), AT)).toBe(step);
    expect(checkTotpCode(secret, otp(AT.getTime() - 30_000), AT)).toBe(step - 1);
    expect(checkTotpCode(secret, otp(AT.getTime() + 30_000), AT)).toBe(step + 1);
    const old = otp(AT.getTime() - 90_000);
    if (old !== otp(AT.getTime()) && old !== otp(AT.getTime() - 30_000) && old !== otp(AT.getTime() + 30_000)) expect(checkTotpCode(secret, old, AT)).toBeNull();
    expect(checkTotpCode(secret, ` ${otp(AT.getTime()).slice(0, 3)} ${otp(AT.getTime()).slice(3)} `, AT)).toBe(step);
    expect(checkTotpCode(secret, 'abcdef', AT)).toBeNull();
    expect(checkTotpCode(secret, '1234567', AT)).toBeNull();
  });

  it('writes an otpauth URI an authenticator app reads', () => {
    const secret = generateTotpSecret();
    const uri = totpProvisioningUri(secret, 'hana@example.org', 'Candor');
    expect(uri).toBe(`otpauth://totp/Candor:hana%40example.org?issuer=Candor&secret=${totpSecretText(secret)}&algorithm=SHA1&digits=6&period=30`);
  });

  it('seals the secret under the private key, bound to the user', () => {
    const { privateKey } = generateUserKeyPair();
    const secret = generateTotpSecret();
    const sealed = sealTotpSecret(privateKey, 'user-1', secret);
    expect(sealed.includes(secret)).toBe(false);
    expect(openTotpSecret(privateKey, 'user-1', sealed).equals(secret)).toBe(true);
    expect(() => openTotpSecret(privateKey, 'user-2', sealed)).toThrow(DecryptionFailed);
    expect(() => openTotpSecret(generateUserKeyPair().privateKey, 'user-1', sealed)).toThrow(DecryptionFailed);
  });
});

describe('recovery codes and one-time tokens', () => {
  it('makes ten distinct codes and reads them back however they are typed', () => {
    const codes = generateStaffRecoveryCodes();
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(normalizeStaffRecoveryCode(` ${code.toLowerCase()} `)).toBe(code.replace('-', ''));
    expect(normalizeStaffRecoveryCode('ABCDE-FGHIO')).toBe('ABCDEFGH10');
    expect(normalizeStaffRecoveryCode('too short')).toBeNull();
  });

  it('hashes a code under a key only the private key gives', () => {
    const { privateKey } = generateUserKeyPair();
    const [code] = generateStaffRecoveryCodes(1);
    const hash = hashStaffRecoveryCode(privateKey, 'user-1', code!);
    expect(hashStaffRecoveryCode(privateKey, 'user-1', code!.toLowerCase()).equals(hash)).toBe(true);
    expect(hashStaffRecoveryCode(generateUserKeyPair().privateKey, 'user-1', code!).equals(hash)).toBe(false);
    expect(hashStaffRecoveryCode(privateKey, 'user-2', code!).equals(hash)).toBe(false);
  });

  it('hashes one-time tokens per purpose', () => {
    const token = newOneTimeToken();
    expect(parseOneTimeToken(token)).toBe(token);
    expect(parseOneTimeToken(`${token}x`)).toBeNull();
    expect(hashOneTimeToken('setup', token).equals(hashOneTimeToken('invitation', token))).toBe(false);
  });
});
