import { sql, type Kysely } from 'kysely';
import type { MigrationFactory } from './index.js';

/**
 * The inbox counts by status from each person's own grants: the case's status is copied onto
 * case_access (like its next deadline), so counting a 100,000-case inbox walks one narrow index
 * instead of joining every case.
 */
export const inboxStatus: MigrationFactory = () => ({
  async up(db: Kysely<any>) {
    await db.schema
      .alterTable('case_access')
      .addColumn('status', 'text', (c) => c.notNull().defaultTo('received'))
      .execute();
    await sql`update case_access set status = (select cases.status from cases where cases.id = case_access.case_id)`.execute(db);
    await db.schema.createIndex('case_access_status_idx').on('case_access').columns(['user_id', 'active', 'status']).execute();
  },
});
