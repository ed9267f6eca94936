import { describe, expect, test } from 'vitest';
import type { Argon2Params } from '../../src/kernel/config.js';
import {
  deriveReceiptSecrets,
  derivePasswordKey,
  deriveRecoveryKey,
  formatReceipt,
  generateCaseKey,
  generateReceipt,
  generateRecoveryKey,
  generateUserKeyPair,
  newInstallationSalt,
  newPasswordKdf,
  newSessionToken,
  normalizeReceipt,
  openCaseContent,
  openKeyForSession,
  parseSessionToken,
  sealCaseContent,
  sealKeyForSession,
  unwrapCaseKeyForUser,
  unwrapCaseKeyWithReceipt,
  unwrapPrivateKey,
  wrapCaseKeyForReceipt,
  wrapCaseKeyForUser,
  wrapPrivateKey,
  type CaseKey,
} from '../../src/kernel/crypto.js';
import { DecryptionFailed } from '../../src/kernel/errors.js';

/** The weakest Argon2id settings Candor accepts (see kernel/config.ts): fast enough for unit tests. */
const MIN_ARGON2: Argon2Params = { memoryKib: 19_456, passes: 2, parallelism: 1 };

const CASE_ID = 'case-1';
const OTHER_CASE_ID = 'case-2';

/** Runs `open` and answers the error it threw; fails the test if it returned anything. */
function decryptionError(open: () => unknown): unknown {
  let returned: unknown;
  try {
    returned = open();
  } catch (error) {
    return error;
  }
  throw new Error(`expected DecryptionFailed, but decryption returned ${JSON.stringify(returned)}`);
}

function expectDecryptionFailed(open: () => unknown): void {
  expect(decryptionError(open)).toBeInstanceOf(DecryptionFailed);
}

function flipByte(box: Uint8Array, index: number): Buffer {
  const copy = Buffer.from(box);
  copy[index] = copy[index]! ^ 0x01;
  return copy;
}

describe('sealing case content', () => {
  test('what is sealed opens again to the same text, and the ciphertext does not contain it', () => {
    const key = generateCaseKey();
    const text = 'My manager said something on 3 March — ünïcödé too.';
    const sealed = sealCaseContent(key, CASE_ID, 'report', text);

    expect(sealed.includes(Buffer.from(text, 'utf8'))).toBe(false);
    expect(openCaseContent(key, CASE_ID, 'report', sealed)).toBe(text);
  });

  test('sealing the same text twice gives different ciphertexts (fresh nonce)', () => {
    const key = generateCaseKey();
    const first = sealCaseContent(key, CASE_ID, 'message', 'same');
    const second = sealCaseContent(key, CASE_ID, 'message', 'same');
    expect(first.equals(second)).toBe(false);
  });

  test('an empty text round-trips as an empty text', () => {
    const key = generateCaseKey();
    expect(openCaseContent(key, CASE_ID, 'message', sealCaseContent(key, CASE_ID, 'message', ''))).toBe('');
  });

  test('opening with another case key throws DecryptionFailed', () => {
    const sealed = sealCaseContent(generateCaseKey(), CASE_ID, 'report', 'secret');
    expectDecryptionFailed(() => openCaseContent(generateCaseKey(), CASE_ID, 'report', sealed));
  });

  test('opening under another case id throws DecryptionFailed: a ciphertext cannot move between cases', () => {
    const key = generateCaseKey();
    const sealed = sealCaseContent(key, CASE_ID, 'report', 'secret');
    expectDecryptionFailed(() => openCaseContent(key, OTHER_CASE_ID, 'report', sealed));
  });

  test('opening for another purpose throws DecryptionFailed: a message cannot pass for the identity', () => {
    const key = generateCaseKey();
    const sealed = sealCaseContent(key, CASE_ID, 'message', 'secret');
    expectDecryptionFailed(() => openCaseContent(key, CASE_ID, 'identity', sealed));
  });

  test('changing any single byte of the ciphertext makes opening throw', () => {
    const key = generateCaseKey();
    const sealed = sealCaseContent(key, CASE_ID, 'report', 'a report of some length');
    // Every byte: version, nonce, body and tag.
    for (let index = 0; index < sealed.length; index += 1) {
      expectDecryptionFailed(() => openCaseContent(key, CASE_ID, 'report', flipByte(sealed, index)));
    }
  });

  test('a truncated or empty ciphertext throws instead of opening to something', () => {
    const key = generateCaseKey();
    const sealed = sealCaseContent(key, CASE_ID, 'report', 'secret');
    expectDecryptionFailed(() => openCaseContent(key, CASE_ID, 'report', sealed.subarray(0, sealed.length - 1)));
    expectDecryptionFailed(() => openCaseContent(key, CASE_ID, 'report', Buffer.alloc(0)));
  });
});

describe('wrapping case keys to staff key pairs', () => {
  test('the holder of the private key unwraps the same case key', () => {
    const caseKey = generateCaseKey();
    const alice = generateUserKeyPair();
    const wrapped = wrapCaseKeyForUser(caseKey, alice.publicKey, CASE_ID);

    expect(wrapped.includes(caseKey)).toBe(false);
    expect(unwrapCaseKeyForUser(wrapped, alice.privateKey, CASE_ID).equals(caseKey)).toBe(true);
  });

  test("another user's private key cannot unwrap it", () => {
    const alice = generateUserKeyPair();
    const mallory = generateUserKeyPair();
    const wrapped = wrapCaseKeyForUser(generateCaseKey(), alice.publicKey, CASE_ID);
    expectDecryptionFailed(() => unwrapCaseKeyForUser(wrapped, mallory.privateKey, CASE_ID));
  });

  test('a key wrapped for one case cannot be unwrapped as the key of another case', () => {
    const alice = generateUserKeyPair();
    const wrapped = wrapCaseKeyForUser(generateCaseKey(), alice.publicKey, CASE_ID);
    expectDecryptionFailed(() => unwrapCaseKeyForUser(wrapped, alice.privateKey, OTHER_CASE_ID));
  });

  test('a tampered or garbage wrapped key throws', () => {
    const alice = generateUserKeyPair();
    const wrapped = wrapCaseKeyForUser(generateCaseKey(), alice.publicKey, CASE_ID);
    expectDecryptionFailed(() => unwrapCaseKeyForUser(flipByte(wrapped, 0), alice.privateKey, CASE_ID)); // ephemeral key
    expectDecryptionFailed(() => unwrapCaseKeyForUser(flipByte(wrapped, wrapped.length - 1), alice.privateKey, CASE_ID)); // tag
    expectDecryptionFailed(() => unwrapCaseKeyForUser(Buffer.alloc(8), alice.privateKey, CASE_ID));
    expectDecryptionFailed(() => unwrapCaseKeyForUser(Buffer.alloc(80), alice.privateKey, CASE_ID)); // all-zero ephemeral key
  });
});

describe('passwords protect the private key', () => {
  test('the password key unwraps the private key; a wrong password throws', async () => {
    const { privateKey } = generateUserKeyPair();
    const kdf = newPasswordKdf(MIN_ARGON2);
    expect(kdf).toMatchObject({ algorithm: 'argon2id', memoryKib: 19_456, passes: 2, parallelism: 1 });

    const wrapped = wrapPrivateKey(privateKey, await derivePasswordKey('correct horse battery staple', kdf), 'user-1');
    expect(wrapped.includes(privateKey)).toBe(false);

    const again = await derivePasswordKey('correct horse battery staple', kdf);
    expect(unwrapPrivateKey(wrapped, again, 'user-1').equals(privateKey)).toBe(true);

    const wrong = await derivePasswordKey('correct horse battery stapler', kdf);
    expectDecryptionFailed(() => unwrapPrivateKey(wrapped, wrong, 'user-1'));
  });

  test('the same password with another salt gives another key', async () => {
    const { privateKey } = generateUserKeyPair();
    const kdf = newPasswordKdf(MIN_ARGON2);
    const otherKdf = newPasswordKdf(MIN_ARGON2);
    expect(otherKdf.salt).not.toBe(kdf.salt);

    const wrapped = wrapPrivateKey(privateKey, await derivePasswordKey('the same password', kdf), 'user-1');
    const keyWithOtherSalt = await derivePasswordKey('the same password', otherKdf);
    expectDecryptionFailed(() => unwrapPrivateKey(wrapped, keyWithOtherSalt, 'user-1'));
  });

  test("a private key wrapped for one user does not unwrap as another user's", async () => {
    const { privateKey } = generateUserKeyPair();
    const kdf = newPasswordKdf(MIN_ARGON2);
    const passwordKey = await derivePasswordKey('a long password', kdf);
    const wrapped = wrapPrivateKey(privateKey, passwordKey, 'user-1');
    expectDecryptionFailed(() => unwrapPrivateKey(wrapped, passwordKey, 'user-2'));
  });
});

describe('recovery keys', () => {
  const CROCKFORD_GROUPS = /^[0-9ABCDEFGHJKMNPQRSTVWXYZ]{4}(-[0-9ABCDEFGHJKMNPQRSTVWXYZ]{4}){7}$/;

  test('are 8 groups of 4 Crockford base32 characters, and differ every time', () => {
    const keys = Array.from({ length: 50 }, () => generateRecoveryKey());
    for (const key of keys) expect(key).toMatch(CROCKFORD_GROUPS);
    expect(new Set(keys).size).toBe(keys.length);
  });

  test('unwrap the private key however the person types them: lower case, no dashes, spaces, O for 0, I or L for 1', () => {
    const { privateKey } = generateUserKeyPair();
    const recoveryKey = 'ABCD-0123-EFGH-4567-JKMN-89PQ-RSTV-WXYZ';
    const wrapped = wrapPrivateKey(privateKey, deriveRecoveryKey(recoveryKey), 'user-1');

    for (const typed of [
      recoveryKey,
      recoveryKey.toLowerCase(),
      recoveryKey.replace(/-/g, ''),
      recoveryKey.toLowerCase().replace(/-/g, ' '),
      'ABCD-O123-EFGH-4567-JKMN-89PQ-RSTV-WXYZ', // letter O for zero
      'ABCD-0I23-EFGH-4567-JKMN-89PQ-RSTV-WXYZ', // letter I for one
      'abcd-0l23-efgh-4567-jkmn-89pq-rstv-wxyz', // letter l for one
    ]) {
      expect(unwrapPrivateKey(wrapped, deriveRecoveryKey(typed), 'user-1').equals(privateKey), typed).toBe(true);
    }
  });

  test('another recovery key cannot unwrap the private key', () => {
    const { privateKey } = generateUserKeyPair();
    const wrapped = wrapPrivateKey(privateKey, deriveRecoveryKey(generateRecoveryKey()), 'user-1');
    expectDecryptionFailed(() => unwrapPrivateKey(wrapped, deriveRecoveryKey(generateRecoveryKey()), 'user-1'));
  });
});

describe('reporter receipts', () => {
  test('generateReceipt gives 20 digits, and a different receipt every time', () => {
    const receipts = Array.from({ length: 50 }, () => generateReceipt());
    for (const receipt of receipts) expect(receipt).toMatch(/^\d{20}$/);
    expect(new Set(receipts).size).toBe(receipts.length);
  });

  test('formatReceipt shows the digits in groups of four', () => {
    expect(formatReceipt('12345678901234567890')).toBe('1234 5678 9012 3456 7890');
  });

  test('normalizeReceipt accepts what people type: spaces, dashes, no separators', () => {
    for (const typed of ['1234 5678 9012 3456 7890', '1234-5678-9012-3456-7890', '12345678901234567890', ' 1234  5678\t9012-3456 7890 ']) {
      expect(normalizeReceipt(typed), typed).toBe('12345678901234567890');
    }
    const receipt = generateReceipt();
    expect(normalizeReceipt(formatReceipt(receipt))).toBe(receipt);
  });

  test('normalizeReceipt rejects wrong lengths, letters and other characters', () => {
    for (const typed of [
      '',
      '1234 5678 9012 3456 789', // 19 digits
      '1234 5678 9012 3456 78901', // 21 digits
      '1234 5678 9012 3456 789O', // letter O
      'abcd 5678 9012 3456 7890',
      '1234.5678.9012.3456.7890',
      '１２３４５６７８９０１２３４５６７８９０', // full-width digits
    ]) {
      expect(normalizeReceipt(typed), typed).toBeNull();
    }
  });

  test('deriveReceiptSecrets: the same receipt and salt give the same lookup; lookup and kek differ', async () => {
    const salt = newInstallationSalt();
    const receipt = generateReceipt();
    const first = await deriveReceiptSecrets(receipt, salt, MIN_ARGON2);
    const second = await deriveReceiptSecrets(receipt, salt, MIN_ARGON2);

    expect(first.lookup.equals(second.lookup)).toBe(true);
    expect(first.lookup.equals(first.kek)).toBe(false);
    expect(first.lookup).toHaveLength(32);
    expect(first.kek).toHaveLength(32);
  });

  test('deriveReceiptSecrets: another receipt, or another installation salt, gives another lookup', async () => {
    const salt = newInstallationSalt();
    const receipt = '12345678901234567890';
    const base = await deriveReceiptSecrets(receipt, salt, MIN_ARGON2);
    const otherReceipt = await deriveReceiptSecrets('12345678901234567891', salt, MIN_ARGON2);
    const otherSalt = await deriveReceiptSecrets(receipt, newInstallationSalt(), MIN_ARGON2);

    expect(otherReceipt.lookup.equals(base.lookup)).toBe(false);
    expect(otherSalt.lookup.equals(base.lookup)).toBe(false);
  });

  test('the receipt kek unwraps the case key; another receipt or another case id throws', async () => {
    const salt = newInstallationSalt();
    const caseKey = generateCaseKey();
    const { kek } = await deriveReceiptSecrets('12345678901234567890', salt, MIN_ARGON2);
    const wrapped = wrapCaseKeyForReceipt(caseKey, kek, CASE_ID);

    // The reporter types the receipt back as it was shown to them.
    const again = await deriveReceiptSecrets(normalizeReceipt('1234 5678 9012 3456 7890')!, salt, MIN_ARGON2);
    expect(unwrapCaseKeyWithReceipt(wrapped, again.kek, CASE_ID).equals(caseKey)).toBe(true);

    const otherReceipt = await deriveReceiptSecrets('09876543210987654321', salt, MIN_ARGON2);
    expectDecryptionFailed(() => unwrapCaseKeyWithReceipt(wrapped, otherReceipt.kek, CASE_ID));
    expectDecryptionFailed(() => unwrapCaseKeyWithReceipt(wrapped, kek, OTHER_CASE_ID));
  });
});

describe('session tokens', () => {
  test('a new token parses back to its id and secret', () => {
    const token = newSessionToken();
    expect(token.token).toBe(`${token.id}.${token.secret}`);
    expect(parseSessionToken(token.token)).toEqual(token);
  });

  test('malformed cookie values do not parse', () => {
    const { id, secret } = newSessionToken();
    for (const value of ['', id, `${id}.`, `.${secret}`, `${id}.${secret}x`, `${id}x.${secret}`, `${id}.${secret.slice(1)}`, `${id}:${secret}`, `${id}.${secret}.x`]) {
      expect(parseSessionToken(value), value).toBeNull();
    }
  });

  test('a key sealed for a session opens with that session token', () => {
    const token = newSessionToken();
    const { privateKey } = generateUserKeyPair();
    const sealed = sealKeyForSession(privateKey, token);

    expect(sealed.includes(privateKey)).toBe(false);
    const parsed = parseSessionToken(token.token)!;
    expect(openKeyForSession(sealed, parsed).equals(privateKey)).toBe(true);
  });

  test('another secret, or the secret under another session id, cannot open it', () => {
    const token = newSessionToken();
    const caseKey: CaseKey = generateCaseKey();
    const sealed = sealKeyForSession(caseKey, token);

    const otherSecret = { ...token, secret: newSessionToken().secret };
    expectDecryptionFailed(() => openKeyForSession(sealed, otherSecret));
    const otherId = { ...token, id: newSessionToken().id };
    expectDecryptionFailed(() => openKeyForSession(sealed, otherId));
  });
});
