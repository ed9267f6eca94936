/** The e-mail outbox: one row per notice, with no address in it (looked up when sending). */
import type { Selectable } from 'kysely';
import type { Queryable } from '../kernel/database.js';
import type { MailOutboxTable } from '../kernel/db-schema.js';

export type OutboxRow = Selectable<MailOutboxTable>;

/** Inserts a notice unless one with its dedupe key exists; answers whether it was inserted. */
export async function insertOutboxMail(db: Queryable, row: MailOutboxTable): Promise<boolean> {
  const result = await db
    .insertInto('mail_outbox')
    .values(row)
    .onConflict((oc) => oc.column('dedupe_key').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
}

export function findOutboxMail(db: Queryable, id: string): Promise<OutboxRow | undefined> {
  return db.selectFrom('mail_outbox').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function markOutboxSent(db: Queryable, id: string, at: string): Promise<void> {
  await db
    .updateTable('mail_outbox')
    .set((eb) => ({ state: 'sent', sent_at: at, attempts: eb('attempts', '+', 1), last_error: null }))
    .where('id', '=', id)
    .where('state', '=', 'pending')
    .execute();
}

export async function markOutboxAttemptFailed(db: Queryable, id: string, error: string): Promise<void> {
  await db
    .updateTable('mail_outbox')
    .set((eb) => ({ attempts: eb('attempts', '+', 1), last_error: error }))
    .where('id', '=', id)
    .execute();
}

export async function markOutboxFailed(db: Queryable, id: string, error: string): Promise<void> {
  await db.updateTable('mail_outbox').set({ state: 'failed', last_error: error }).where('id', '=', id).where('state', '=', 'pending').execute();
}

export async function listPendingOutboxIds(db: Queryable, limit: number): Promise<string[]> {
  const rows = await db.selectFrom('mail_outbox').select('id').where('state', '=', 'pending').orderBy('created_at').limit(limit).execute();
  return rows.map((row) => row.id);
}

export async function countPendingOutbox(db: Queryable): Promise<number> {
  const row = await db.selectFrom('mail_outbox').select((eb) => eb.fn.countAll<number>().as('count')).where('state', '=', 'pending').executeTakeFirst();
  return Number(row?.count ?? 0);
}

export function findStaffAddress(db: Queryable, userId: string) {
  return db.selectFrom('users').select(['email', 'disabled_at']).where('id', '=', userId).executeTakeFirst();
}

// --- reporters' notification addresses -----------------------------------------------------------

export async function saveNotifyAddress(db: Queryable, caseId: string, sealed: Buffer, at: string): Promise<void> {
  await db
    .insertInto('reporter_notify_addresses')
    .values({ case_id: caseId, address_sealed: sealed, created_at: at })
    .onConflict((oc) => oc.column('case_id').doUpdateSet({ address_sealed: sealed, created_at: at }))
    .execute();
}

export async function deleteNotifyAddress(db: Queryable, caseId: string): Promise<boolean> {
  const result = await db.deleteFrom('reporter_notify_addresses').where('case_id', '=', caseId).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export function findNotifyAddress(db: Queryable, caseId: string) {
  return db.selectFrom('reporter_notify_addresses').select(['address_sealed', 'created_at']).where('case_id', '=', caseId).executeTakeFirst();
}
