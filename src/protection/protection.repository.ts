import type { Insertable } from 'kysely';
import type { Queryable } from '../kernel/database.js';
import type { HrEventsTable, ProtectedPersonsTable } from '../kernel/db-schema.js';

export async function insertProtectedPerson(db: Queryable, row: ProtectedPersonsTable): Promise<void> {
  await db.insertInto('protected_persons').values(row).execute();
}

/** Rows for this tag whose window has not ended: the one indexed lookup the pre-action check makes. */
export function findProtections(db: Queryable, tag: Buffer, now: string) {
  return db.selectFrom('protected_persons').select(['id', 'reference_sealed', 'window_ends_at']).where('tag', '=', tag).where('window_ends_at', '>', now).execute();
}

export async function insertHrEvent(db: Queryable, row: Insertable<HrEventsTable>): Promise<void> {
  await db.insertInto('hr_events').values(row).execute();
}

export function findHrEventBySourceRef(db: Queryable, sourceRef: string) {
  return db.selectFrom('hr_events').selectAll().where('source_ref', '=', sourceRef).executeTakeFirst();
}

export function findHrEventByReview(db: Queryable, reviewCaseId: string) {
  return db.selectFrom('hr_events').selectAll().where('review_case_id', '=', reviewCaseId).executeTakeFirst();
}

export async function decideHrEvent(db: Queryable, id: string, status: 'cleared' | 'upheld', at: string, by: string): Promise<boolean> {
  const result = await db.updateTable('hr_events').set({ status, decided_at: at, decided_by: by }).where('id', '=', id).where('status', '=', 'flagged').executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export function listHrEvents(db: Queryable, status: string | undefined, limit: number) {
  let query = db.selectFrom('hr_events').selectAll().orderBy('received_at', 'desc').limit(limit);
  if (status) query = query.where('status', '=', status as HrEventsTable['status']);
  return query.execute();
}
