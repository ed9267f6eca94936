/**
 * The escrow key lives in a file outside the database (CANDOR_ESCROW_KEY_FILE), so that a copy of
 * the database alone can neither compute match tags for a list of names nor pool the stored
 * shares. Every node of one installation reads the same file.
 *
 * The database keeps a fingerprint of the key. A node that finds a fingerprint but no key file
 * refuses to make a new key: entries lodged under the old one could then never match or open
 * again. It also refuses a key file whose fingerprint differs. Escrow then answers 503 while the
 * rest of Candor keeps taking reports.
 *
 * The match threshold is fixed once entries exist: shares of different thresholds lie on different
 * polynomials and never combine, so a changed CANDOR_ESCROW_THRESHOLD takes effect only while no
 * entry is held.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { AppContext } from '../kernel/context.js';
import { decodeEscrowKey, encodeEscrowKey, escrowKeyFingerprint, generateEscrowKey, type EscrowKey } from '../kernel/crypto.js';
import type { Db } from '../kernel/database.js';
import { DomainError } from '../kernel/errors.js';
import { countHeldTags, readSetting, writeSettingOnce, updateSetting } from './escrow.repository.js';

export class EscrowUnavailable extends DomainError {
  constructor() {
    super('escrow_unavailable', 'Holding entries is not available right now. Please try again later.', 503);
  }
}

export interface EscrowRuntime {
  key: EscrowKey;
  /** The threshold every new share is made for. */
  threshold: number;
}

const runtimes = new WeakMap<Db, Promise<EscrowRuntime>>();

class EscrowKeyProblem extends Error {}

function readKeyFile(file: string): EscrowKey | null {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new EscrowKeyProblem(`the escrow key file ${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  try {
    return decodeEscrowKey(text);
  } catch {
    throw new EscrowKeyProblem(`the escrow key file ${file} does not hold an escrow key`);
  }
}

/** Writes a new key file, readable by Candor's user only; if another process won the race, reads theirs. */
function createKeyFile(file: string): EscrowKey {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const key = generateEscrowKey();
  try {
    fs.writeFileSync(file, encodeEscrowKey(key), { mode: 0o600, flag: 'wx' });
    return key;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const theirs = readKeyFile(file);
    if (!theirs) throw new EscrowKeyProblem(`the escrow key file ${file} vanished while it was being created`);
    return theirs;
  }
}

async function loadKey(ctx: AppContext): Promise<EscrowKey> {
  const file = ctx.config.escrow.keyFile;
  const recorded = await readSetting(ctx.db, 'escrow_key_fingerprint');
  let key = readKeyFile(file);
  if (!key) {
    if (recorded) {
      throw new EscrowKeyProblem(
        `the escrow key file ${file} is missing, but this database was used with an escrow key: copy the file from another node or a backup (a new key would leave every held entry unmatched)`,
      );
    }
    key = createKeyFile(file);
    ctx.logger.info({ op: 'escrow.key', file }, 'created a new escrow key file: back it up apart from the database');
  }
  const mode = fs.statSync(file).mode;
  if ((mode & 0o077) !== 0) ctx.logger.warn({ op: 'escrow.key', file }, 'the escrow key file is readable by other users: chmod 600 it');
  const fingerprint = escrowKeyFingerprint(key);
  const stored = recorded ?? (await writeSettingOnce(ctx.db, 'escrow_key_fingerprint', fingerprint));
  if (stored !== fingerprint) throw new EscrowKeyProblem(`the escrow key file ${file} is not the key this database was used with`);
  return key;
}

async function settleThreshold(ctx: AppContext): Promise<number> {
  const wanted = ctx.config.escrow.threshold;
  const stored = await readSetting(ctx.db, 'escrow_threshold');
  if (stored === null) return Number(await writeSettingOnce(ctx.db, 'escrow_threshold', String(wanted)));
  if (Number(stored) === wanted) return wanted;
  if ((await countHeldTags(ctx.db)) === 0) {
    await updateSetting(ctx.db, 'escrow_threshold', String(wanted));
    return wanted;
  }
  ctx.logger.warn(
    { op: 'escrow.threshold', configured: wanted, inForce: Number(stored) },
    'CANDOR_ESCROW_THRESHOLD differs from the threshold held entries were made for; the held one stays in force until no entry is held',
  );
  return Number(stored);
}

async function load(ctx: AppContext): Promise<EscrowRuntime> {
  const key = await loadKey(ctx);
  return { key, threshold: await settleThreshold(ctx) };
}

/** Loads (or on first start creates) the escrow key. A problem is logged once; escrow then answers 503. */
export async function prepareEscrow(ctx: AppContext): Promise<void> {
  await escrowRuntime(ctx).catch(() => undefined);
}

/** The escrow key and threshold for this database, or EscrowUnavailable. */
export function escrowRuntime(ctx: AppContext): Promise<EscrowRuntime> {
  let runtime = runtimes.get(ctx.db);
  if (!runtime) {
    runtime = load(ctx).catch((error: unknown) => {
      // A key problem stays until the operator fixes it and restarts; anything else is tried again next time.
      if (!(error instanceof EscrowKeyProblem)) runtimes.delete(ctx.db);
      const reason = error instanceof EscrowKeyProblem ? error.message : 'unexpected error';
      ctx.logger.error({ op: 'escrow.prepare', reason, errType: (error as Error).name }, 'escrow is unavailable');
      throw new EscrowUnavailable();
    });
    runtimes.set(ctx.db, runtime);
  }
  return runtime;
}
