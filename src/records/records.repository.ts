import type { Insertable } from 'kysely';
import type { Queryable } from '../kernel/database.js';
import type { CaseExportsTable, LegalHoldsTable } from '../kernel/db-schema.js';

export function findRetentionPolicy(db: Queryable, channelId: string) {
  return db.selectFrom('retention_policies').selectAll().where('channel_id', '=', channelId).executeTakeFirst();
}

export async function saveRetentionPolicy(db: Queryable, row: { channel_id: string; retain_months: number; allow_withdrawal: number | null; updated_at: string; updated_by: string | null }) {
  await db
    .insertInto('retention_policies')
    .values(row)
    .onConflict((oc) => oc.column('channel_id').doUpdateSet({ retain_months: row.retain_months, allow_withdrawal: row.allow_withdrawal, updated_at: row.updated_at, updated_by: row.updated_by }))
    .execute();
}

/** Every channel with its retention policy, if it has one. */
export function listChannelRetention(db: Queryable) {
  return db
    .selectFrom('channels')
    .leftJoin('retention_policies', 'retention_policies.channel_id', 'channels.id')
    .select(['channels.id', 'channels.slug', 'channels.name', 'retention_policies.retain_months', 'retention_policies.allow_withdrawal', 'retention_policies.updated_at'])
    .orderBy('channels.slug')
    .execute();
}

export async function countActiveHolds(db: Queryable, caseId: string): Promise<number> {
  const row = await db.selectFrom('legal_holds').select((eb) => eb.fn.countAll<number>().as('n')).where('case_id', '=', caseId).where('lifted_at', 'is', null).executeTakeFirst();
  return Number(row?.n ?? 0);
}

export async function insertHold(db: Queryable, row: Insertable<LegalHoldsTable>): Promise<void> {
  await db.insertInto('legal_holds').values(row).execute();
}

export function findHold(db: Queryable, caseId: string, holdId: string) {
  return db.selectFrom('legal_holds').selectAll().where('id', '=', holdId).where('case_id', '=', caseId).executeTakeFirst();
}

export async function markHoldLifted(db: Queryable, holdId: string, by: string, at: string, reason: string): Promise<boolean> {
  const result = await db.updateTable('legal_holds').set({ lifted_by: by, lifted_at: at, lift_reason: reason }).where('id', '=', holdId).where('lifted_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export function listHoldsForCase(db: Queryable, caseId: string) {
  return db.selectFrom('legal_holds').selectAll().where('case_id', '=', caseId).orderBy('set_at').execute();
}

export function listActiveHolds(db: Queryable) {
  return db
    .selectFrom('legal_holds')
    .innerJoin('cases', 'cases.id', 'legal_holds.case_id')
    .select(['legal_holds.id', 'legal_holds.case_id', 'cases.ref', 'cases.status', 'legal_holds.reason', 'legal_holds.set_by', 'legal_holds.set_at'])
    .where('legal_holds.lifted_at', 'is', null)
    .orderBy('legal_holds.set_at')
    .execute();
}

/** A case by its id or its reference (admins, who cannot open cases, know them by reference). */
export function findCaseMetadata(db: Queryable, idOrRef: string) {
  const column = /^CN-/i.test(idOrRef) ? 'ref' : 'id';
  return db
    .selectFrom('cases')
    .select(['id', 'ref', 'channel_id', 'status', 'closed_at', 'withdrawn_at', 'category', 'received_at'])
    .where(column, '=', column === 'ref' ? idOrRef.toUpperCase() : idOrRef)
    .executeTakeFirst();
}

/**
 * Cases of one channel that may be due for shredding: withdrawn ones, and ones closed before the
 * cutoff, without an active hold. The caller applies the exact rule (retention.rules.ts).
 */
export function listShredCandidates(db: Queryable, channelId: string, closedBefore: string, limit: number) {
  return db
    .selectFrom('cases')
    .select(['id', 'status', 'closed_at', 'withdrawn_at'])
    .where('channel_id', '=', channelId)
    .where((eb) => eb.or([eb('withdrawn_at', 'is not', null), eb.and([eb('status', '=', 'closed'), eb('closed_at', '<=', closedBefore)])]))
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom('legal_holds').select('legal_holds.id').whereRef('legal_holds.case_id', '=', 'cases.id').where('legal_holds.lifted_at', 'is', null))),
    )
    .orderBy('closed_at')
    .limit(limit)
    .execute();
}

export function listAttachmentFiles(db: Queryable, caseId: string) {
  return db.selectFrom('case_attachments').select('storage_name').where('case_id', '=', caseId).execute();
}

export async function insertDisposal(db: Queryable, row: { case_id: string; ref: string; channel_id: string; reason: 'retention' | 'withdrawal'; disposed_at: string }) {
  await db.insertInto('case_disposals').values(row).execute();
}

export function findDisposal(db: Queryable, caseId: string) {
  return db.selectFrom('case_disposals').selectAll().where('case_id', '=', caseId).executeTakeFirst();
}

export async function insertExport(db: Queryable, row: Insertable<CaseExportsTable>): Promise<void> {
  await db.insertInto('case_exports').values(row).execute();
}

export function findExport(db: Queryable, exportId: string) {
  return db.selectFrom('case_exports').selectAll().where('id', '=', exportId).executeTakeFirst();
}

export function listExportsForCase(db: Queryable, caseId: string) {
  return db.selectFrom('case_exports').selectAll().where('case_id', '=', caseId).orderBy('requested_at', 'desc').execute();
}

export async function decideExport(db: Queryable, exportId: string, state: 'approved' | 'refused', by: string, at: string): Promise<boolean> {
  const result = await db.updateTable('case_exports').set({ state, decided_by: by, decided_at: at }).where('id', '=', exportId).where('state', '=', 'pending').executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function markExportDownloaded(db: Queryable, exportId: string, at: string, manifestSha256: string): Promise<void> {
  await db.updateTable('case_exports').set({ state: 'downloaded', downloaded_at: at, manifest_sha256: manifestSha256 }).where('id', '=', exportId).execute();
}

/** Whether this person holds an active key for the case (the one access check for records work). */
export async function holdsActiveGrant(db: Queryable, caseId: string, userId: string): Promise<boolean> {
  const row = await db.selectFrom('case_access').select('user_id').where('case_id', '=', caseId).where('user_id', '=', userId).where('active', '=', 1).executeTakeFirst();
  return row !== undefined;
}

export function listStoredAttachmentNames(db: Queryable) {
  return db.selectFrom('case_attachments').select('storage_name').execute();
}
