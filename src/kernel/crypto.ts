/**
 * All of Candor's cryptography, behind named operations. Nothing outside this module calls a
 * primitive: a new use of crypto anywhere else is a review finding (see docs/threat-model.md).
 *
 * - Data encryption (seal/open): AES-256-GCM with a random 96-bit nonce and associated data that
 *   binds each ciphertext to its case and purpose, so a ciphertext cannot be moved to another case.
 * - Key encryption (wrap/unwrap): case keys are wrapped to staff X25519 public keys (ephemeral
 *   X25519 + HKDF-SHA256 + AES-256-GCM), to the reporter's receipt, and staff private keys are
 *   wrapped by an Argon2id password key and by a recovery key.
 * - Attachments: a fresh key per file, wrapped under the case key; files are sealed and opened as
 *   streams of AES-256-GCM chunks (see the last section).
 */
import { createCipheriv, createDecipheriv, createHash, createHmac, createPrivateKey, createPublicKey, diffieHellman, generateKeyPairSync, hkdfSync, randomBytes, randomInt, sign, timingSafeEqual, verify, type KeyObject } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { hashRaw } from '@node-rs/argon2';
import { ristretto255_oprf, x25519 } from '@noble/curves/ed25519.js';
import { Secret, TOTP } from 'otpauth';
import type { Argon2Params } from './config.js';
import { DecryptionFailed } from './errors.js';

declare const brand: unique symbol;
type Brand<T, B extends string> = T & { readonly [brand]: B };

/** The symmetric key that seals one case's content. */
export type CaseKey = Brand<Buffer, 'CaseKey'>;
/** A staff member's X25519 private key (plaintext: only ever in memory, never persisted). */
export type UserPrivateKey = Brand<Buffer, 'UserPrivateKey'>;
export type UserPublicKey = Brand<Buffer, 'UserPublicKey'>;
/** A key-encryption key derived from a password, a recovery key, a receipt or a session secret. */
type KeyEncryptionKey = Brand<Buffer, 'KeyEncryptionKey'>;
/** Ciphertext of case content: the only form of content that is persisted. */
export type Sealed = Brand<Buffer, 'Sealed'>;
/** A key wrapped for one holder: the only form of a key that is persisted. */
export type WrappedKey = Brand<Buffer, 'WrappedKey'>;

const VERSION = 1;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;

function aeadEncrypt(key: Buffer, plaintext: Buffer, aad: string): Buffer {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([Buffer.from([VERSION]), nonce, body, cipher.getAuthTag()]);
}

function aeadDecrypt(key: Buffer, box: Buffer, aad: string, what: string): Buffer {
  if (box.length < 1 + NONCE_BYTES + TAG_BYTES || box[0] !== VERSION) throw new DecryptionFailed(what);
  const nonce = box.subarray(1, 1 + NONCE_BYTES);
  const tag = box.subarray(box.length - TAG_BYTES);
  const body = box.subarray(1 + NONCE_BYTES, box.length - TAG_BYTES);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, nonce);
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(body), decipher.final()]);
  } catch {
    throw new DecryptionFailed(what);
  }
}

function hkdf(input: Buffer, info: string, salt: Buffer = Buffer.alloc(0)): Buffer {
  return Buffer.from(hkdfSync('sha256', input, salt, info, KEY_BYTES));
}

// ---------------------------------------------------------------------------------------------
// Case content

export function generateCaseKey(): CaseKey {
  return randomBytes(KEY_BYTES) as CaseKey;
}

/** What a sealed value is, bound into its associated data. */
export type SealPurpose = 'report' | 'identity' | 'message' | 'transition' | 'allegation' | 'finding' | 'note' | 'task' | 'party' | 'due-process' | 'routing' | 'review';

/** Seals a piece of case content (UTF-8 text) under the case key. */
export function sealCaseContent(key: CaseKey, caseId: string, purpose: SealPurpose, plaintext: string): Sealed {
  return aeadEncrypt(key, Buffer.from(plaintext, 'utf8'), `candor/content/${purpose}/${caseId}`) as Sealed;
}

/** Opens sealed case content; throws DecryptionFailed if the key, case or purpose do not match. */
export function openCaseContent(key: CaseKey, caseId: string, purpose: SealPurpose, sealed: Uint8Array): string {
  return aeadDecrypt(key, Buffer.from(sealed), `candor/content/${purpose}/${caseId}`, `${purpose} of case`).toString('utf8');
}

// ---------------------------------------------------------------------------------------------
// Staff key pairs and wrapping case keys to them

export function generateUserKeyPair(): { publicKey: UserPublicKey; privateKey: UserPrivateKey } {
  const privateKey = Buffer.from(x25519.utils.randomSecretKey()) as UserPrivateKey;
  const publicKey = Buffer.from(x25519.getPublicKey(privateKey)) as UserPublicKey;
  return { publicKey, privateKey };
}

// X25519 is Node's native one (RFC 7748, the same function as @noble's, about ten times faster).
// Raw keys go in and out as JWK: OpenSSL's DER decoder costs ten times as much per key, and a
// report wraps its key to every recipient. For a private key Node reads only `d`; the public half
// is derived from it, so it is left empty rather than computed twice.
const x25519PublicKeyObject = (raw: Uint8Array) =>
  createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: Buffer.from(raw).toString('base64url') }, format: 'jwk' });
const x25519PrivateKeyObject = (raw: Uint8Array) =>
  createPrivateKey({ key: { kty: 'OKP', crv: 'X25519', d: Buffer.from(raw).toString('base64url'), x: '' }, format: 'jwk' });
const x25519RawPublic = (key: KeyObject) => Buffer.from(key.export({ format: 'jwk' }).x as string, 'base64url');

/** Ephemeral-static X25519 + HKDF + AES-256-GCM: `ephemeral public key || sealed key`. */
function wrapToX25519(key: Buffer, recipient: Uint8Array, hkdfInfo: string, aad: string): WrappedKey {
  const ephemeral = generateKeyPairSync('x25519');
  const ephemeralPublic = x25519RawPublic(ephemeral.publicKey);
  const shared = diffieHellman({ privateKey: ephemeral.privateKey, publicKey: x25519PublicKeyObject(recipient) });
  const kek = hkdf(shared, hkdfInfo, Buffer.concat([ephemeralPublic, recipient]));
  return Buffer.concat([ephemeralPublic, aeadEncrypt(kek, key, aad)]) as WrappedKey;
}

/** Opens what wrapToX25519 made with the holder's private key; throws DecryptionFailed on any mismatch. */
function unwrapFromX25519(wrapped: Uint8Array, privateKey: UserPrivateKey, hkdfInfo: string, aad: string, what: string): Buffer {
  const box = Buffer.from(wrapped);
  const ephemeralPublic = box.subarray(0, 32);
  let shared: Buffer;
  let ownPublic: Buffer;
  try {
    const own = x25519PrivateKeyObject(privateKey);
    ownPublic = x25519RawPublic(createPublicKey(own));
    shared = diffieHellman({ privateKey: own, publicKey: x25519PublicKeyObject(ephemeralPublic) });
  } catch {
    throw new DecryptionFailed(what);
  }
  return aeadDecrypt(hkdf(shared, hkdfInfo, Buffer.concat([ephemeralPublic, ownPublic])), box.subarray(32), aad, what);
}

/** Wraps a case key to a staff member's public key. */
export function wrapCaseKeyForUser(caseKey: CaseKey, recipient: UserPublicKey, caseId: string): WrappedKey {
  return wrapToX25519(caseKey, recipient, 'candor/wrap/case-key/x25519', `candor/case-key/${caseId}`);
}

/** Unwraps a case key with the holder's private key; throws DecryptionFailed on any mismatch. */
export function unwrapCaseKeyForUser(wrapped: Uint8Array, privateKey: UserPrivateKey, caseId: string): CaseKey {
  return unwrapFromX25519(wrapped, privateKey, 'candor/wrap/case-key/x25519', `candor/case-key/${caseId}`, 'case key') as CaseKey;
}

// ---------------------------------------------------------------------------------------------
// Passwords and recovery keys protect a staff member's private key

export interface PasswordKdf {
  algorithm: 'argon2id';
  memoryKib: number;
  passes: number;
  parallelism: number;
  salt: string; // base64
}

export function newPasswordKdf(params: Argon2Params): PasswordKdf {
  return { algorithm: 'argon2id', ...params, salt: randomBytes(16).toString('base64') };
}

async function argon2Key(secret: string, salt: Buffer, params: Omit<PasswordKdf, 'algorithm' | 'salt'>): Promise<Buffer> {
  return hashRaw(secret, {
    algorithm: 2, // Argon2id
    memoryCost: params.memoryKib,
    timeCost: params.passes,
    parallelism: params.parallelism,
    outputLen: KEY_BYTES,
    salt,
  });
}

/** Derives the key that wraps a staff private key from the password (Argon2id). */
export async function derivePasswordKey(password: string, kdf: PasswordKdf): Promise<KeyEncryptionKey> {
  return (await argon2Key(password, Buffer.from(kdf.salt, 'base64'), kdf)) as KeyEncryptionKey;
}

export function wrapPrivateKey(privateKey: UserPrivateKey, kek: KeyEncryptionKey, userId: string): WrappedKey {
  return aeadEncrypt(kek, privateKey, `candor/private-key/${userId}`) as WrappedKey;
}

export function unwrapPrivateKey(wrapped: Uint8Array, kek: KeyEncryptionKey, userId: string): UserPrivateKey {
  return aeadDecrypt(kek, Buffer.from(wrapped), `candor/private-key/${userId}`, 'private key') as UserPrivateKey;
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A one-time recovery key: 160 random bits, shown once as Crockford base32 in groups of four. */
export function generateRecoveryKey(): string {
  const chars = Array.from({ length: 32 }, () => CROCKFORD[randomInt(32)]).join('');
  return chars.match(/.{4}/g)!.join('-');
}

/** The recovery key has full entropy, so a plain HKDF suffices to turn it into a wrapping key. */
export function deriveRecoveryKey(recoveryKey: string): KeyEncryptionKey {
  const normalized = recoveryKey.toUpperCase().replace(/[^0-9A-Z]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  return hkdf(Buffer.from(normalized, 'utf8'), 'candor/recovery-key') as KeyEncryptionKey;
}

// ---------------------------------------------------------------------------------------------
// Reporter receipts

export const RECEIPT_DIGITS = 20; // 66.4 bits of entropy

/** A fresh receipt: digits only, so it can be read aloud and written down. */
export function generateReceipt(): string {
  return Array.from({ length: RECEIPT_DIGITS }, () => randomInt(10)).join('');
}

/** A receipt as shown to people: digits in groups of four. */
export function formatReceipt(receipt: string): string {
  return receipt.match(/.{1,4}/g)!.join(' ');
}

/** Accepts what a person types (spaces, dashes) and returns the bare digits, or null if it cannot be a receipt. */
export function normalizeReceipt(input: string): string | null {
  const digits = input.replace(/[\s-]/g, '');
  return new RegExp(`^\\d{${RECEIPT_DIGITS}}$`).test(digits) ? digits : null;
}

export interface ReceiptSecrets {
  /** Stored: finds the case. Cannot be turned back into the receipt or into `kek`. */
  lookup: Buffer;
  /** Never stored: unwraps the reporter's copy of the case key. */
  kek: KeyEncryptionKey;
}

/**
 * One Argon2id evaluation of the receipt with the installation's salt, split by HKDF into a
 * lookup value (stored) and a key-encryption key (never stored).
 */
export async function deriveReceiptSecrets(receipt: string, installationSalt: Buffer, params: Argon2Params): Promise<ReceiptSecrets> {
  const root = await argon2Key(receipt, installationSalt, params);
  return {
    lookup: hkdf(root, 'candor/receipt/lookup'),
    kek: hkdf(root, 'candor/receipt/wrap') as KeyEncryptionKey,
  };
}

export function wrapCaseKeyForReceipt(caseKey: CaseKey, kek: KeyEncryptionKey, caseId: string): WrappedKey {
  return aeadEncrypt(kek, caseKey, `candor/reporter-key/${caseId}`) as WrappedKey;
}

export function unwrapCaseKeyWithReceipt(wrapped: Uint8Array, kek: KeyEncryptionKey, caseId: string): CaseKey {
  return aeadDecrypt(kek, Buffer.from(wrapped), `candor/reporter-key/${caseId}`, 'reporter key') as CaseKey;
}

export function newInstallationSalt(): Buffer {
  return randomBytes(16);
}

/** A 256-bit secret the server keeps in its database, e.g. for signing forms. */
export function newServerSecret(): Buffer {
  return randomBytes(32);
}

/** Signs a short statement (HMAC-SHA256, base64url). */
export function signToken(secret: Buffer, statement: string): string {
  return createHmac('sha256', secret).update(statement, 'utf8').digest('base64url');
}

/** Checks a signature made by signToken in constant time. */
export function tokenSignatureMatches(secret: Buffer, statement: string, signature: string): boolean {
  const expected = Buffer.from(signToken(secret, statement));
  const actual = Buffer.from(signature);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** A keyed hash for in-memory throttling keys, so not even memory holds a raw address. */
export function throttleKey(secret: Buffer, value: string): string {
  return createHmac('sha256', secret).update(value, 'utf8').digest('base64url').slice(0, 22);
}

// ---------------------------------------------------------------------------------------------
// Sessions: the server keeps the session's key sealed under a secret that only the cookie holds

export interface SessionToken {
  id: string;
  secret: string;
  /** The cookie value. */
  token: string;
}

export function newSessionToken(): SessionToken {
  const id = randomBytes(16).toString('base64url');
  const secret = randomBytes(32).toString('base64url');
  return { id, secret, token: `${id}.${secret}` };
}

export function parseSessionToken(token: string): SessionToken | null {
  const match = /^([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/.exec(token);
  return match ? { id: match[1]!, secret: match[2]!, token } : null;
}

export function hashSessionSecret(secret: string): Buffer {
  return createHash('sha256').update(`candor/session/${secret}`).digest();
}

export function sessionSecretMatches(secret: string, storedHash: Uint8Array): boolean {
  const actual = hashSessionSecret(secret);
  return storedHash.length === actual.length && timingSafeEqual(actual, Buffer.from(storedHash));
}

/** Seals a private key or case key for the lifetime of one session. */
export function sealKeyForSession(key: UserPrivateKey | CaseKey, token: SessionToken): WrappedKey {
  return aeadEncrypt(hkdf(Buffer.from(token.secret, 'utf8'), 'candor/session/key'), key, `candor/session/${token.id}`) as WrappedKey;
}

export function openKeyForSession<K extends UserPrivateKey | CaseKey>(sealed: Uint8Array, token: SessionToken): K {
  return aeadDecrypt(
    hkdf(Buffer.from(token.secret, 'utf8'), 'candor/session/key'),
    Buffer.from(sealed),
    `candor/session/${token.id}`,
    'session key',
  ) as K;
}

// ---------------------------------------------------------------------------------------------
// Staff second factor: TOTP (RFC 6238) and single-use recovery codes
//
// The TOTP secret is sealed under a key derived from the user's private key, and the recovery
// codes are stored as HMACs under another key derived from it. Sign-in has the password, which
// unwraps the private key, so the server can check a code before it opens a session, yet a
// database dump alone yields neither the secret nor a usable list of codes (see
// docs/threat-model.md, "Second factor").

/** A TOTP shared secret (plaintext: only ever in memory or shown once at enrolment). */
export type TotpSecret = Brand<Buffer, 'TotpSecret'>;

const TOTP_PERIOD_SECONDS = 30;
const TOTP_DIGITS = 6;

export function generateTotpSecret(): TotpSecret {
  return randomBytes(20) as TotpSecret; // 160 bits, as RFC 4226 recommends for HMAC-SHA1
}

const otpSecret = (secret: TotpSecret) => new Secret({ buffer: Uint8Array.from(secret).buffer });

function totpFor(secret: TotpSecret, account = '', issuer = 'Candor'): TOTP {
  return new TOTP({ issuer, label: account, algorithm: 'SHA1', digits: TOTP_DIGITS, period: TOTP_PERIOD_SECONDS, secret: otpSecret(secret) });
}

/** The secret as base32, for people who type it into their authenticator app. */
export function totpSecretText(secret: TotpSecret): string {
  return otpSecret(secret).base32;
}

/** The otpauth:// URI an authenticator app reads from the QR code. */
export function totpProvisioningUri(secret: TotpSecret, account: string, issuer: string): string {
  return totpFor(secret, account, issuer).toString();
}

/**
 * Checks a six-digit code at `at`, one time step either side (clock drift). Answers the time step
 * the code belongs to, so the caller can refuse that step and every earlier one from then on
 * (replay), or null when the code is not right.
 */
export function checkTotpCode(secret: TotpSecret, code: string, at: Date): number | null {
  const token = code.replace(/\s/g, '');
  if (!/^\d{6}$/.test(token)) return null;
  const delta = totpFor(secret).validate({ token, timestamp: at.getTime(), window: 1 });
  return delta === null ? null : TOTP.counter({ period: TOTP_PERIOD_SECONDS, timestamp: at.getTime() }) + delta;
}

function totpSealingKey(privateKey: UserPrivateKey): Buffer {
  return hkdf(privateKey, 'candor/totp-secret');
}

export function sealTotpSecret(privateKey: UserPrivateKey, userId: string, secret: TotpSecret): Sealed {
  return aeadEncrypt(totpSealingKey(privateKey), secret, `candor/totp/${userId}`) as Sealed;
}

/** Opens the TOTP secret with the private key; throws DecryptionFailed on any mismatch. */
export function openTotpSecret(privateKey: UserPrivateKey, userId: string, sealed: Uint8Array): TotpSecret {
  return aeadDecrypt(totpSealingKey(privateKey), Buffer.from(sealed), `candor/totp/${userId}`, 'TOTP secret') as TotpSecret;
}

export const STAFF_RECOVERY_CODE_COUNT = 10;

/** Ten single-use recovery codes, each 50 random bits written as XXXXX-XXXXX (Crockford base32). */
export function generateStaffRecoveryCodes(count = STAFF_RECOVERY_CODE_COUNT): string[] {
  return Array.from({ length: count }, () => {
    const chars = Array.from({ length: 10 }, () => CROCKFORD[randomInt(32)]).join('');
    return `${chars.slice(0, 5)}-${chars.slice(5)}`;
  });
}

/** What a person types (any case, spaces, dashes, O for 0) as the bare code, or null if it cannot be one. */
export function normalizeStaffRecoveryCode(input: string): string | null {
  const bare = input.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  return /^[0-9A-HJKMNP-TV-Z]{10}$/.test(bare) ? bare : null;
}

/** The stored form of a recovery code: an HMAC under a key derived from the private key. */
export function hashStaffRecoveryCode(privateKey: UserPrivateKey, userId: string, code: string): Buffer {
  const bare = normalizeStaffRecoveryCode(code) ?? code;
  return createHmac('sha256', hkdf(privateKey, 'candor/staff-recovery-codes')).update(`${userId}|${bare}`, 'utf8').digest();
}

// ---------------------------------------------------------------------------------------------
// One-time links (first-run setup, staff invitations): 256 random bits in the URL, only a hash stored

export type OneTimeLinkPurpose = 'setup' | 'invitation';

export function newOneTimeToken(): string {
  return randomBytes(32).toString('base64url');
}

/** The stored form of a one-time token. The token has full entropy, so a plain hash suffices. */
export function hashOneTimeToken(purpose: OneTimeLinkPurpose, token: string): Buffer {
  return createHash('sha256').update(`candor/one-time/${purpose}/${token}`, 'utf8').digest();
}

/** A well-formed one-time token (what newOneTimeToken makes), or null. */
export function parseOneTimeToken(text: string): string | null {
  return /^[A-Za-z0-9_-]{43}$/.test(text) ? text : null;
}

/** Compares two stored hashes in constant time. */
export function hashesMatch(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

// ---------------------------------------------------------------------------------------------
// Hashing for the audit chain and identifiers

export { sha256Hex } from './digest.js';

/** A short random reference people can quote, e.g. "CN-7K3M-9QXD" (40 bits; says nothing about volume). */
export function generateCaseRef(): string {
  const chars = Array.from({ length: 8 }, () => CROCKFORD[randomInt(32)]).join('');
  return `CN-${chars.slice(0, 4)}-${chars.slice(4)}`;
}

/** A cheap, constant-shape Argon2id run for the unknown-user path of login, so timing does not reveal who exists. */
export async function burnPasswordKdf(password: string, params: Argon2Params): Promise<void> {
  await argon2Key(password, randomBytes(16), params);
}

// ---------------------------------------------------------------------------------------------
// Attachments: a fresh key per file, wrapped under the case key; the file itself sealed as a
// stream of AES-256-GCM chunks, so that no file is ever held whole in memory to encrypt or open it.
//
// Stored form:  "CNDA" || version (1 byte) || nonce prefix (8 random bytes) || chunk 0 || chunk 1 ...
// Each chunk seals up to 64 KiB of plaintext and carries its own 16-byte tag. The nonce of chunk i
// is the prefix followed by i (32-bit big-endian); its associated data names the attachment, the
// chunk index and whether it is the last chunk. Reordered, dropped, repeated or appended chunks,
// and a file cut off at any point, therefore fail to open. Only the last chunk may be short, and
// an empty file is one empty last chunk.

/** The symmetric key that seals one attachment's bytes. Persisted only wrapped under the case key. */
export type FileKey = Brand<Buffer, 'FileKey'>;

/** Plaintext bytes per sealed chunk. */
export const ATTACHMENT_CHUNK_BYTES = 64 * 1024;
const STREAM_MAGIC = Buffer.from('CNDA', 'latin1');
const STREAM_VERSION = 1;
const STREAM_PREFIX_BYTES = 8;
const STREAM_HEADER_BYTES = STREAM_MAGIC.length + 1 + STREAM_PREFIX_BYTES;
const SEALED_CHUNK_BYTES = ATTACHMENT_CHUNK_BYTES + TAG_BYTES;
const MAX_CHUNKS = 2 ** 32;

export function generateFileKey(): FileKey {
  return randomBytes(KEY_BYTES) as FileKey;
}

/** Wraps a file key under the case key, bound to the case and the attachment. */
export function wrapFileKey(fileKey: FileKey, caseKey: CaseKey, caseId: string, attachmentId: string): WrappedKey {
  return aeadEncrypt(caseKey, fileKey, `candor/file-key/${caseId}/${attachmentId}`) as WrappedKey;
}

/** Unwraps a file key; throws DecryptionFailed if the case key, case or attachment do not match. */
export function unwrapFileKey(wrapped: Uint8Array, caseKey: CaseKey, caseId: string, attachmentId: string): FileKey {
  return aeadDecrypt(caseKey, Buffer.from(wrapped), `candor/file-key/${caseId}/${attachmentId}`, 'file key') as FileKey;
}

/** Seals an attachment's file name (it is content: a name can say who took the photo, or of what). */
export function sealAttachmentName(caseKey: CaseKey, caseId: string, attachmentId: string, name: string): Sealed {
  return aeadEncrypt(caseKey, Buffer.from(name, 'utf8'), `candor/content/attachment-name/${caseId}/${attachmentId}`) as Sealed;
}

export function openAttachmentName(caseKey: CaseKey, caseId: string, attachmentId: string, sealed: Uint8Array): string {
  return aeadDecrypt(caseKey, Buffer.from(sealed), `candor/content/attachment-name/${caseId}/${attachmentId}`, 'attachment name').toString('utf8');
}

function chunkNonce(prefix: Buffer, index: number): Buffer {
  const nonce = Buffer.alloc(NONCE_BYTES);
  prefix.copy(nonce, 0);
  nonce.writeUInt32BE(index, STREAM_PREFIX_BYTES);
  return nonce;
}

function chunkAad(context: Buffer, index: number, final: boolean): Buffer {
  const tail = Buffer.alloc(9);
  tail.writeBigUInt64BE(BigInt(index), 0);
  tail[8] = final ? 1 : 0;
  return Buffer.concat([context, tail]);
}

const streamContext = (attachmentId: string) => Buffer.from(`candor/attachment/${attachmentId}\0`, 'utf8');

/** Collects incoming buffers and hands them out in fixed-size pieces without quadratic copying. */
class ChunkBuffer {
  #parts: Buffer[] = [];
  length = 0;
  push(chunk: Buffer): void {
    this.#parts.push(chunk);
    this.length += chunk.length;
  }
  /** Removes and returns the first `bytes` bytes (bytes <= length). */
  take(bytes: number): Buffer {
    const all = this.#parts.length === 1 ? this.#parts[0]! : Buffer.concat(this.#parts);
    const head = all.subarray(0, bytes);
    // Copy the rest so that a large incoming buffer is not kept alive by a small remainder.
    const rest = Buffer.from(all.subarray(bytes));
    this.#parts = rest.length > 0 ? [rest] : [];
    this.length = rest.length;
    return head;
  }
}

class SealingStream extends Transform {
  readonly #key: FileKey;
  readonly #context: Buffer;
  readonly #prefix = randomBytes(STREAM_PREFIX_BYTES);
  readonly #pending = new ChunkBuffer();
  #index = 0;
  #headerSent = false;

  constructor(key: FileKey, context: Buffer) {
    super();
    this.#key = key;
    this.#context = context;
  }

  #sendHeader(): void {
    if (this.#headerSent) return;
    this.#headerSent = true;
    this.push(Buffer.concat([STREAM_MAGIC, Buffer.from([STREAM_VERSION]), this.#prefix]));
  }

  #seal(plaintext: Buffer, final: boolean): Buffer {
    if (this.#index >= MAX_CHUNKS) throw new Error('attachment too long to seal');
    const cipher = createCipheriv('aes-256-gcm', this.#key, chunkNonce(this.#prefix, this.#index));
    cipher.setAAD(chunkAad(this.#context, this.#index, final));
    this.#index += 1;
    return Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    try {
      this.#sendHeader();
      this.#pending.push(chunk);
      // A chunk is sealed as "not last" only once a byte beyond it has arrived.
      while (this.#pending.length > ATTACHMENT_CHUNK_BYTES) this.push(this.#seal(this.#pending.take(ATTACHMENT_CHUNK_BYTES), false));
      done();
    } catch (error) {
      done(error as Error);
    }
  }

  override _flush(done: TransformCallback): void {
    try {
      this.#sendHeader();
      this.push(this.#seal(this.#pending.take(this.#pending.length), true));
      done();
    } catch (error) {
      done(error as Error);
    }
  }
}

class OpeningStream extends Transform {
  readonly #key: FileKey;
  readonly #context: Buffer;
  readonly #pending = new ChunkBuffer();
  #prefix: Buffer | null = null;
  #index = 0;

  constructor(key: FileKey, context: Buffer) {
    super();
    this.#key = key;
    this.#context = context;
  }

  #open(sealed: Buffer, final: boolean): Buffer {
    if (sealed.length < TAG_BYTES || this.#index >= MAX_CHUNKS) throw new DecryptionFailed('attachment');
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#key, chunkNonce(this.#prefix!, this.#index));
      decipher.setAAD(chunkAad(this.#context, this.#index, final));
      decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
      // Nothing of a chunk is passed on until its tag has been checked.
      const plaintext = Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES)), decipher.final()]);
      this.#index += 1;
      return plaintext;
    } catch {
      throw new DecryptionFailed('attachment');
    }
  }

  #readHeader(): boolean {
    if (this.#prefix) return true;
    if (this.#pending.length < STREAM_HEADER_BYTES) return false;
    const header = this.#pending.take(STREAM_HEADER_BYTES);
    if (!header.subarray(0, STREAM_MAGIC.length).equals(STREAM_MAGIC) || header[STREAM_MAGIC.length] !== STREAM_VERSION) {
      throw new DecryptionFailed('attachment');
    }
    this.#prefix = Buffer.from(header.subarray(STREAM_MAGIC.length + 1));
    return true;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    try {
      this.#pending.push(chunk);
      if (this.#readHeader()) {
        // While more than one sealed chunk is waiting, the first cannot be the last one.
        while (this.#pending.length > SEALED_CHUNK_BYTES) this.push(this.#open(this.#pending.take(SEALED_CHUNK_BYTES), false));
      }
      done();
    } catch (error) {
      done(error as Error);
    }
  }

  override _flush(done: TransformCallback): void {
    try {
      if (!this.#readHeader()) throw new DecryptionFailed('attachment');
      // Whatever is left must be exactly one last chunk: a file cut at a chunk boundary fails here.
      this.push(this.#open(this.#pending.take(this.#pending.length), true));
      done();
    } catch (error) {
      done(error as Error);
    }
  }
}

/** A Transform that seals plaintext bytes into the stored attachment form under `fileKey`. */
export function createSealingStream(fileKey: FileKey, attachmentId: string): Transform {
  return new SealingStream(fileKey, streamContext(attachmentId));
}

/**
 * A Transform that opens a sealed attachment. It passes on a chunk's plaintext only after checking
 * that chunk's tag, and fails with DecryptionFailed on any change, reordering or truncation,
 * including a file cut short at a chunk boundary (detected at the end, before the stream ends).
 */
export function createOpeningStream(fileKey: FileKey, attachmentId: string): Transform {
  return new OpeningStream(fileKey, streamContext(attachmentId));
}

/** A running SHA-256 of content as it passes, for evidence integrity (the digest is not secret). */
export interface ContentDigest {
  update(chunk: Uint8Array): void;
  /** The digest as lowercase hex; call once, at the end. */
  hex(): string;
}

export function contentDigest(): ContentDigest {
  const hash = createHash('sha256');
  return {
    update: (chunk) => void hash.update(chunk),
    hex: () => hash.digest('hex'),
  };
}

/** A random name for a stored file: says nothing about the case, the attachment or its content. */
export function newStorageName(): string {
  return randomBytes(16).toString('hex');
}

// ---------------------------------------------------------------------------------------------
// Reporters' notification addresses. A reporter may leave an address for content-free notices
// ("there is news about your report"). The server must read it with nobody signed in, so it cannot
// be sealed under the case key; it is sealed under a key the server holds outside the database
// (CANDOR_NOTIFY_KEY or a key file): a database dump alone does not reveal it, the running server does.

/** The server-held key that seals reporters' notification addresses. */
export type NotifyAddressKey = Brand<Buffer, 'NotifyAddressKey'>;

export function newNotifyAddressKey(): Buffer {
  return randomBytes(KEY_BYTES);
}

/** Checks and brands key material read from configuration or the key file. */
export function notifyAddressKeyFrom(raw: Buffer): NotifyAddressKey {
  if (raw.length !== KEY_BYTES) throw new Error(`The notification address key must be ${KEY_BYTES} bytes.`);
  return raw as NotifyAddressKey;
}

export function sealNotifyAddress(key: NotifyAddressKey, caseId: string, address: string): Sealed {
  return aeadEncrypt(key, Buffer.from(address, 'utf8'), `candor/notify-address/${caseId}`) as Sealed;
}

export function openNotifyAddress(key: NotifyAddressKey, caseId: string, sealed: Uint8Array): string {
  return aeadDecrypt(key, Buffer.from(sealed), `candor/notify-address/${caseId}`, 'notification address').toString('utf8');
}

// ---------------------------------------------------------------------------------------------
// Retaliation watch. The pre-action check must answer with nobody signed in, from data that does
// not show a case exists. Protected persons are stored as an HMAC of the employee id under a key
// the server holds outside the database (CANDOR_PROTECTION_KEY or a key file), and the case they
// are protected for is sealed under a key derived from the same key: a database dump alone can
// neither test an employee id against the table nor read which case a row belongs to.

/** The server-held key of the protected-persons table. */
export type ProtectionKey = Brand<Buffer, 'ProtectionKey'>;

export function newProtectionKey(): Buffer {
  return randomBytes(KEY_BYTES);
}

export function protectionKeyFrom(raw: Buffer): ProtectionKey {
  if (raw.length !== KEY_BYTES) throw new Error(`The protection key must be ${KEY_BYTES} bytes.`);
  return raw as ProtectionKey;
}

/** The lookup tag of an employee id: HMAC-SHA256 under a key derived from the protection key. */
export function protectedPersonTag(key: ProtectionKey, employeeId: string): Buffer {
  return createHmac('sha256', hkdf(key, 'candor/protection/tag')).update(employeeId.trim(), 'utf8').digest();
}

/** Seals which case (and role) a protected-persons row stands for. */
export function sealProtectionReference(key: ProtectionKey, rowId: string, reference: string): Sealed {
  return aeadEncrypt(hkdf(key, 'candor/protection/reference'), Buffer.from(reference, 'utf8'), `candor/protection/${rowId}`) as Sealed;
}

export function openProtectionReference(key: ProtectionKey, rowId: string, sealed: Uint8Array): string {
  return aeadDecrypt(hkdf(key, 'candor/protection/reference'), Buffer.from(sealed), `candor/protection/${rowId}`, 'protection reference').toString('utf8');
}

/**
 * A case with no reporter (a retaliation review) still fills the receipt columns: random bytes
 * that match no receipt and wrap nothing, so no receipt can ever open it.
 */
export function noReporterReceiptColumns(): { lookup: Buffer; wrappedKey: Buffer } {
  return { lookup: randomBytes(32), wrappedKey: randomBytes(93) };
}

// ---------------------------------------------------------------------------------------------
// API tokens for machine identities (an HR system). Full entropy, so a plain hash is stored.

const API_TOKEN_PREFIX = 'cndr_';

export function newApiToken(): string {
  return API_TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

/** The stored form of an API token; null for something that is not one. */
export function hashApiToken(token: string): Buffer | null {
  if (!/^cndr_[A-Za-z0-9_-]{43}$/.test(token)) return null;
  return createHash('sha256').update(`candor/api-token/${token}`, 'utf8').digest();
}

// ---------------------------------------------------------------------------------------------
// Escrow: a sealed entry naming someone, readable only once enough independent entries name the
// same person (see docs/escrow.md). Three kinds of secret meet here:
//
//   escrow key (a file outside the database)
//     -> HKDF -> OPRF key (ristretto255, RFC 9497 mode 0x00)
//     -> HKDF -> share key (seals the stored Shamir shares)
//     -> HKDF -> notice key (seals a contact address once its entry has matched)
//   identifier -> OPRF -> r (never stored)
//     -> HKDF -> tag (stored, indexed: equal identifiers give equal tags)
//     -> HKDF -> coefficients a_0 .. a_{t-1} of a polynomial f over GF(2^255 - 19)
//   each entry under a tag: a share (x random, y = f(x)) sealed under the share key, and its
//   entry key wrapped under HKDF(a_0). Any t shares of a tag give a_0 by Lagrange interpolation,
//   and with it every entry key filed under the tag. One share alone says nothing about a_0.

/** The installation's escrow secret: 32 random bytes from CANDOR_ESCROW_KEY_FILE, never in the database. */
export type EscrowKey = Brand<Buffer, 'EscrowKey'>;
/** The symmetric key that seals one escrow entry. */
export type EntryKey = Brand<Buffer, 'EntryKey'>;
/** The OPRF output for one identifier. Never stored: it opens every entry that names the same person. */
export type IdentifierSecret = Brand<Buffer, 'IdentifierSecret'>;
/** The stored, indexed match tag of one identifier. */
export type EscrowTag = Brand<Buffer, 'EscrowTag'>;
/** f(0) of a tag's polynomial, as a key: unwraps the entry keys filed under the tag. */
export type TagKey = Brand<Buffer, 'TagKey'>;
/** One point on a tag's polynomial (plaintext: only in memory; persisted sealed under the share key). */
export interface EscrowShare {
  x: bigint;
  y: bigint;
}

const FIELD_PRIME = 2n ** 255n - 19n;
const FIELD_BYTES = 32;
const ESCROW_KEY_BYTES = 32;

interface EscrowSubkeys {
  oprfSecret: Uint8Array;
  shareKey: Buffer;
  noticeKey: Buffer;
}
const escrowSubkeys = new WeakMap<EscrowKey, EscrowSubkeys>();

function subkeysOf(key: EscrowKey): EscrowSubkeys {
  let subkeys = escrowSubkeys.get(key);
  if (!subkeys) {
    const seed = hkdf(key, 'candor/escrow/oprf-seed');
    subkeys = {
      oprfSecret: ristretto255_oprf.oprf.deriveKeyPair(seed, Buffer.from('candor/escrow/oprf', 'utf8')).secretKey,
      shareKey: hkdf(key, 'candor/escrow/share-key'),
      noticeKey: hkdf(key, 'candor/escrow/notice-key'),
    };
    escrowSubkeys.set(key, subkeys);
  }
  return subkeys;
}

export function generateEscrowKey(): EscrowKey {
  return randomBytes(ESCROW_KEY_BYTES) as EscrowKey;
}

/** The key file's text: the key in base64 on one line. */
export function encodeEscrowKey(key: EscrowKey): string {
  return `${key.toString('base64')}\n`;
}

/** Reads a key file's text; throws if it does not hold exactly one 32-byte key. */
export function decodeEscrowKey(text: string): EscrowKey {
  const trimmed = text.trim();
  const key = Buffer.from(trimmed, 'base64');
  if (!/^[A-Za-z0-9+/]{43}=$/.test(trimmed) || key.length !== ESCROW_KEY_BYTES) throw new Error('the escrow key file does not hold a 32-byte base64 key');
  return key as EscrowKey;
}

/** A value stored in the database to recognise the key, from which the key cannot be found. */
export function escrowKeyFingerprint(key: EscrowKey): string {
  return hkdf(key, 'candor/escrow/fingerprint').toString('hex');
}

const identifierInput = (identifier: string) => Buffer.from(`candor/escrow/v1\0${identifier}`, 'utf8');

type DirectOprf = { evaluate(secretKey: Uint8Array, input: Uint8Array): Uint8Array };
const directOprf = ristretto255_oprf.oprf as unknown as Partial<DirectOprf>;

/**
 * The server's own evaluation of the OPRF for an identifier it was given (the portal renders on
 * the server, so it sees what was typed). Equal to blind -> evaluateBlindedIdentifier -> finalize.
 */
export function identifierSecret(key: EscrowKey, identifier: string): IdentifierSecret {
  const input = identifierInput(identifier);
  const { oprfSecret } = subkeysOf(key);
  if (typeof directOprf.evaluate === 'function') return Buffer.from(directOprf.evaluate(oprfSecret, input)) as IdentifierSecret;
  const blinded = ristretto255_oprf.oprf.blind(input);
  return Buffer.from(ristretto255_oprf.oprf.finalize(input, blinded.blind, ristretto255_oprf.oprf.blindEvaluate(oprfSecret, blinded.blinded))) as IdentifierSecret;
}

/** Client side of the OPRF: hides the identifier from the server behind a random blind. */
export function blindIdentifier(identifier: string): { blind: Uint8Array; blinded: Uint8Array } {
  const { blind, blinded } = ristretto255_oprf.oprf.blind(identifierInput(identifier));
  return { blind, blinded };
}

/** Server side of the OPRF for a blinded input: the server learns nothing about the identifier. */
export function evaluateBlindedIdentifier(key: EscrowKey, blinded: Uint8Array): Uint8Array {
  return ristretto255_oprf.oprf.blindEvaluate(subkeysOf(key).oprfSecret, blinded);
}

/** Client side again: removes the blind and hashes, giving the same secret as identifierSecret. */
export function finalizeIdentifier(identifier: string, blind: Uint8Array, evaluated: Uint8Array): IdentifierSecret {
  return Buffer.from(ristretto255_oprf.oprf.finalize(identifierInput(identifier), blind, evaluated)) as IdentifierSecret;
}

export function escrowTag(secret: IdentifierSecret): EscrowTag {
  return hkdf(secret, 'candor/escrow/tag') as EscrowTag;
}

const mod = (value: bigint) => ((value % FIELD_PRIME) + FIELD_PRIME) % FIELD_PRIME;
const bytesToField = (bytes: Buffer) => mod(BigInt(`0x${bytes.toString('hex') || '0'}`));
const fieldToBytes = (value: bigint) => Buffer.from(value.toString(16).padStart(FIELD_BYTES * 2, '0'), 'hex');

function fieldInverse(value: bigint): bigint {
  if (mod(value) === 0n) throw new Error('no inverse of zero');
  // Fermat: a^(p-2) = a^-1 mod p.
  let result = 1n;
  let base = mod(value);
  for (let exponent = FIELD_PRIME - 2n; exponent > 0n; exponent >>= 1n) {
    if (exponent & 1n) result = (result * base) % FIELD_PRIME;
    base = (base * base) % FIELD_PRIME;
  }
  return result;
}

/** The tag's polynomial: the same for everyone who names the same person, with the same threshold. */
function tagPolynomial(secret: IdentifierSecret, threshold: number): bigint[] {
  if (!Number.isInteger(threshold) || threshold < 2) throw new Error('the escrow threshold must be an integer of at least 2');
  return Array.from({ length: threshold }, (_, index) =>
    bytesToField(Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), `candor/escrow/coefficient/${threshold}/${index}`, 64))),
  );
}

const tagKeyFrom = (constant: bigint) => hkdf(fieldToBytes(constant), 'candor/escrow/tag-key') as TagKey;

/** A fresh point on the tag's polynomial for one entry: x random and nonzero, y = f(x). */
export function escrowShareFor(secret: IdentifierSecret, threshold: number): EscrowShare {
  const coefficients = tagPolynomial(secret, threshold);
  let x = 0n;
  while (x === 0n) x = bytesToField(randomBytes(64));
  const y = coefficients.reduceRight((sum, coefficient) => mod(sum * x + coefficient), 0n);
  return { x, y };
}

const shareAad = (entryId: string, tag: EscrowTag) => `candor/escrow/share/${entryId}/${tag.toString('hex')}`;

/** Seals a share under the escrow key's share key: a database copy alone cannot pool shares. */
export function sealEscrowShare(key: EscrowKey, share: EscrowShare, entryId: string, tag: EscrowTag): Sealed {
  return aeadEncrypt(subkeysOf(key).shareKey, Buffer.concat([fieldToBytes(share.x), fieldToBytes(share.y)]), shareAad(entryId, tag)) as Sealed;
}

export function openEscrowShare(key: EscrowKey, sealed: Uint8Array, entryId: string, tag: EscrowTag): EscrowShare {
  const plain = aeadDecrypt(subkeysOf(key).shareKey, Buffer.from(sealed), shareAad(entryId, tag), 'escrow share');
  if (plain.length !== FIELD_BYTES * 2) throw new DecryptionFailed('escrow share');
  return { x: bytesToField(plain.subarray(0, FIELD_BYTES)), y: bytesToField(plain.subarray(FIELD_BYTES)) };
}

/**
 * f(0) from `threshold` shares of one tag, by Lagrange interpolation. Fewer shares, or shares of
 * different tags, give a wrong key, which then fails to unwrap anything (DecryptionFailed).
 */
export function recoverTagKey(shares: readonly EscrowShare[], threshold: number): TagKey {
  if (shares.length < threshold) throw new Error(`${threshold} shares are needed, ${shares.length} given`);
  const points = shares.slice(0, threshold);
  if (new Set(points.map((point) => point.x)).size !== points.length || points.some((point) => point.x === 0n)) {
    throw new DecryptionFailed('escrow shares');
  }
  let constant = 0n;
  for (const [j, point] of points.entries()) {
    let numerator = 1n;
    let denominator = 1n;
    for (const [m, other] of points.entries()) {
      if (m === j) continue;
      numerator = mod(numerator * other.x);
      denominator = mod(denominator * (other.x - point.x));
    }
    constant = mod(constant + point.y * numerator * fieldInverse(denominator));
  }
  return tagKeyFrom(constant);
}

const entryKeyAad = (entryId: string, tag: EscrowTag) => `candor/escrow/entry-key/${entryId}/${tag.toString('hex')}`;

export function generateEntryKey(): EntryKey {
  return randomBytes(KEY_BYTES) as EntryKey;
}

/** Wraps an entry key under its tag's f(0), computed here from the identifier secret. */
export function wrapEntryKeyForTag(entryKey: EntryKey, secret: IdentifierSecret, threshold: number, entryId: string, tag: EscrowTag): WrappedKey {
  return aeadEncrypt(tagKeyFrom(tagPolynomial(secret, threshold)[0]!), entryKey, entryKeyAad(entryId, tag)) as WrappedKey;
}

export function unwrapEntryKeyForTag(wrapped: Uint8Array, tagKey: TagKey, entryId: string, tag: EscrowTag): EntryKey {
  return aeadDecrypt(tagKey, Buffer.from(wrapped), entryKeyAad(entryId, tag), 'escrow entry key') as EntryKey;
}

/** Wraps a matched entry's key to a counselor's public key (ephemeral-static X25519, as for cases). */
export function wrapEntryKeyForUser(entryKey: EntryKey, recipient: UserPublicKey, entryId: string): WrappedKey {
  return wrapToX25519(entryKey, recipient, 'candor/wrap/escrow-entry-key/x25519', `candor/escrow/counselor-key/${entryId}`);
}

export function unwrapEntryKeyForUser(wrapped: Uint8Array, privateKey: UserPrivateKey, entryId: string): EntryKey {
  return unwrapFromX25519(wrapped, privateKey, 'candor/wrap/escrow-entry-key/x25519', `candor/escrow/counselor-key/${entryId}`, 'escrow entry key') as EntryKey;
}

/** The reporter's own copy of the entry key, under their receipt (as for a report). */
export function wrapEntryKeyForReceipt(entryKey: EntryKey, kek: KeyEncryptionKey, entryId: string): WrappedKey {
  return aeadEncrypt(kek, entryKey, `candor/escrow/reporter-key/${entryId}`) as WrappedKey;
}

export function unwrapEntryKeyWithReceipt(wrapped: Uint8Array, kek: KeyEncryptionKey, entryId: string): EntryKey {
  return aeadDecrypt(kek, Buffer.from(wrapped), `candor/escrow/reporter-key/${entryId}`, 'escrow reporter key') as EntryKey;
}

/** What a sealed escrow value is: the entry itself, or the receipt of a report opened from it. */
export type EntrySealPurpose = 'entry' | 'case-receipt';

export function sealEntryContent(key: EntryKey, entryId: string, purpose: EntrySealPurpose, plaintext: string): Sealed {
  return aeadEncrypt(key, Buffer.from(plaintext, 'utf8'), `candor/escrow/content/${purpose}/${entryId}`) as Sealed;
}

export function openEntryContent(key: EntryKey, entryId: string, purpose: EntrySealPurpose, sealed: Uint8Array): string {
  return aeadDecrypt(key, Buffer.from(sealed), `candor/escrow/content/${purpose}/${entryId}`, `escrow ${purpose}`).toString('utf8');
}

/** Seals an entry key for one escrow session, under a secret only the cookie holds. */
export function sealEntryKeyForSession(key: EntryKey, token: SessionToken): WrappedKey {
  return aeadEncrypt(hkdf(Buffer.from(token.secret, 'utf8'), 'candor/session/key'), key, `candor/escrow-session/${token.id}`) as WrappedKey;
}

export function openEntryKeyForSession(sealed: Uint8Array, token: SessionToken): EntryKey {
  return aeadDecrypt(hkdf(Buffer.from(token.secret, 'utf8'), 'candor/session/key'), Buffer.from(sealed), `candor/escrow-session/${token.id}`, 'session key') as EntryKey;
}

/**
 * Seals a contact address for a content-free match notice, under the escrow key: the mailer needs
 * it without the reporter present. Only ever done for entries that have already matched.
 */
export function sealNoticeAddress(key: EscrowKey, noticeId: string, address: string): Sealed {
  return aeadEncrypt(subkeysOf(key).noticeKey, Buffer.from(address, 'utf8'), `candor/escrow/notice/${noticeId}`) as Sealed;
}

export function openNoticeAddress(key: EscrowKey, noticeId: string, sealed: Uint8Array): string {
  return aeadDecrypt(subkeysOf(key).noticeKey, Buffer.from(sealed), `candor/escrow/notice/${noticeId}`, 'notice address').toString('utf8');
}

// ---------------------------------------------------------------------------------------------
// Records: the platform's Ed25519 signing key (referral bundles), evidence hashes, backups.
//
// The signing key lives in a file outside the database (CANDOR_SIGNING_KEY_FILE), made on first
// start like the escrow key. Its public key travels inside every bundle; a recipient checks it
// against the fingerprint the installation publishes (`candor bundle key`), so a bundle re-signed
// with another key is caught even though it carries a public key of its own.

/** The platform's Ed25519 private key (PKCS#8 DER; only ever in memory and in its 0600 file). */
export type SigningKey = Brand<Buffer, 'SigningKey'>;
/** The raw 32-byte Ed25519 public key. */
export type SigningPublicKey = Brand<Buffer, 'SigningPublicKey'>;

const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const SIGNING_KEY_LABEL = 'candor-signing-key-v1';

export function generateSigningKey(): SigningKey {
  return generateKeyPairSync('ed25519').privateKey.export({ format: 'der', type: 'pkcs8' }) as SigningKey;
}

/** The key file's text: a label line and the PKCS#8 key in base64. */
export function encodeSigningKey(key: SigningKey): string {
  return `${SIGNING_KEY_LABEL}\n${key.toString('base64')}\n`;
}

export function decodeSigningKey(text: string): SigningKey {
  const [label, body] = text.trim().split(/\s+/);
  if (label !== SIGNING_KEY_LABEL || !body) throw new Error('not a Candor signing key');
  const der = Buffer.from(body, 'base64');
  const key = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  if (key.asymmetricKeyType !== 'ed25519') throw new Error('not an Ed25519 key');
  return der as SigningKey;
}

export function signingPublicKey(key: SigningKey): SigningPublicKey {
  const spki = createPublicKey(createPrivateKey({ key, format: 'der', type: 'pkcs8' })).export({ format: 'der', type: 'spki' });
  return spki.subarray(ED25519_SPKI_PREFIX.length) as SigningPublicKey;
}

/** A public key's fingerprint as people compare it: SHA-256, first 16 bytes in hex groups of four. */
export function signingKeyFingerprint(publicKey: Uint8Array): string {
  const hex = createHash('sha256').update('candor/signing-key/').update(publicKey).digest('hex').slice(0, 32);
  return hex.match(/.{4}/g)!.join(':');
}

/** Signs bytes with Ed25519 (RFC 8032); the signature is 64 bytes. */
export function signDetached(key: SigningKey, message: Uint8Array): Buffer {
  return sign(null, message, createPrivateKey({ key, format: 'der', type: 'pkcs8' }));
}

/** Checks an Ed25519 signature; a malformed key or signature is simply not valid. */
export function signatureValid(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (publicKey.length !== 32 || signature.length !== 64) return false;
  try {
    return verify(null, message, createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, publicKey]), format: 'der', type: 'spki' }), signature);
  } catch {
    return false;
  }
}

/** SHA-256 of bytes or UTF-8 text as lowercase hex: the evidence hash of a message or a file. */
export function evidenceSha256(content: string | Uint8Array): string {
  return createHash('sha256').update(content).digest('hex');
}

/** An X25519 key pair that backups are sealed to: the private key is kept off the server. */
export type BackupPublicKey = Brand<Buffer, 'BackupPublicKey'>;
export type BackupPrivateKey = Brand<Buffer, 'BackupPrivateKey'>;
const BACKUP_KEY_LABEL = 'candor-backup-private-key-v1';
const BACKUP_PUBLIC_LABEL = 'candor-backup-public-key-v1';

export function generateBackupKeyPair(): { publicKey: BackupPublicKey; privateKey: BackupPrivateKey } {
  const pair = generateUserKeyPair();
  return { publicKey: pair.publicKey as unknown as BackupPublicKey, privateKey: pair.privateKey as unknown as BackupPrivateKey };
}

export function encodeBackupPrivateKey(key: BackupPrivateKey, publicKey: BackupPublicKey): string {
  return `${BACKUP_KEY_LABEL}\n${key.toString('base64')}\n${publicKey.toString('base64')}\n`;
}

export function decodeBackupPrivateKey(text: string): { privateKey: BackupPrivateKey; publicKey: BackupPublicKey } {
  const [label, priv, pub] = text.trim().split(/\s+/);
  const privateKey = Buffer.from(priv ?? '', 'base64');
  const publicKey = Buffer.from(pub ?? '', 'base64');
  if (label !== BACKUP_KEY_LABEL || privateKey.length !== 32 || publicKey.length !== 32) throw new Error('not a Candor backup private key');
  if (!Buffer.from(x25519.getPublicKey(privateKey)).equals(publicKey)) throw new Error('the backup key file is damaged');
  return { privateKey: privateKey as BackupPrivateKey, publicKey: publicKey as BackupPublicKey };
}

export function encodeBackupPublicKey(key: BackupPublicKey): string {
  return `${BACKUP_PUBLIC_LABEL} ${key.toString('base64')}\n`;
}

/** Accepts the public key file's text or the bare base64 of the 32-byte key. */
export function decodeBackupPublicKey(text: string): BackupPublicKey {
  const parts = text.trim().split(/\s+/);
  const body = parts.length === 2 && parts[0] === BACKUP_PUBLIC_LABEL ? parts[1]! : parts.length === 1 ? parts[0]! : '';
  const raw = Buffer.from(body, 'base64');
  if (raw.length !== 32) throw new Error('not a Candor backup public key');
  return raw as BackupPublicKey;
}

export function backupKeyFingerprint(publicKey: BackupPublicKey): string {
  return createHash('sha256').update('candor/backup-key/').update(publicKey).digest('hex').slice(0, 32).match(/.{4}/g)!.join(':');
}

/** Wraps a backup's stream key to the backup public key (ephemeral-static X25519, as for cases). */
export function wrapBackupStreamKey(key: FileKey, recipient: BackupPublicKey, backupId: string): WrappedKey {
  return wrapToX25519(key, recipient, 'candor/wrap/backup-key/x25519', `candor/backup-key/${backupId}`);
}

export function unwrapBackupStreamKey(wrapped: Uint8Array, privateKey: BackupPrivateKey, backupId: string): FileKey {
  return unwrapFromX25519(wrapped, privateKey as unknown as UserPrivateKey, 'candor/wrap/backup-key/x25519', `candor/backup-key/${backupId}`, 'backup key') as FileKey;
}

const backupContext = (backupId: string) => Buffer.from(`candor/backup/${backupId}\0`, 'utf8');

/** Seals a backup as a stream of authenticated chunks (the attachment format, with the backup's own context). */
export function createBackupSealingStream(key: FileKey, backupId: string): Transform {
  return new SealingStream(key, backupContext(backupId));
}

/** Opens a sealed backup; any change, reordering or truncation fails with DecryptionFailed. */
export function createBackupOpeningStream(key: FileKey, backupId: string): Transform {
  return new OpeningStream(key, backupContext(backupId));
}
