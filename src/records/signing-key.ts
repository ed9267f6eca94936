/**
 * The platform's Ed25519 signing key, which signs the manifest of every referral bundle. It lives
 * in a file outside the database (CANDOR_SIGNING_KEY_FILE, mode 0600), made on first start; every
 * node of one installation reads the same file. The database keeps its fingerprint, so a node with
 * a different key file refuses to sign rather than hand out bundles no one can check against the
 * published fingerprint (`candor bundle key`).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { AppContext } from '../kernel/context.js';
import {
  decodeSigningKey,
  encodeSigningKey,
  generateSigningKey,
  signingKeyFingerprint,
  signingPublicKey,
  type SigningKey,
  type SigningPublicKey,
} from '../kernel/crypto.js';
import type { Db } from '../kernel/database.js';
import { DomainError } from '../kernel/errors.js';

export class SigningUnavailable extends DomainError {
  constructor() {
    super('signing_unavailable', 'Bundles cannot be signed right now: the signing key is missing or not the one this installation uses. An administrator must restore it.', 503);
  }
}

export interface PlatformSigningKey {
  key: SigningKey;
  publicKey: SigningPublicKey;
  fingerprint: string;
}

const FINGERPRINT_SETTING = 'signing_key_fingerprint';
const loaded = new WeakMap<Db, Promise<PlatformSigningKey>>();

function readKeyFile(file: string): SigningKey | null {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  return decodeSigningKey(text);
}

function createKeyFile(file: string): SigningKey {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  try {
    fs.writeFileSync(file, encodeSigningKey(generateSigningKey()), { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return readKeyFile(file)!;
}

async function load(ctx: AppContext): Promise<PlatformSigningKey> {
  const file = ctx.config.records.signingKeyFile;
  const recorded = await ctx.db.selectFrom('settings').select('value').where('key', '=', FINGERPRINT_SETTING).executeTakeFirst();
  let key = readKeyFile(file);
  if (!key) {
    if (recorded) throw new Error(`the signing key file ${file} is missing, but this installation signed bundles with a key: restore the file from a backup`);
    key = createKeyFile(file);
    ctx.logger.info({ op: 'signing.key', file }, 'created the platform signing key: back it up apart from the database and publish its fingerprint (candor bundle key)');
  }
  const publicKey = signingPublicKey(key);
  const fingerprint = signingKeyFingerprint(publicKey);
  if (!recorded) {
    await ctx.db.insertInto('settings').values({ key: FINGERPRINT_SETTING, value: fingerprint }).onConflict((oc) => oc.column('key').doNothing()).execute();
    const stored = await ctx.db.selectFrom('settings').select('value').where('key', '=', FINGERPRINT_SETTING).executeTakeFirstOrThrow();
    if (stored.value !== fingerprint) throw new Error(`the signing key file ${file} is not the key this installation uses`);
  } else if (recorded.value !== fingerprint) {
    throw new Error(`the signing key file ${file} is not the key this installation uses (fingerprint ${recorded.value})`);
  }
  return { key, publicKey, fingerprint };
}

/** The installation's signing key (made on first use); SigningUnavailable if the file and the database disagree. */
export function platformSigningKey(ctx: AppContext): Promise<PlatformSigningKey> {
  let promise = loaded.get(ctx.db);
  if (!promise) {
    promise = load(ctx).catch((error: unknown) => {
      loaded.delete(ctx.db);
      ctx.logger.error({ op: 'signing.key', reason: (error as Error).message }, 'the signing key is unavailable');
      throw new SigningUnavailable();
    });
    loaded.set(ctx.db, promise);
  }
  return promise;
}

/** Loads (or on first start creates) the signing key, so that its fingerprint can be published from day one. */
export async function prepareSigningKey(ctx: AppContext): Promise<void> {
  await platformSigningKey(ctx).catch(() => undefined);
}
