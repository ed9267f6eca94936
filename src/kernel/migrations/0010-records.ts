import type { Kysely } from 'kysely';
import type { MigrationFactory } from './index.js';

/**
 * Evidence and records: retention per channel, legal holds, referral bundle exports with a second
 * approver, the tombstones of shredded cases, and a reporter's withdrawal waiting on a hold.
 */
export const records: MigrationFactory = () => ({
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('retention_policies')
      .addColumn('channel_id', 'text', (c) => c.primaryKey().references('channels.id'))
      .addColumn('retain_months', 'integer', (c) => c.notNull())
      // null: the installation's CANDOR_REPORTER_WITHDRAWAL; 1 or 0 overrides it for the channel.
      .addColumn('allow_withdrawal', 'integer')
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('updated_by', 'text')
      .execute();

    await db.schema
      .createTable('legal_holds')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('set_by', 'text', (c) => c.notNull())
      .addColumn('set_at', 'text', (c) => c.notNull())
      .addColumn('lifted_by', 'text')
      .addColumn('lifted_at', 'text')
      .addColumn('lift_reason', 'text')
      .execute();
    await db.schema.createIndex('legal_holds_case_idx').on('legal_holds').columns(['case_id', 'lifted_at']).execute();

    await db.schema
      .createTable('case_exports')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
      .addColumn('requested_by', 'text', (c) => c.notNull())
      .addColumn('requested_at', 'text', (c) => c.notNull())
      .addColumn('purpose', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('decided_by', 'text')
      .addColumn('decided_at', 'text')
      .addColumn('downloaded_at', 'text')
      .addColumn('manifest_sha256', 'text')
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('case_exports_case_idx').on('case_exports').column('case_id').execute();

    await db.schema
      .createTable('case_disposals')
      .addColumn('case_id', 'text', (c) => c.primaryKey())
      .addColumn('ref', 'text', (c) => c.notNull())
      .addColumn('channel_id', 'text', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('disposed_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema.alterTable('cases').addColumn('withdrawn_at', 'text').execute();
    await db.schema.createIndex('cases_closed_at_idx').on('cases').column('closed_at').execute();
  },
  async down() {
    throw new Error('Candor migrations are forward-only.');
  },
});
