import { sql, type Kysely } from 'kysely';
import { COUNTERS, rollupDelta, statsRowFor, type StatsRow } from '../../analytics/stats.rules.js';
import type { MigrationFactory } from './index.js';

/**
 * Leadership analytics: one non-identifying statistics row per case (`case_stats`, deliberately
 * without a foreign key to `cases`, so it survives crypto-shredding), and two rollups kept exact
 * in the same transaction as every change: counters per received month x channel x category x
 * anonymity x department, and duration histograms per month. Existing cases are backfilled.
 */
export const analytics: MigrationFactory = () => ({
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
      .addColumn('channel_id', 'text', (c) => c.notNull())
      .addColumn('category', 'text', (c) => c.notNull())
      .addColumn('anonymity', 'text', (c) => c.notNull())
      // '' when the department is not known (a primary key column cannot be null).
      .addColumn('department', 'text', (c) => c.notNull());
    for (const name of COUNTERS) monthly = monthly.addColumn(name, 'integer', (c) => c.notNull().defaultTo(0));
    await monthly.addPrimaryKeyConstraint('case_stats_monthly_pk', ['month', 'channel_id', 'category', 'anonymity', 'department']).execute();

    await db.schema
      .createTable('case_stats_durations')
      .addColumn('month', 'text', (c) => c.notNull())
      .addColumn('dimension', 'text', (c) => c.notNull())
      .addColumn('dim_value', 'text', (c) => c.notNull())
      .addColumn('measure', 'text', (c) => c.notNull())
      .addColumn('bucket', 'integer', (c) => c.notNull())
      .addColumn('n', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('case_stats_durations_pk', ['measure', 'dimension', 'dim_value', 'month', 'bucket'])
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
  const cells = new Map<string, Record<string, unknown>>();
  const durations = new Map<string, Record<string, unknown>>();
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
    for (const row of rows) {
      const delta = rollupDelta(null, row);
      for (const { key, delta: counters } of delta.cells) {
        const id = JSON.stringify(key);
        const cell = cells.get(id) ?? { ...key, ...Object.fromEntries(COUNTERS.map((name) => [name, 0])) };
        for (const name of COUNTERS) cell[name] = (cell[name] as number) + counters[name];
        cells.set(id, cell);
      }
      for (const { key, delta: n } of delta.durations) {
        const id = JSON.stringify(key);
        const entry = durations.get(id) ?? { ...key, n: 0 };
        entry.n = (entry.n as number) + n;
        durations.set(id, entry);
      }
    }
  }
  const all = [...cells.values()];
  for (let i = 0; i < all.length; i += 200) await db.insertInto('case_stats_monthly').values(all.slice(i, i + 200)).execute();
  const hist = [...durations.values()];
  for (let i = 0; i < hist.length; i += 500) await db.insertInto('case_stats_durations').values(hist.slice(i, i + 500)).execute();
}
