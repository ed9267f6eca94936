import type { Kysely } from 'kysely';
import type { MigrationFactory } from './index.js';

/** The case lifecycle: recorded transitions, allegations and findings, internal notes, tasks, assignment. */
export const lifecycle: MigrationFactory = ({ binary }) => ({
  async up(db: Kysely<any>) {
    await db.schema.alterTable('cases').addColumn('closing', 'text').execute();
    await db.schema.alterTable('cases').addColumn('feedback_given_at', 'text').execute();
    await db.schema.alterTable('cases').addColumn('reopened_at', 'text').execute();
    await db.schema.alterTable('cases').addColumn('assignee_id', 'text').execute();

    // Steps keep the order they were taken in, even within one millisecond: an auto-increment key.
    const transitions = db.schema.createTable('case_transitions');
    await (binary === 'bytea'
      ? transitions.addColumn('seq', 'bigserial', (c) => c.primaryKey())
      : transitions.addColumn('seq', 'integer', (c) => c.primaryKey().autoIncrement())
    )
      .addColumn('id', 'text', (c) => c.notNull().unique())
      .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
      .addColumn('from_status', 'text', (c) => c.notNull())
      .addColumn('to_status', 'text', (c) => c.notNull())
      .addColumn('closing', 'text')
      .addColumn('reason_sealed', binary, (c) => c.notNull())
      .addColumn('actor_type', 'text', (c) => c.notNull())
      .addColumn('actor_id', 'text')
      .addColumn('at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('case_transitions_case_idx').on('case_transitions').columns(['case_id', 'at']).execute();

    await db.schema
      .createTable('case_allegations')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
      .addColumn('position', 'integer', (c) => c.notNull())
      .addColumn('summary_sealed', binary, (c) => c.notNull())
      .addColumn('finding', 'text')
      .addColumn('standard', 'text')
      .addColumn('reasoning_sealed', binary)
      .addColumn('decided_at', 'text')
      .addColumn('decided_by', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('case_allegations_case_idx').on('case_allegations').columns(['case_id', 'position']).execute();

    await db.schema
      .createTable('case_notes')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
      .addColumn('author_id', 'text', (c) => c.notNull())
      .addColumn('body_sealed', binary, (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('case_notes_case_idx').on('case_notes').columns(['case_id', 'created_at']).execute();

    await db.schema
      .createTable('case_tasks')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
      .addColumn('title_sealed', binary, (c) => c.notNull())
      .addColumn('owner_id', 'text')
      .addColumn('due_at', 'text')
      .addColumn('done_at', 'text')
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('case_tasks_case_idx').on('case_tasks').columns(['case_id', 'created_at']).execute();

    // Each reviewed portal form may be sent once: a reload of the receipt page must not file the report twice.
    await db.schema
      .createTable('portal_submissions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
  },
  async down() {
    throw new Error('Candor migrations are forward-only.');
  },
});
