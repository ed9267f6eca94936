/**
 * Filing identifiers under their tags, and what happens when a tag's pool reaches the threshold:
 * the pool's shares give the tag's secret, which unwraps every entry key filed under it; those
 * keys are wrapped to each active counselor, the pool is marked as a match, the reporters who left
 * an address get a content-free notice, and all of it is audited, in the caller's transaction.
 *
 * The match opens from the stored shares, never from the identifier the newest reporter typed, so
 * the same code serves a client that blinds its identifiers and never shows them to the server.
 */
import { randomUUID } from 'node:crypto';
import { recordAudit, type AuditActor } from '../audit/audit.service.js';
import { listActiveUsersByRole } from '../identity/user.repository.js';
import type { AppContext } from '../kernel/context.js';
import {
  escrowShareFor,
  escrowTag,
  identifierSecret,
  openEscrowShare,
  recoverTagKey,
  sealEscrowShare,
  unwrapEntryKeyForTag,
  wrapEntryKeyForTag,
  wrapEntryKeyForUser,
  type EntryKey,
  type EscrowTag,
  type UserPublicKey,
} from '../kernel/crypto.js';
import type { Tx } from '../kernel/database.js';
import type { EscrowTagsTable } from '../kernel/db-schema.js';
import { openEntry } from './escrow.content.js';
import type { EscrowRuntime } from './escrow.key.js';
import { queueMatchNotice } from './escrow.notices.js';
import { findEntry, insertAccess, listTagShares, lockPool, markEntriesNotified, markPoolMatched } from './escrow.repository.js';
import type { NormalizedIdentifier } from './identifier.rules.js';

/** Escrow reporters have no identity in Candor; their actions are recorded against the entry. */
export const ESCROW_REPORTER: AuditActor = { type: 'system', id: 'escrow' };

/**
 * One tag row per distinct identifier: the tag, a fresh share sealed under the escrow key, and the
 * entry key wrapped under the tag's secret. Sorted by tag, so that concurrent lodgings lock pools
 * in the same order and never deadlock.
 */
export function fileIdentifiers(runtime: EscrowRuntime, entryId: string, entryKey: EntryKey, identifiers: readonly NormalizedIdentifier[], at: string): EscrowTagsTable[] {
  const rows = new Map<string, EscrowTagsTable>();
  for (const identifier of identifiers) {
    const secret = identifierSecret(runtime.key, identifier);
    const tag = escrowTag(secret);
    if (rows.has(tag.toString('hex'))) continue;
    rows.set(tag.toString('hex'), {
      entry_id: entryId,
      tag,
      threshold: runtime.threshold,
      share_sealed: sealEscrowShare(runtime.key, escrowShareFor(secret, runtime.threshold), entryId, tag),
      key_wrapped: wrapEntryKeyForTag(entryKey, secret, runtime.threshold, entryId, tag),
      created_at: at,
    });
  }
  return [...rows.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, row]) => row);
}

/** Every entry key filed under a tag, from `threshold` of its shares; null below the threshold. */
export async function entryKeysForTag(tx: Tx, runtime: EscrowRuntime, tag: Buffer): Promise<Map<string, EntryKey> | null> {
  const rows = await listTagShares(tx, tag, runtime.threshold);
  if (rows.length < runtime.threshold) return null;
  const shares = rows.slice(0, runtime.threshold).map((row) => openEscrowShare(runtime.key, row.share_sealed, row.entry_id, tag as EscrowTag));
  const tagKey = recoverTagKey(shares, runtime.threshold);
  return new Map(rows.map((row) => [row.entry_id, unwrapEntryKeyForTag(row.key_wrapped, tagKey, row.entry_id, tag as EscrowTag)]));
}

/** Wraps entry keys to counselors who do not hold them yet. */
export async function grantEntryKeys(tx: Tx, keys: Map<string, EntryKey>, counselors: readonly { id: string; public_key: Buffer }[], at: string, except: ReadonlySet<string> = new Set()): Promise<number> {
  const rows = [...keys].flatMap(([entryId, entryKey]) =>
    counselors
      .filter((counselor) => !except.has(`${entryId}/${counselor.id}`))
      .map((counselor) => ({ entry_id: entryId, user_id: counselor.id, wrapped_key: wrapEntryKeyForUser(entryKey, counselor.public_key as UserPublicKey, entryId), created_at: at })),
  );
  await insertAccess(tx, rows);
  return rows.length;
}

async function heldAccess(tx: Tx, entryIds: string[]): Promise<Set<string>> {
  if (entryIds.length === 0) return new Set();
  const rows = await tx.selectFrom('escrow_access').select(['entry_id', 'user_id']).where('entry_id', 'in', entryIds).execute();
  return new Set(rows.map((row) => `${row.entry_id}/${row.user_id}`));
}

/** Content-free notices for matched entries that left an address and were not told yet. */
async function recordNotices(ctx: AppContext, tx: Tx, runtime: EscrowRuntime, keys: Map<string, EntryKey>, now: Date): Promise<number> {
  let queued = 0;
  const told: string[] = [];
  for (const [entryId, entryKey] of keys) {
    const entry = await findEntry(tx, entryId);
    if (!entry || entry.notified_at !== null) continue;
    told.push(entryId);
    const { contactEmail } = openEntry(entryKey, entryId, entry.content_sealed);
    if (!contactEmail) continue;
    await queueMatchNotice(tx, ctx, runtime, entryId, contactEmail, now);
    queued += 1;
  }
  await markEntriesNotified(tx, told, now.toISOString());
  return queued;
}

/**
 * Settles one tag after entries were filed under it: locks its pool, and if the pool holds at
 * least `threshold` entries (one per receipt, by the table's key), opens and hands them over.
 */
export async function settleTag(ctx: AppContext, tx: Tx, runtime: EscrowRuntime, tag: Buffer, now: Date): Promise<boolean> {
  const at = now.toISOString();
  const pool = await lockPool(tx, { id: randomUUID(), tag, created_at: at });
  const keys = await entryKeysForTag(tx, runtime, tag);
  if (!keys) return false;
  const counselors = await listActiveUsersByRole(tx, 'counselor');
  const granted = await grantEntryKeys(tx, keys, counselors, at, await heldAccess(tx, [...keys.keys()]));
  if (pool.matched_at === null) await markPoolMatched(tx, pool.id, at);
  const notices = await recordNotices(ctx, tx, runtime, keys, now);
  await recordAudit(tx, ctx.dialect, now, {
    actor: ESCROW_REPORTER,
    action: pool.matched_at === null ? 'escrow.match' : 'escrow.match.join',
    targetId: pool.id,
    details: { entries: keys.size, threshold: runtime.threshold, counselors: counselors.length, keysWrapped: granted, notices },
  });
  ctx.logger.info({ op: pool.matched_at === null ? 'escrow.match' : 'escrow.match.join', matchId: pool.id, entries: keys.size }, 'escrow entries matched');
  return true;
}
