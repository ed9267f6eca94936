/** Storage for policies, holidays, ladders, case clocks and escalations. The only clock code that touches Kysely. */
import type { Selectable } from 'kysely';
import type { Queryable } from '../kernel/database.js';
import type { CaseClocksTable, CaseEscalationsTable, ClockPoliciesTable } from '../kernel/db-schema.js';
import type { ClockState } from './clock-state.rules.js';
import type { CompleteClockPolicy } from './clock.rules.js';

export type ClockRow = Selectable<CaseClocksTable>;

export function rowToClock(row: ClockRow): ClockState {
  return {
    kind: row.kind,
    state: row.state,
    cycle: Number(row.cycle),
    startedAt: row.started_at,
    dueAt: row.due_at,
    metAt: row.met_at,
    breachedAt: row.breached_at,
    pausedAt: row.paused_at,
    pauseReason: row.pause_reason,
    pausedMs: Number(row.paused_ms),
    warned50At: row.warned_50_at,
    warned80At: row.warned_80_at,
  };
}

// --- policies, holidays, ladders ---------------------------------------------------------------

export type StoredPolicy = CompleteClockPolicy & { category: string };

export async function listChannelPolicies(db: Queryable, channelId: string): Promise<StoredPolicy[]> {
  const rows = await db.selectFrom('clock_policies').selectAll().where('channel_id', '=', channelId).orderBy('category').execute();
  return rows.map((row) => ({
    category: row.category,
    acknowledgeDays: row.acknowledge_days,
    feedbackMonths: row.feedback_months,
    feedbackDays: row.feedback_days,
    investigationDays: row.investigation_days,
    idleDays: row.idle_days,
    dayKind: row.day_kind,
  }));
}

export async function replaceChannelPolicies(db: Queryable, channelId: string, policies: readonly StoredPolicy[], at: string): Promise<void> {
  await db.deleteFrom('clock_policies').where('channel_id', '=', channelId).execute();
  if (policies.length === 0) return;
  const rows: ClockPoliciesTable[] = policies.map((policy) => ({
    channel_id: channelId,
    category: policy.category,
    acknowledge_days: policy.acknowledgeDays,
    feedback_months: policy.feedbackMonths,
    feedback_days: policy.feedbackDays,
    investigation_days: policy.investigationDays,
    idle_days: policy.idleDays,
    day_kind: policy.dayKind,
    updated_at: at,
  }));
  await db.insertInto('clock_policies').values(rows).execute();
}

export async function listChannelHolidays(db: Queryable, channelId: string): Promise<string[]> {
  const rows = await db.selectFrom('clock_holidays').select('day').where('channel_id', '=', channelId).orderBy('day').execute();
  return rows.map((row) => row.day);
}

export async function replaceChannelHolidays(db: Queryable, channelId: string, days: readonly string[]): Promise<void> {
  await db.deleteFrom('clock_holidays').where('channel_id', '=', channelId).execute();
  for (let start = 0; start < days.length; start += 500) {
    await db
      .insertInto('clock_holidays')
      .values(days.slice(start, start + 500).map((day) => ({ channel_id: channelId, day })))
      .execute();
  }
}

export async function findLadder(db: Queryable, channelId: string): Promise<string | undefined> {
  const row = await db.selectFrom('escalation_ladders').select('rungs').where('channel_id', '=', channelId).executeTakeFirst();
  return row?.rungs;
}

export async function saveLadder(db: Queryable, channelId: string, rungs: string, at: string): Promise<void> {
  await db
    .insertInto('escalation_ladders')
    .values({ channel_id: channelId, rungs, updated_at: at })
    .onConflict((oc) => oc.column('channel_id').doUpdateSet({ rungs, updated_at: at }))
    .execute();
}

// --- the clocks of a case -----------------------------------------------------------------------

export function findCaseForClocks(db: Queryable, caseId: string) {
  return db
    .selectFrom('cases')
    .select(['id', 'ref', 'channel_id', 'category', 'acknowledge_by', 'feedback_by', 'next_deadline_at', 'status'])
    .where('id', '=', caseId)
    .executeTakeFirst();
}

export function listCaseClocks(db: Queryable, caseId: string): Promise<ClockRow[]> {
  return db.selectFrom('case_clocks').selectAll().where('case_id', '=', caseId).execute();
}

export function findCaseClock(db: Queryable, caseId: string, kind: ClockState['kind']): Promise<ClockRow | undefined> {
  return db.selectFrom('case_clocks').selectAll().where('case_id', '=', caseId).where('kind', '=', kind).executeTakeFirst();
}

function clockColumns(clock: ClockState, nextCheckAt: string | null, at: string, pausedBy: string | null) {
  return {
    cycle: clock.cycle,
    state: clock.state,
    started_at: clock.startedAt,
    due_at: clock.dueAt,
    met_at: clock.metAt,
    breached_at: clock.breachedAt,
    paused_at: clock.pausedAt,
    pause_reason: clock.pauseReason,
    paused_by: clock.state === 'paused' ? pausedBy : null,
    paused_ms: clock.pausedMs,
    warned_50_at: clock.warned50At,
    warned_80_at: clock.warned80At,
    next_check_at: nextCheckAt,
    updated_at: at,
  };
}

/** Writes a new case's first clocks in one statement. */
export async function insertCaseClocks(db: Queryable, caseId: string, clocks: readonly { clock: ClockState; nextCheckAt: string | null }[], at: string): Promise<void> {
  if (clocks.length === 0) return;
  await db
    .insertInto('case_clocks')
    .values(clocks.map(({ clock, nextCheckAt }) => ({ case_id: caseId, kind: clock.kind, ...clockColumns(clock, nextCheckAt, at, null) })))
    .execute();
}

/** Writes a clock whole: inserted the first time, replaced after. */
export async function saveCaseClock(
  db: Queryable,
  caseId: string,
  clock: ClockState,
  nextCheckAt: string | null,
  at: string,
  pausedBy: string | null = null,
): Promise<void> {
  const columns = clockColumns(clock, nextCheckAt, at, pausedBy);
  await db
    .insertInto('case_clocks')
    .values({ case_id: caseId, kind: clock.kind, ...columns })
    .onConflict((oc) => oc.columns(['case_id', 'kind']).doUpdateSet(columns))
    .execute();
}

/**
 * Writes a clock only if nobody changed it since it was read (same cycle, state and next check):
 * the guard that lets several sweeps run at once and only one of them act on a clock.
 */
export async function saveCaseClockIfUnchanged(
  db: Queryable,
  caseId: string,
  before: Pick<ClockRow, 'kind' | 'cycle' | 'state' | 'next_check_at'>,
  clock: ClockState,
  nextCheckAt: string | null,
  at: string,
): Promise<boolean> {
  const result = await db
    .updateTable('case_clocks')
    .set(clockColumns(clock, nextCheckAt, at, null))
    .where('case_id', '=', caseId)
    .where('kind', '=', before.kind)
    .where('cycle', '=', before.cycle)
    .where('state', '=', before.state)
    .where('next_check_at', before.next_check_at === null ? 'is' : '=', before.next_check_at)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Moves the case, and every holder's inbox entry, to its next deadline. */
export async function setCaseNextDeadline(db: Queryable, caseId: string, nextDeadlineAt: string): Promise<void> {
  await db.updateTable('cases').set({ next_deadline_at: nextDeadlineAt }).where('id', '=', caseId).execute();
  await db.updateTable('case_access').set({ next_deadline_at: nextDeadlineAt }).where('case_id', '=', caseId).execute();
}

/**
 * Clocks the sweep owes something at `now`, most overdue first: a range walk of the sweep index,
 * so its cost follows the number of clocks due, not the number of cases.
 */
export function listDueClocks(db: Queryable, now: string, limit: number): Promise<ClockRow[]> {
  return dueClocksQuery(db, now, limit).execute();
}

/** The sweep's query, unexecuted (the benchmark explains it). */
export function dueClocksQuery(db: Queryable, now: string, limit: number) {
  return db.selectFrom('case_clocks').selectAll().where('next_check_at', '<=', now).orderBy('next_check_at').limit(limit);
}

export function listPausedClocks(db: Queryable, limit: number) {
  return db
    .selectFrom('case_clocks')
    .innerJoin('cases', 'cases.id', 'case_clocks.case_id')
    .leftJoin('users', 'users.id', 'case_clocks.paused_by')
    .select([
      'cases.id as case_id',
      'cases.ref',
      'cases.channel_id',
      'case_clocks.kind',
      'case_clocks.due_at',
      'case_clocks.paused_at',
      'case_clocks.pause_reason',
      'case_clocks.paused_by',
      'users.name as paused_by_name',
    ])
    .where('case_clocks.state', '=', 'paused')
    .orderBy('case_clocks.paused_at')
    .limit(limit)
    .execute();
}

// --- access grants and escalations --------------------------------------------------------------

export function listCaseGrants(db: Queryable, caseId: string) {
  return db.selectFrom('case_access').select(['user_id', 'grant_kind', 'active']).where('case_id', '=', caseId).execute();
}

export async function activateGrants(db: Queryable, caseId: string, userIds: readonly string[]): Promise<void> {
  if (userIds.length === 0) return;
  await db.updateTable('case_access').set({ active: 1 }).where('case_id', '=', caseId).where('user_id', 'in', userIds).execute();
}

export function listEscalations(db: Queryable, caseId: string): Promise<Selectable<CaseEscalationsTable>[]> {
  return db.selectFrom('case_escalations').selectAll().where('case_id', '=', caseId).orderBy('rung').execute();
}

export async function insertEscalation(db: Queryable, row: CaseEscalationsTable): Promise<void> {
  await db.insertInto('case_escalations').values(row).execute();
}

/** Active staff users of a role (for the oversight rung). */
export async function listActiveUserIdsByRole(db: Queryable, role: 'oversight'): Promise<string[]> {
  const rows = await db.selectFrom('users').select('id').where('role', '=', role).where('disabled_at', 'is', null).orderBy('id').execute();
  return rows.map((row) => row.id);
}

/** The users among these ids that exist and are not disabled, with name and role (for the ladder). */
export function listUsersByIds(db: Queryable, ids: readonly string[]) {
  if (ids.length === 0) return Promise.resolve([]);
  return db.selectFrom('users').select(['id', 'name', 'role', 'disabled_at', 'public_key']).where('id', 'in', ids).execute();
}
