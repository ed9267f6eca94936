/** Statistics rows and their rollups: the only code that touches case_stats* tables. */
import { sql } from 'kysely';
import type { Queryable } from '../kernel/database.js';
import { COUNTERS, type RollupDelta, type StatsRow } from './stats.rules.js';

export function findStatsRow(db: Queryable, caseId: string) {
  return db.selectFrom('case_stats').selectAll().where('case_id', '=', caseId).executeTakeFirst();
}

export async function insertStatsRow(db: Queryable, row: StatsRow, at: string): Promise<void> {
  await db.insertInto('case_stats').values({ ...row, updated_at: at }).execute();
}

export async function updateStatsRow(db: Queryable, row: StatsRow, at: string): Promise<void> {
  const { case_id, ...rest } = row;
  await db.updateTable('case_stats').set({ ...rest, updated_at: at }).where('case_id', '=', case_id).execute();
}

/**
 * Adds a delta to the rollups: one multi-row upsert per table (a cell that does not exist yet
 * starts at the delta), so a new report costs three statements in all.
 */
export async function applyRollupDelta(db: Queryable, delta: RollupDelta): Promise<void> {
  // A bulk load can hold more cells than one statement may bind: 500 rows at a time.
  if (delta.cells.length > 500 || delta.pairs.length > 500 || delta.durations.length > 500) {
    for (let i = 0; i < Math.max(delta.cells.length, delta.pairs.length, delta.durations.length); i += 500) {
      await applyRollupDelta(db, { cells: delta.cells.slice(i, i + 500), pairs: delta.pairs.slice(i, i + 500), durations: delta.durations.slice(i, i + 500) });
    }
    return;
  }
  if (delta.cells.length > 0) {
    await db
      .insertInto('case_stats_monthly')
      .values(delta.cells.map(({ key, delta: counters }) => ({ ...key, ...counters })))
      .onConflict((oc) =>
        oc
          .columns(['month', 'dimension', 'dim_value', 'anonymity'])
          .doUpdateSet(Object.fromEntries(COUNTERS.map((name) => [name, sql<number>`${sql.ref(`case_stats_monthly.${name}`)} + ${sql.ref(`excluded.${name}`)}`]))),
      )
      .execute();
  }
  if (delta.pairs.length > 0) {
    await db
      .insertInto('case_stats_pairs')
      .values(delta.pairs.map(({ key, delta: n }) => ({ ...key, received: n })))
      .onConflict((oc) => oc.columns(['pair', 'month', 'value_a', 'value_b']).doUpdateSet({ received: sql<number>`${sql.ref('case_stats_pairs.received')} + ${sql.ref('excluded.received')}` }))
      .execute();
  }
  if (delta.durations.length > 0) {
    await db
      .insertInto('case_stats_durations')
      .values(delta.durations.map(({ key, delta: n }) => ({ ...key, n })))
      .onConflict((oc) => oc.columns(['measure', 'dimension', 'dim_value', 'month', 'bucket']).doUpdateSet({ n: sql<number>`${sql.ref('case_stats_durations.n')} + ${sql.ref('excluded.n')}` }))
      .execute();
  }
}

/** What a case's statistics are computed from: metadata in the clear only. */
export async function loadFactsForStats(db: Queryable, caseId: string) {
  const row = await db
    .selectFrom('cases')
    .select(['id', 'channel_id', 'category', 'anonymity', 'received_at', 'acknowledged_at', 'closed_at', 'closing', 'reopened_at', 'kind'])
    .where('id', '=', caseId)
    .executeTakeFirst();
  // A retaliation review is a case oversight works, not a report: it is counted on the report it protects.
  if (!row || (row.kind ?? 'report') !== 'report') return undefined;
  const [findings, clocks, rung] = await Promise.all([
    db.selectFrom('case_allegations').select('finding').where('case_id', '=', caseId).execute(),
    db.selectFrom('case_clocks').select('kind').where('case_id', '=', caseId).where('breached_at', 'is not', null).execute(),
    db.selectFrom('case_escalations').select((eb) => eb.fn.max('rung').as('rung')).where('case_id', '=', caseId).where('outcome', '=', 'escalated').executeTakeFirst(),
  ]);
  return {
    caseId: row.id,
    channelId: row.channel_id,
    category: row.category,
    anonymity: row.anonymity,
    receivedAt: row.received_at,
    acknowledgedAt: row.acknowledged_at,
    closedAt: row.closed_at,
    closing: row.closing,
    reopenedAt: row.reopened_at,
    findings: findings.map((f) => f.finding),
    breachedClocks: clocks.map((c) => c.kind as string),
    highestRung: Number(rung?.rung ?? 0),
  };
}

// --- reading for the dashboard --------------------------------------------------------------------

/** Cases received per month, over all time (small: one row per month). */
export async function listMonthlyTotals(db: Queryable): Promise<{ month: string; received: number }[]> {
  const rows = await db
    .selectFrom('case_stats_monthly')
    .select(['month', (eb) => eb.fn.sum<number>('received').as('received')])
    .where('dimension', '=', 'all')
    .groupBy('month')
    .orderBy('month')
    .execute();
  return rows.map((row) => ({ month: row.month, received: Number(row.received) }));
}

/** The marginal cells of the months (inclusive): every counter per month, dimension value and anonymity. */
export async function listMarginalCells(db: Queryable, from: string, to: string) {
  const rows = await db.selectFrom('case_stats_monthly').selectAll().where('month', '>=', from).where('month', '<=', to).execute();
  // PostgreSQL may answer integers as strings: make them numbers, in place.
  if (rows.length > 0 && typeof rows[0]!.received !== 'number') for (const row of rows) for (const name of COUNTERS) row[name] = Number(row[name]);
  return rows;
}

/** The joint counts of a pair of dimensions over the months (inclusive). */
export async function listPairCells(db: Queryable, pair: string, from: string, to: string) {
  const rows = await db
    .selectFrom('case_stats_pairs')
    .select(['month', 'value_a', 'value_b', 'received'])
    .where('pair', '=', pair)
    .where('month', '>=', from)
    .where('month', '<=', to)
    .execute();
  return rows.map((row) => ({ ...row, received: Number(row.received) }));
}

/** A duration histogram over the months, for all cases or one dimension value (from the rollup). */
export async function durationHistogram(db: Queryable, measure: string, from: string, to: string, dimension: string, value: string) {
  const rows = await db
    .selectFrom('case_stats_durations')
    .select(['bucket', (eb) => eb.fn.sum<number>('n').as('n')])
    .where('measure', '=', measure)
    .where('dimension', '=', dimension)
    .where('dim_value', '=', value)
    .where('month', '>=', from)
    .where('month', '<=', to)
    .groupBy('bucket')
    .execute();
  return rows.map((row) => ({ bucket: Number(row.bucket), n: Number(row.n) }));
}

export async function countEscrow(db: Queryable) {
  const [held, matches] = await Promise.all([
    db.selectFrom('escrow_entries').select((eb) => eb.fn.countAll<number>().as('n')).where('case_id', 'is', null).executeTakeFirst(),
    db.selectFrom('escrow_pools').select((eb) => eb.fn.countAll<number>().as('n')).where('matched_at', 'is not', null).executeTakeFirst(),
  ]);
  return { held: Number(held?.n ?? 0), matches: Number(matches?.n ?? 0) };
}

export function listChannelNames(db: Queryable) {
  return db.selectFrom('channels').select(['id', 'slug', 'name']).execute();
}
