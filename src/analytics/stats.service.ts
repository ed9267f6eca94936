/**
 * Keeps the statistics rows and rollups in step with the cases, inside the caller's transaction.
 * The case services call these at their seams: intake (`recordCaseReceived`), every lifecycle
 * step and clock event (`refreshCaseStats`, from recordCaseEvent), breaches and escalations (the
 * clock sweep), and the reporter's return visits (`markReporterReturned`, `markReporterReplied`).
 */
import type { Queryable } from '../kernel/database.js';
import { applyRollupDelta, findStatsRow, insertStatsRow, loadFactsForStats, updateStatsRow } from './stats.repository.js';
import { RollupSum, rollupDelta, sameStats, statsRowFor, type StatsRow } from './stats.rules.js';

function withoutUpdatedAt(row: StatsRow & { updated_at?: string }): StatsRow {
  const { updated_at: _ignored, ...rest } = row;
  return { ...rest, ack_hours: rest.ack_hours === null ? null : Number(rest.ack_hours), close_days: rest.close_days === null ? null : Number(rest.close_days) };
}

async function save(db: Queryable, before: StatsRow | null, after: StatsRow, at: string): Promise<void> {
  if (before && sameStats(before, after)) return;
  if (before) await updateStatsRow(db, after, at);
  else await insertStatsRow(db, after, at);
  await applyRollupDelta(db, rollupDelta(before, after));
}

/** A new report: one row and one rollup cell, nothing read (intake stays cheap). */
export async function recordCaseReceived(
  db: Queryable,
  input: { caseId: string; channelId: string; category: string; anonymity: string; receivedAt: string; department: string | null },
): Promise<void> {
  const { department, ...facts } = input;
  const row = statsRowFor(
    { ...facts, acknowledgedAt: null, closedAt: null, closing: null, reopenedAt: null, findings: [], breachedClocks: [], highestRung: 0 },
    null,
  );
  await save(db, null, { ...row, department }, input.receivedAt);
}

/** Recomputes a case's row from its metadata (after a lifecycle step, a breach, an escalation). */
export async function refreshCaseStats(db: Queryable, caseId: string, at: Date, change: (row: StatsRow) => StatsRow = (row) => row): Promise<void> {
  const facts = await loadFactsForStats(db, caseId);
  if (!facts) return;
  const stored = await findStatsRow(db, caseId);
  const before = stored ? withoutUpdatedAt(stored) : null;
  await save(db, before, change(statsRowFor(facts, before)), at.toISOString());
}

/** The reporter came back with the receipt (the first time counts). */
export function markReporterReturned(db: Queryable, caseId: string, at: Date): Promise<void> {
  return refreshCaseStats(db, caseId, at, (row) => (row.returned_at ? row : { ...row, returned_at: at.toISOString() }));
}

/** The reporter answered: a message after the report (which also means they came back). */
export function markReporterReplied(db: Queryable, caseId: string, at: Date): Promise<void> {
  const when = at.toISOString();
  return refreshCaseStats(db, caseId, at, (row) => ({ ...row, returned_at: row.returned_at ?? when, replied_at: row.replied_at ?? when }));
}

/**
 * A retaliation review opened on an HR event (which is then flagged), or decided: counted on the
 * statistics row of the report whose protected person it concerns.
 */
export function countRetaliationReview(db: Queryable, caseId: string, step: { opened: true } | { decided: 'cleared' | 'upheld' }, at: Date): Promise<void> {
  return refreshCaseStats(db, caseId, at, (row) =>
    'opened' in step
      ? { ...row, retaliation_reviews: row.retaliation_reviews + 1, hr_events_flagged: row.hr_events_flagged + 1 }
      : step.decided === 'upheld'
        ? { ...row, retaliation_upheld: row.retaliation_upheld + 1 }
        : { ...row, retaliation_cleared: row.retaliation_cleared + 1 },
  );
}

/**
 * Adds statistics rows in bulk with their rollups summed once (imports of history, the bench,
 * tests). Only for rows whose case ids are new.
 */
export async function insertStatsRowsInBulk(db: Queryable, rows: readonly StatsRow[], at: string, batch = 500): Promise<void> {
  const sum = new RollupSum();
  for (const row of rows) sum.add(row, 1);
  for (let i = 0; i < rows.length; i += batch) {
    await db.insertInto('case_stats').values(rows.slice(i, i + batch).map((row) => ({ ...row, updated_at: at }))).execute();
  }
  await applyRollupDelta(db, sum.delta());
}
