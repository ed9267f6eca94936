/**
 * The installation-wide inputs of receipt hashing: the salt, and every set of Argon2id parameters
 * receipts were ever hashed with. Raising the parameters later must not lock anyone out, so a
 * receipt is looked up under each set in use, newest first.
 */
import type { Argon2Params } from '../kernel/config.js';
import type { AppContext } from '../kernel/context.js';
import { deriveReceiptSecrets, type ReceiptSecrets } from '../kernel/crypto.js';
import type { Db } from '../kernel/database.js';

const receiptSalts = new WeakMap<Db, Promise<Buffer>>();
const registered = new WeakMap<Db, string>();

/** The installation's receipt salt; it never changes once written, so each database's is read once. */
export function loadReceiptSalt(db: Db): Promise<Buffer> {
  let salt = receiptSalts.get(db);
  if (!salt) {
    salt = db
      .selectFrom('settings')
      .select('value')
      .where('key', '=', 'receipt_salt')
      .executeTakeFirstOrThrow()
      .then((row) => Buffer.from(row.value, 'base64'));
    salt.catch(() => receiptSalts.delete(db));
    receiptSalts.set(db, salt);
  }
  return salt;
}

const sameParams = (a: Argon2Params, b: Argon2Params) => a.memoryKib === b.memoryKib && a.passes === b.passes && a.parallelism === b.parallelism;

async function readParamHistory(db: Db): Promise<Argon2Params[]> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', 'receipt_kdf_history').executeTakeFirst();
  return row ? (JSON.parse(row.value) as Argon2Params[]) : [];
}

/** Records the configured parameters as the newest receipt hashing parameters (once per process). */
async function registerCurrentParams(ctx: AppContext): Promise<void> {
  const current = ctx.config.argon2;
  const key = JSON.stringify(current);
  if (registered.get(ctx.db) === key) return;
  await ctx.db.transaction().execute(async (tx) => {
    const row = await tx.selectFrom('settings').select('value').where('key', '=', 'receipt_kdf_history').executeTakeFirst();
    const history = row ? (JSON.parse(row.value) as Argon2Params[]) : [];
    const last = history[history.length - 1];
    if (last && sameParams(last, current)) return;
    const next = JSON.stringify([...history.filter((params) => !sameParams(params, current)), current]);
    if (row) await tx.updateTable('settings').set({ value: next }).where('key', '=', 'receipt_kdf_history').execute();
    else await tx.insertInto('settings').values({ key: 'receipt_kdf_history', value: next }).onConflict((oc) => oc.column('key').doUpdateSet({ value: next })).execute();
  });
  registered.set(ctx.db, key);
}

/** Secrets for a new receipt, under the configured parameters. */
export async function secretsForNewReceipt(ctx: AppContext, receipt: string): Promise<ReceiptSecrets> {
  await registerCurrentParams(ctx);
  return deriveReceiptSecrets(receipt, await loadReceiptSalt(ctx.db), ctx.config.argon2);
}

/**
 * Every candidate lookup for a receipt someone typed: one per parameter set in use, newest first.
 * Yields lazily so that the usual case costs one Argon2id run.
 */
export async function* candidateReceiptSecrets(ctx: AppContext, receipt: string): AsyncGenerator<ReceiptSecrets> {
  const salt = await loadReceiptSalt(ctx.db);
  const history = await readParamHistory(ctx.db);
  const sets = history.length > 0 ? [...history].reverse() : [ctx.config.argon2];
  for (const params of sets) yield deriveReceiptSecrets(receipt, salt, params);
}
