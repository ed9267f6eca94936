import type { Insertable, Updateable } from 'kysely';
import type { Queryable } from '../kernel/database.js';
import type { CaseAllegationsTable, CaseNotesTable, CaseTasksTable, CaseTransitionsTable, CasesTable } from '../kernel/db-schema.js';

export async function updateCase(db: Queryable, caseId: string, changes: Updateable<CasesTable>): Promise<void> {
  await db.updateTable('cases').set(changes).where('id', '=', caseId).execute();
}

/** Changes the status only if it is still what the step was decided on, so two racing steps cannot both apply. */
export async function moveCase(db: Queryable, caseId: string, fromStatus: string, changes: Updateable<CasesTable>): Promise<boolean> {
  const result = await db.updateTable('cases').set(changes).where('id', '=', caseId).where('status', '=', fromStatus).executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) return false;
  if (changes.status !== undefined) await db.updateTable('case_access').set({ status: changes.status }).where('case_id', '=', caseId).execute();
  return true;
}

/** Keeps each holder's inbox entry on the case's current deadline. */
export async function updateInboxDeadline(db: Queryable, caseId: string, nextDeadlineAt: string): Promise<void> {
  await db.updateTable('case_access').set({ next_deadline_at: nextDeadlineAt }).where('case_id', '=', caseId).execute();
}

export async function insertTransition(db: Queryable, row: Insertable<CaseTransitionsTable>): Promise<void> {
  await db.insertInto('case_transitions').values(row).execute();
}

export function listTransitions(db: Queryable, caseId: string) {
  return db.selectFrom('case_transitions').selectAll().where('case_id', '=', caseId).orderBy('seq').execute();
}

export async function insertAllegation(db: Queryable, row: Insertable<CaseAllegationsTable>): Promise<void> {
  await db.insertInto('case_allegations').values(row).execute();
}

export function listAllegations(db: Queryable, caseId: string) {
  return db.selectFrom('case_allegations').selectAll().where('case_id', '=', caseId).orderBy('position').execute();
}

export async function nextAllegationPosition(db: Queryable, caseId: string): Promise<number> {
  const row = await db
    .selectFrom('case_allegations')
    .select((eb) => eb.fn.max('position').as('last'))
    .where('case_id', '=', caseId)
    .executeTakeFirst();
  return Number(row?.last ?? 0) + 1;
}

export async function recordFinding(
  db: Queryable,
  caseId: string,
  allegationId: string,
  finding: { finding: string; standard: string; reasoning: Buffer; at: string; by: string },
): Promise<boolean> {
  const result = await db
    .updateTable('case_allegations')
    .set({ finding: finding.finding, standard: finding.standard, reasoning_sealed: finding.reasoning, decided_at: finding.at, decided_by: finding.by })
    .where('id', '=', allegationId)
    .where('case_id', '=', caseId)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function insertNote(db: Queryable, row: Insertable<CaseNotesTable>): Promise<void> {
  await db.insertInto('case_notes').values(row).execute();
}

export function listNotes(db: Queryable, caseId: string) {
  return db.selectFrom('case_notes').selectAll().where('case_id', '=', caseId).orderBy('created_at').orderBy('id').execute();
}

export async function insertTask(db: Queryable, row: Insertable<CaseTasksTable>): Promise<void> {
  await db.insertInto('case_tasks').values(row).execute();
}

export function listTasks(db: Queryable, caseId: string) {
  return db.selectFrom('case_tasks').selectAll().where('case_id', '=', caseId).orderBy('created_at').orderBy('id').execute();
}

export async function setTaskDone(db: Queryable, caseId: string, taskId: string, doneAt: string | null): Promise<boolean> {
  const result = await db.updateTable('case_tasks').set({ done_at: doneAt }).where('id', '=', taskId).where('case_id', '=', caseId).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Whether this person holds an active grant on the case (a task owner or assignee must be able to read it). */
export async function holdsActiveGrant(db: Queryable, caseId: string, userId: string): Promise<boolean> {
  const row = await db.selectFrom('case_access').select('user_id').where('case_id', '=', caseId).where('user_id', '=', userId).where('active', '=', 1).executeTakeFirst();
  return row !== undefined;
}

export function listCaseAuditTrail(db: Queryable, caseId: string) {
  return db
    .selectFrom('audit_events')
    .leftJoin('users', 'users.id', 'audit_events.actor_id')
    .select(['audit_events.seq', 'audit_events.at', 'audit_events.actor_type', 'audit_events.actor_id', 'users.name as actor_name', 'audit_events.action', 'audit_events.details'])
    .where('audit_events.case_id', '=', caseId)
    .orderBy('audit_events.seq')
    .execute();
}
