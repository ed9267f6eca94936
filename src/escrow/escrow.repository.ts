/** The only code that touches the escrow tables. Portable SQL for SQLite and PostgreSQL. */
import type { Queryable } from '../kernel/database.js';
import type { EscrowAccessTable, EscrowEntriesTable, EscrowNoticesTable, EscrowSessionsTable, EscrowTagsTable } from '../kernel/db-schema.js';

// Settings ------------------------------------------------------------------------------------

export async function readSetting(db: Queryable, key: string): Promise<string | null> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
  return row?.value ?? null;
}

/** Writes a setting unless one exists, and returns whichever value is stored (another node may have won). */
export async function writeSettingOnce(db: Queryable, key: string, value: string): Promise<string> {
  await db.insertInto('settings').values({ key, value }).onConflict((oc) => oc.column('key').doNothing()).execute();
  return (await readSetting(db, key)) ?? value;
}

export async function updateSetting(db: Queryable, key: string, value: string): Promise<void> {
  await db.updateTable('settings').set({ value }).where('key', '=', key).execute();
}

export async function countHeldTags(db: Queryable): Promise<number> {
  const row = await db.selectFrom('escrow_tags').select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow();
  return Number(row.count);
}

// Entries -------------------------------------------------------------------------------------

export async function insertEntry(db: Queryable, entry: EscrowEntriesTable): Promise<void> {
  await db.insertInto('escrow_entries').values(entry).execute();
}

export function findEntryByReceiptLookup(db: Queryable, lookup: Buffer) {
  return db.selectFrom('escrow_entries').select(['id', 'reporter_wrapped_key']).where('receipt_lookup', '=', lookup).executeTakeFirst();
}

export function findEntry(db: Queryable, id: string) {
  return db.selectFrom('escrow_entries').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function updateEntryContent(db: Queryable, id: string, contentSealed: Buffer): Promise<void> {
  await db.updateTable('escrow_entries').set({ content_sealed: contentSealed }).where('id', '=', id).execute();
}

export async function setEntryConsent(db: Queryable, id: string, consent: boolean): Promise<void> {
  await db.updateTable('escrow_entries').set({ consent_to_case: consent ? 1 : 0 }).where('id', '=', id).execute();
}

/** Links a report to an entry that has none yet; false if it already has one. */
export async function linkEntryToCase(db: Queryable, id: string, caseId: string): Promise<boolean> {
  const result = await db.updateTable('escrow_entries').set({ case_id: caseId }).where('id', '=', id).where('case_id', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function storeCaseReceipt(db: Queryable, id: string, sealed: Buffer): Promise<void> {
  await db.updateTable('escrow_entries').set({ case_receipt_sealed: sealed }).where('id', '=', id).execute();
}

export async function markEntriesNotified(db: Queryable, ids: string[], at: string): Promise<void> {
  if (ids.length === 0) return;
  await db.updateTable('escrow_entries').set({ notified_at: at }).where('id', 'in', ids).execute();
}

export function findCaseRef(db: Queryable, caseId: string) {
  return db.selectFrom('cases').select('ref').where('id', '=', caseId).executeTakeFirst();
}

/**
 * Crypto-shredding: every row that holds the entry's content or a wrapped copy of its key goes.
 * A pool that never matched and has no entry left goes too (it holds nothing but a tag).
 */
export async function deleteEntry(db: Queryable, id: string): Promise<void> {
  const tags = await db.selectFrom('escrow_tags').select('tag').where('entry_id', '=', id).execute();
  await db.deleteFrom('escrow_sessions').where('entry_id', '=', id).execute();
  await db.deleteFrom('escrow_notices').where('entry_id', '=', id).execute();
  await db.deleteFrom('escrow_access').where('entry_id', '=', id).execute();
  await db.deleteFrom('escrow_tags').where('entry_id', '=', id).execute();
  await db.deleteFrom('escrow_entries').where('id', '=', id).execute();
  for (const { tag } of tags) {
    await db
      .deleteFrom('escrow_pools')
      .where('tag', '=', tag)
      .where('matched_at', 'is', null)
      .where((eb) => eb.not(eb.exists(eb.selectFrom('escrow_tags').select('entry_id').where('escrow_tags.tag', '=', tag))))
      .execute();
  }
}

// Tags and pools ------------------------------------------------------------------------------

export async function insertTags(db: Queryable, rows: EscrowTagsTable[]): Promise<void> {
  if (rows.length > 0) await db.insertInto('escrow_tags').values(rows).execute();
}

export async function listEntryTags(db: Queryable, entryId: string): Promise<Buffer[]> {
  const rows = await db.selectFrom('escrow_tags').select('tag').where('entry_id', '=', entryId).execute();
  return rows.map((row) => row.tag);
}

/**
 * Creates the tag's pool row, or locks the existing one until the transaction ends, so that two
 * lodgings of the same tag are settled one after the other and neither misses the other.
 */
export function lockPool(db: Queryable, pool: { id: string; tag: Buffer; created_at: string }) {
  return db
    .insertInto('escrow_pools')
    .values({ ...pool, matched_at: null })
    .onConflict((oc) => oc.column('tag').doUpdateSet((eb) => ({ tag: eb.ref('excluded.tag') })))
    .returning(['id', 'matched_at'])
    .executeTakeFirstOrThrow();
}

/** The shares and wrapped entry keys filed under a tag: an index look-up on (tag, threshold). */
export function listTagShares(db: Queryable, tag: Buffer, threshold: number) {
  return db
    .selectFrom('escrow_tags')
    .select(['entry_id', 'share_sealed', 'key_wrapped'])
    .where('tag', '=', tag)
    .where('threshold', '=', threshold)
    .orderBy('created_at')
    .orderBy('entry_id')
    .execute();
}

export async function markPoolMatched(db: Queryable, poolId: string, at: string): Promise<void> {
  await db.updateTable('escrow_pools').set({ matched_at: at }).where('id', '=', poolId).where('matched_at', 'is', null).execute();
}

/** Whether any tag of this entry is in a pool that has matched. */
export async function isEntryMatched(db: Queryable, entryId: string): Promise<boolean> {
  const row = await db
    .selectFrom('escrow_tags')
    .innerJoin('escrow_pools', 'escrow_pools.tag', 'escrow_tags.tag')
    .select('escrow_pools.id')
    .where('escrow_tags.entry_id', '=', entryId)
    .where('escrow_pools.matched_at', 'is not', null)
    .executeTakeFirst();
  return row !== undefined;
}

// Matches, for counselors ---------------------------------------------------------------------

export function listMatchedPools(db: Queryable, limit: number) {
  return db
    .selectFrom('escrow_pools')
    .innerJoin('escrow_tags', 'escrow_tags.tag', 'escrow_pools.tag')
    .innerJoin('escrow_entries', 'escrow_entries.id', 'escrow_tags.entry_id')
    .select((eb) => [
      'escrow_pools.id',
      'escrow_pools.matched_at',
      eb.fn.count<number>('escrow_entries.id').as('entries'),
      eb.fn.sum<number>('escrow_entries.consent_to_case').as('consenting'),
      eb.fn.count<number>('escrow_entries.case_id').as('reported'),
    ])
    .where('escrow_pools.matched_at', 'is not', null)
    .groupBy(['escrow_pools.id', 'escrow_pools.matched_at'])
    .orderBy('escrow_pools.matched_at', 'desc')
    .limit(limit)
    .execute();
}

export function findMatchedPool(db: Queryable, id: string) {
  return db.selectFrom('escrow_pools').selectAll().where('id', '=', id).where('matched_at', 'is not', null).executeTakeFirst();
}

/** The entries filed under a tag, with this counselor's wrapped key for each if they hold one. */
export function listPoolEntries(db: Queryable, tag: Buffer, userId: string) {
  return db
    .selectFrom('escrow_tags')
    .innerJoin('escrow_entries', 'escrow_entries.id', 'escrow_tags.entry_id')
    .leftJoin('escrow_access', (join) => join.onRef('escrow_access.entry_id', '=', 'escrow_entries.id').on('escrow_access.user_id', '=', userId))
    .select([
      'escrow_entries.id',
      'escrow_entries.content_sealed',
      'escrow_entries.consent_to_case',
      'escrow_entries.case_id',
      'escrow_entries.created_at',
      'escrow_tags.threshold',
      'escrow_access.wrapped_key',
    ])
    .where('escrow_tags.tag', '=', tag)
    .orderBy('escrow_entries.created_at')
    .orderBy('escrow_entries.id')
    .execute();
}

export async function insertAccess(db: Queryable, rows: EscrowAccessTable[]): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insertInto('escrow_access')
    .values(rows)
    .onConflict((oc) => oc.columns(['entry_id', 'user_id']).doNothing())
    .execute();
}

export async function insertNotices(db: Queryable, rows: EscrowNoticesTable[]): Promise<void> {
  if (rows.length > 0) await db.insertInto('escrow_notices').values(rows).execute();
}

// Sessions ------------------------------------------------------------------------------------

export async function insertEscrowSession(db: Queryable, session: EscrowSessionsTable): Promise<void> {
  await db.insertInto('escrow_sessions').values(session).execute();
}

export function findEscrowSession(db: Queryable, id: string) {
  return db.selectFrom('escrow_sessions').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function deleteEscrowSession(db: Queryable, id: string): Promise<void> {
  await db.deleteFrom('escrow_sessions').where('id', '=', id).execute();
}

export async function deleteExpiredEscrowSessions(db: Queryable, now: string): Promise<void> {
  await db.deleteFrom('escrow_sessions').where('expires_at', '<=', now).execute();
}
