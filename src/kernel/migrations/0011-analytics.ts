import { sql, type Kysely } from 'kysely';
import { COUNTERS, RollupSum, statsRowFor, type StatsRow } from '../../analytics/stats.rules.js';
import type { MigrationFactory } from './index.js';

/**
 * Leadership analytics: one non-identifying statistics row per case (`case_stats`, deliberately
 * without a foreign key to `cases`, so it survives crypto-shredding), and two rollups kept exact
 * in the same transaction as every change: counters per received month x channel x category x
 * anonymity x department, and duration histograms per month. Existing cases are backfilled.
 */
export const analytics: MigrationFactory = ({ binary }) => ({
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('case_stats')
      .addColumn('case_id', 'text', (c) => c.primaryKey())
      .addColumn('channel_id', 'text', (c) => c.notNull())
      .addColumn('category', 'text', (c) => c.notNull())
      .addColumn('anonymity', 'text', (c) => c.notNull())
      .addColumn('department', 'text')
      .addColumn('received_at', 'text', (c) => c.notNull())
      .addColumn('received_month', 'text', (c) => c.notNull())
      .addColumn('acknowledged_at', 'text')
      .addColumn('ack_hours', 'integer')
      .addColumn('closed_at', 'text')
      .addColumn('close_days', 'integer')
      .addColumn('closing', 'text')
      .addColumn('outcome', 'text')
      .addColumn('action', 'text')
      .addColumn('ack_breached', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('feedback_breached', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('investigation_breached', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('escalation_rung', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('appealed', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('returned_at', 'text')
      .addColumn('replied_at', 'text')
      .addColumn('retaliation_reviews', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('retaliation_upheld', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('retaliation_cleared', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('hr_events_flagged', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    // Distributions under two or more filters at once are read from the rows: these keep that a range walk.
    await db.schema.createIndex('case_stats_channel_idx').on('case_stats').columns(['channel_id', 'received_month']).execute();
    await db.schema.createIndex('case_stats_category_idx').on('case_stats').columns(['category', 'received_month']).execute();
    await db.schema.createIndex('case_stats_department_idx').on('case_stats').columns(['department', 'received_month']).execute();

    let monthly = db.schema
      .createTable('case_stats_monthly')
      .addColumn('month', 'text', (c) => c.notNull())
      // One dimension at a time: 'all', 'channel', 'category' or 'department'.
      .addColumn('dimension', 'text', (c) => c.notNull())
      // '' for 'all' and for an unknown department (a primary key column cannot be null).
      .addColumn('dim_value', 'text', (c) => c.notNull())
      .addColumn('anonymity', 'text', (c) => c.notNull());
    for (const name of COUNTERS) monthly = monthly.addColumn(name, 'integer', (c) => c.notNull().defaultTo(0));
    // On SQLite the rollups are clustered on their key (WITHOUT ROWID): a range of months is one sequential read.
    const clustered = binary === 'blob' ? sql`without rowid` : sql``;
    await monthly.addPrimaryKeyConstraint('case_stats_monthly_pk', ['month', 'dimension', 'dim_value', 'anonymity']).modifyEnd(clustered).execute();

    await db.schema
      .createTable('case_stats_pairs')
      .addColumn('month', 'text', (c) => c.notNull())
      .addColumn('pair', 'text', (c) => c.notNull())
      .addColumn('value_a', 'text', (c) => c.notNull())
      .addColumn('value_b', 'text', (c) => c.notNull())
      .addColumn('received', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('case_stats_pairs_pk', ['pair', 'month', 'value_a', 'value_b'])
      .modifyEnd(clustered)
      .execute();

    await db.schema
      .createTable('case_stats_durations')
      .addColumn('month', 'text', (c) => c.notNull())
      .addColumn('dimension', 'text', (c) => c.notNull())
      .addColumn('dim_value', 'text', (c) => c.notNull())
      .addColumn('measure', 'text', (c) => c.notNull())
      .addColumn('bucket', 'integer', (c) => c.notNull())
      .addColumn('n', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('case_stats_durations_pk', ['measure', 'dimension', 'dim_value', 'month', 'bucket'])
      .modifyEnd(clustered)
      .execute();

    await backfillCaseStats(db, new Date());
  },
  async down() {
    throw new Error('Candor migrations are forward-only.');
  },
});

/** Statistics rows for the cases that exist before analytics arrive, and the rollups they sum to. */
export async function backfillCaseStats(db: Kysely<any>, now: Date): Promise<void> {
  const at = now.toISOString();
  const sum = new RollupSum();
  let after = '';
  for (;;) {
    const cases = await db
      .selectFrom('cases')
      .select(['id', 'channel_id', 'category', 'anonymity', 'received_at', 'acknowledged_at', 'closed_at', 'closing', 'reopened_at'])
      .where('id', '>', after)
      .orderBy('id')
      .limit(500)
      .execute();
    if (cases.length === 0) break;
    after = cases[cases.length - 1]!.id;
    const ids = cases.map((row) => row.id);
    const [findings, breaches, rungs, visits, replies] = await Promise.all([
      db.selectFrom('case_allegations').select(['case_id', 'finding']).where('case_id', 'in', ids).execute(),
      db.selectFrom('case_clocks').select(['case_id', 'kind']).where('case_id', 'in', ids).where('breached_at', 'is not', null).execute(),
      db.selectFrom('case_escalations').select(['case_id', sql<number>`max(rung)`.as('rung')]).where('case_id', 'in', ids).where('outcome', '=', 'escalated').groupBy('case_id').execute(),
      db.selectFrom('audit_events').select(['case_id', sql<string>`min(at)`.as('at')]).where('case_id', 'in', ids).where('action', '=', 'reporter.sign_in').groupBy('case_id').execute(),
      db.selectFrom('case_messages').select(['case_id', sql<string>`min(created_at)`.as('at')]).where('case_id', 'in', ids).where('author', '=', 'reporter').groupBy('case_id').execute(),
    ]);
    const rows: StatsRow[] = cases.map((c) => {
      const row = statsRowFor(
        {
          caseId: c.id,
          channelId: c.channel_id,
          category: c.category,
          anonymity: c.anonymity,
          receivedAt: c.received_at,
          acknowledgedAt: c.acknowledged_at,
          closedAt: c.closed_at,
          closing: c.closing,
          reopenedAt: c.reopened_at,
          findings: findings.filter((f) => f.case_id === c.id).map((f) => f.finding),
          breachedClocks: breaches.filter((b) => b.case_id === c.id).map((b) => b.kind),
          highestRung: Number(rungs.find((r) => r.case_id === c.id)?.rung ?? 0),
        },
        null,
      );
      const replied = replies.find((r) => r.case_id === c.id)?.at ?? null;
      const visited = visits.find((v) => v.case_id === c.id)?.at ?? null;
      return { ...row, replied_at: replied, returned_at: [visited, replied].filter((x): x is string => x !== null).sort()[0] ?? null };
    });
    await db.insertInto('case_stats').values(rows.map((row) => ({ ...row, updated_at: at }))).execute();
    for (const row of rows) sum.add(row, 1);
  }
  await insertRollups(db, sum);
}

/** Writes summed rollups into empty rollup tables, in batches (the backfill; bulk loads). */
export async function insertRollups(db: Kysely<any>, sum: RollupSum): Promise<void> {
  const delta = sum.delta();
  const cells = delta.cells.map((entry) => ({ ...entry.key, ...entry.delta }));
  for (let i = 0; i < cells.length; i += 200) await db.insertInto('case_stats_monthly').values(cells.slice(i, i + 200)).execute();
  const pairs = delta.pairs.map((entry) => ({ ...entry.key, received: entry.delta }));
  for (let i = 0; i < pairs.length; i += 1_000) await db.insertInto('case_stats_pairs').values(pairs.slice(i, i + 1_000)).execute();
  const durations = delta.durations.map((entry) => ({ ...entry.key, n: entry.delta }));
  for (let i = 0; i < durations.length; i += 1_000) await db.insertInto('case_stats_durations').values(durations.slice(i, i + 1_000)).execute();
}
