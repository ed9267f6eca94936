import { sql, type Kysely } from 'kysely';
import type { MigrationFactory } from './index.js';

/**
 * Case clocks and escalation (policies per channel and category, holidays, ladders, the clocks of
 * each case, escalations), background jobs claimed with leases, and the e-mail outbox.
 */
export const clocksAndJobs: MigrationFactory = ({ binary }) => ({
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('clock_policies')
      .addColumn('channel_id', 'text', (c) => c.notNull().references('channels.id'))
      // A report category, or '*' for the channel's own default.
      .addColumn('category', 'text', (c) => c.notNull())
      .addColumn('acknowledge_days', 'integer', (c) => c.notNull())
      .addColumn('feedback_months', 'integer', (c) => c.notNull())
      .addColumn('feedback_days', 'integer')
      .addColumn('investigation_days', 'integer', (c) => c.notNull())
      .addColumn('idle_days', 'integer', (c) => c.notNull())
      .addColumn('day_kind', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('clock_policies_pk', ['channel_id', 'category'])
      .execute();

    await db.schema
      .createTable('clock_holidays')
      .addColumn('channel_id', 'text', (c) => c.notNull().references('channels.id'))
      .addColumn('day', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('clock_holidays_pk', ['channel_id', 'day'])
      .execute();

    await db.schema
      .createTable('escalation_ladders')
      .addColumn('channel_id', 'text', (c) => c.primaryKey().references('channels.id'))
      .addColumn('rungs', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('case_clocks')
      .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('cycle', 'integer', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('started_at', 'text', (c) => c.notNull())
      .addColumn('due_at', 'text', (c) => c.notNull())
      .addColumn('met_at', 'text')
      .addColumn('breached_at', 'text')
      .addColumn('paused_at', 'text')
      .addColumn('pause_reason', 'text')
      .addColumn('paused_by', 'text')
      .addColumn('paused_ms', 'bigint', (c) => c.notNull())
      .addColumn('warned_50_at', 'text')
      .addColumn('warned_80_at', 'text')
      // When the sweep owes this clock something next (a warning or the breach); null when nothing.
      .addColumn('next_check_at', 'text')
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('case_clocks_pk', ['case_id', 'kind'])
      .execute();
    // The sweep walks this index from its start to "now": it never looks at a clock that owes nothing.
    await db.schema
      .createIndex('case_clocks_sweep_idx')
      .on('case_clocks')
      .column('next_check_at')
      .where(sql.ref('next_check_at'), 'is not', null)
      .execute();
    // Oversight's list of paused clocks.
    await db.schema
      .createIndex('case_clocks_paused_idx')
      .on('case_clocks')
      .column('paused_at')
      .where(sql.ref('state'), '=', 'paused')
      .execute();

    await db.schema
      .createTable('case_escalations')
      .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
      .addColumn('rung', 'integer', (c) => c.notNull())
      .addColumn('outcome', 'text', (c) => c.notNull())
      .addColumn('clock_kind', 'text', (c) => c.notNull())
      .addColumn('clock_cycle', 'integer', (c) => c.notNull())
      .addColumn('activated', 'integer', (c) => c.notNull())
      .addColumn('without_key', 'integer', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      // One row per case and rung: a retried or concurrent sweep cannot climb the same rung twice.
      .addPrimaryKeyConstraint('case_escalations_pk', ['case_id', 'rung'])
      .execute();

    await db.schema
      .createTable('jobs')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('payload', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      // Queued: when it may run. Running: when its lease ends and another node may take it over.
      .addColumn('available_at', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('max_attempts', 'integer', (c) => c.notNull())
      .addColumn('lease_owner', 'text')
      // While queued or running: at most one job with this key (e.g. one clock sweep at a time).
      .addColumn('dedupe_key', 'text', (c) => c.unique())
      .addColumn('last_error', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('finished_at', 'text')
      .execute();
    await db.schema
      .createIndex('jobs_claim_idx')
      .on('jobs')
      .column('available_at')
      .where(sql.ref('finished_at'), 'is', null)
      .execute();
    await db.schema.createIndex('jobs_finished_idx').on('jobs').column('finished_at').execute();

    await db.schema
      .createTable('mail_outbox')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('recipient_kind', 'text', (c) => c.notNull())
      // The address is looked up when sending (a staff member's account, a reporter's sealed
      // notification address), so the outbox itself holds no address.
      .addColumn('user_id', 'text', (c) => c.references('users.id'))
      .addColumn('case_id', 'text', (c) => c.references('cases.id'))
      .addColumn('template', 'text', (c) => c.notNull())
      .addColumn('params', 'text', (c) => c.notNull())
      .addColumn('dedupe_key', 'text', (c) => c.notNull().unique())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('last_error', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('sent_at', 'text')
      .execute();
    await db.schema.createIndex('mail_outbox_state_idx').on('mail_outbox').columns(['state', 'created_at']).execute();

    await db.schema
      .createTable('reporter_notify_addresses')
      .addColumn('case_id', 'text', (c) => c.primaryKey().references('cases.id'))
      // Sealed under the server's notification key (not the case key): see docs/threat-model.md.
      .addColumn('address_sealed', binary, (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();

    await backfillCaseClocks(db, new Date());
  },
  async down() {
    throw new Error('Candor migrations are forward-only.');
  },
});

/**
 * Cases already open when clocks arrive get their clocks: acknowledge and feedback to the dates
 * they were promised, and an idle alarm from now. Their warnings are taken as sent (a late one
 * would be noise); a deadline already passed breaches on the first sweep. Exported for its test.
 */
export async function backfillCaseClocks(db: Kysely<any>, now: Date): Promise<void> {
  const at = now.toISOString();
  const idleDue = new Date(now.getTime() + 14 * 86_400_000).toISOString();
  const open = db.selectFrom('cases').where('closed_at', 'is', null);
  await db
    .insertInto('case_clocks')
    .columns(['case_id', 'kind', 'cycle', 'state', 'started_at', 'due_at', 'met_at', 'paused_ms', 'warned_50_at', 'warned_80_at', 'next_check_at', 'updated_at'])
    .expression(
      open.select((eb) => [
        'id',
        sql.lit('acknowledge').as('kind'),
        sql.lit(1).as('cycle'),
        eb.case().when('acknowledged_at', 'is', null).then(sql.lit('running')).else(sql.lit('met')).end().as('state'),
        'received_at',
        'acknowledge_by',
        'acknowledged_at',
        sql.lit(0).as('paused_ms'),
        sql.lit(at).as('warned_50_at'),
        sql.lit(at).as('warned_80_at'),
        eb.case().when('acknowledged_at', 'is', null).then(eb.ref('acknowledge_by')).else(sql<string>`NULL`).end().as('next_check_at'),
        sql.lit(at).as('updated_at'),
      ]),
    )
    .execute();
  for (const [kind, startedAt, due] of [
    ['feedback', sql<string>`received_at`, sql<string>`feedback_by`],
    ['idle', sql<string>`${sql.lit(at)}`, sql<string>`${sql.lit(idleDue)}`],
  ] as const) {
    await db
      .insertInto('case_clocks')
      .columns(['case_id', 'kind', 'cycle', 'state', 'started_at', 'due_at', 'paused_ms', 'warned_50_at', 'warned_80_at', 'next_check_at', 'updated_at'])
      .expression(
        open.select([
          'id',
          sql.lit(kind).as('kind'),
          sql.lit(1).as('cycle'),
          sql.lit('running').as('state'),
          startedAt.as('started_at'),
          due.as('due_at'),
          sql.lit(0).as('paused_ms'),
          sql.lit(at).as('warned_50_at'),
          sql.lit(at).as('warned_80_at'),
          due.as('next_check_at'),
          sql.lit(at).as('updated_at'),
        ]),
      )
      .execute();
  }
}
