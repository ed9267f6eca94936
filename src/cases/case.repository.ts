import type { Queryable } from '../kernel/database.js';
import type { Insertable } from 'kysely';
import type { CaseAccessTable, CaseMessagesTable, CasesTable } from '../kernel/db-schema.js';

export async function insertCase(db: Queryable, row: Insertable<CasesTable>): Promise<void> {
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
    .select(['case_access.wrapped_key', 'case_access.grant_kind', 'channels.slug as channel_slug', 'channels.standard_of_proof as channel_standard'])
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

export interface InboxFilters {
  status?: string;
  overdueBefore?: string;
  notOverdueFrom?: string;
  channelSlug?: string;
  category?: string;
  /** A user id, or null for unassigned cases. */
  assigneeId?: string | null;
}

function inboxQuery(db: Queryable, userId: string, filters: InboxFilters) {
  let query = db
    .selectFrom('case_access')
    .innerJoin('cases', 'cases.id', 'case_access.case_id')
    .innerJoin('channels', 'channels.id', 'cases.channel_id')
    .where('case_access.user_id', '=', userId)
    .where('case_access.active', '=', 1);
  if (filters.status) query = query.where('case_access.status', '=', filters.status);
  if (filters.category) query = query.where('cases.category', '=', filters.category);
  if (filters.channelSlug) query = query.where('channels.slug', '=', filters.channelSlug);
  if (filters.assigneeId === null) query = query.where('cases.assignee_id', 'is', null);
  else if (filters.assigneeId) query = query.where('cases.assignee_id', '=', filters.assigneeId);
  if (filters.overdueBefore) query = query.where('case_access.next_deadline_at', '<', filters.overdueBefore);
  if (filters.notOverdueFrom) query = query.where('case_access.next_deadline_at', '>=', filters.notOverdueFrom);
  return query;
}

/** Whether a filter looks at the case itself; without one, counting reads the person's grants alone. */
function needsCaseRows(filters: InboxFilters): boolean {
  return Boolean(filters.category || filters.channelSlug || filters.assigneeId !== undefined);
}

/** The same rows as inboxQuery when no filter needs the case: one narrow index, no join. */
function grantsQuery(db: Queryable, userId: string, filters: InboxFilters) {
  let query = db.selectFrom('case_access').where('case_access.user_id', '=', userId).where('case_access.active', '=', 1);
  if (filters.status) query = query.where('case_access.status', '=', filters.status);
  if (filters.overdueBefore) query = query.where('case_access.next_deadline_at', '<', filters.overdueBefore);
  if (filters.notOverdueFrom) query = query.where('case_access.next_deadline_at', '>=', filters.notOverdueFrom);
  return query;
}

/** One page of a person's readable cases, most urgent deadline first (keyset pagination). */
export function listInbox(db: Queryable, userId: string, limit: number, after?: InboxCursor, filters: InboxFilters = {}) {
  let query = inboxQuery(db, userId, filters).select([
    'cases.id',
    'cases.ref',
    'cases.status',
    'cases.category',
    'cases.received_at',
    'cases.acknowledge_by',
    'cases.assignee_id',
    'cases.kind',
    'channels.slug as channel_slug',
    'case_access.next_deadline_at',
  ]);
  if (after) {
    // A row-value comparison: both databases seek straight to the cursor in the inbox index.
    query = query.where((eb) =>
      eb(eb.refTuple('case_access.next_deadline_at', 'case_access.case_id'), '>', eb.tuple(after.deadline, after.caseId)),
    );
  }
  return query.orderBy('case_access.next_deadline_at').orderBy('case_access.case_id').limit(limit).execute();
}

/** How many of a person's readable cases are in each status, and how many are overdue (with the same filters). */
export async function countInbox(db: Queryable, userId: string, filters: InboxFilters, now: string, noDeadline: string) {
  const source = () => (needsCaseRows(filters) ? inboxQuery(db, userId, filters) : grantsQuery(db, userId, filters));
  const byStatus = await source()
    .select(['case_access.status', (eb) => eb.fn.countAll<number>().as('count')])
    .groupBy('case_access.status')
    .execute();
  const overdue = await source()
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('case_access.next_deadline_at', '<', now)
    .where('case_access.next_deadline_at', '!=', noDeadline)
    .executeTakeFirst();
  return { byStatus: Object.fromEntries(byStatus.map((row) => [row.status, Number(row.count)])), overdue: Number(overdue?.count ?? 0) };
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
  await db.updateTable('case_access').set({ next_deadline_at: nextDeadlineAt, status: 'acknowledged' }).where('case_id', '=', caseId).execute();
  return true;
}

export async function touchCase(db: Queryable, caseId: string, at: string): Promise<void> {
  await db.updateTable('cases').set({ updated_at: at }).where('id', '=', caseId).execute();
}
