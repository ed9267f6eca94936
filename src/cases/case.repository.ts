import type { Queryable } from '../kernel/database.js';
import type { Insertable } from 'kysely';
import type { CaseAccessTable, CaseMessagesTable, CasesTable } from '../kernel/db-schema.js';

export async function insertCase(db: Queryable, row: CasesTable): Promise<void> {
  await db.insertInto('cases').values(row).execute();
}

export async function insertCaseAccess(db: Queryable, rows: CaseAccessTable[]): Promise<void> {
  if (rows.length > 0) await db.insertInto('case_access').values(rows).execute();
}

/** The case and this person's wrapped key, only if they hold an active grant on it. */
export function findReadableCase(db: Queryable, caseId: string, userId: string) {
  return db
    .selectFrom('cases')
    .innerJoin('case_access', 'case_access.case_id', 'cases.id')
    .innerJoin('channels', 'channels.id', 'cases.channel_id')
    .selectAll('cases')
    .select(['case_access.wrapped_key', 'case_access.grant_kind', 'channels.slug as channel_slug'])
    .where('cases.id', '=', caseId)
    .where('case_access.user_id', '=', userId)
    .where('case_access.active', '=', 1)
    .executeTakeFirst();
}

/** Which of these cases this person may read now: the one access check every service goes through. */
export async function findActiveGrants(db: Queryable, userId: string, caseIds: readonly string[]) {
  if (caseIds.length === 0) return [];
  return db
    .selectFrom('case_access')
    .select(['case_id', 'wrapped_key'])
    .where('user_id', '=', userId)
    .where('active', '=', 1)
    .where('case_id', 'in', caseIds)
    .execute();
}

export interface InboxCursor {
  deadline: string;
  caseId: string;
}

/** One page of a person's readable cases, most urgent deadline first (keyset pagination). */
export function listInbox(db: Queryable, userId: string, limit: number, after?: InboxCursor) {
  let query = db
    .selectFrom('case_access')
    .innerJoin('cases', 'cases.id', 'case_access.case_id')
    .select([
      'cases.id',
      'cases.ref',
      'cases.status',
      'cases.category',
      'cases.received_at',
      'cases.acknowledge_by',
      'case_access.next_deadline_at',
    ])
    .where('case_access.user_id', '=', userId)
    .where('case_access.active', '=', 1);
  if (after) {
    query = query.where((eb) =>
      eb.or([
        eb('case_access.next_deadline_at', '>', after.deadline),
        eb.and([eb('case_access.next_deadline_at', '=', after.deadline), eb('case_access.case_id', '>', after.caseId)]),
      ]),
    );
  }
  return query.orderBy('case_access.next_deadline_at').orderBy('case_access.case_id').limit(limit).execute();
}

export function findCaseByReceiptLookup(db: Queryable, lookup: Buffer) {
  return db.selectFrom('cases').selectAll().where('receipt_lookup', '=', lookup).executeTakeFirst();
}

export function findCaseById(db: Queryable, caseId: string) {
  return db.selectFrom('cases').selectAll().where('id', '=', caseId).executeTakeFirst();
}

export async function insertMessage(db: Queryable, row: Insertable<CaseMessagesTable>): Promise<void> {
  await db.insertInto('case_messages').values(row).execute();
}

export function listMessages(db: Queryable, caseId: string) {
  return db.selectFrom('case_messages').selectAll().where('case_id', '=', caseId).orderBy('seq').execute();
}

/** Records an acknowledgement and moves the case, and every holder's inbox entry, to its next deadline. */
export async function markAcknowledged(db: Queryable, caseId: string, at: string, nextDeadlineAt: string): Promise<boolean> {
  const result = await db
    .updateTable('cases')
    .set({ status: 'acknowledged', acknowledged_at: at, next_deadline_at: nextDeadlineAt, updated_at: at })
    .where('id', '=', caseId)
    .where('status', '=', 'received')
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) return false;
  await db.updateTable('case_access').set({ next_deadline_at: nextDeadlineAt }).where('case_id', '=', caseId).execute();
  return true;
}

export async function touchCase(db: Queryable, caseId: string, at: string): Promise<void> {
  await db.updateTable('cases').set({ updated_at: at }).where('id', '=', caseId).execute();
}
