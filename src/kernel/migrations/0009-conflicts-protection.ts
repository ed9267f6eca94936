import type { Kysely } from 'kysely';
import type { MigrationFactory } from './index.js';

/**
 * Conflicts, retaliation watch and due process (issue 5): the employee directory (HR master data,
 * in the clear), staff links to it, standing declared conflicts, API tokens for an HR system,
 * parties of a case and due-process records (sealed under the case key), protected persons (keyed
 * by an HMAC of the employee id under a server-held key; their case sealed under that key), HR
 * events, and a per-channel standard of proof. Nothing here links an employee to a case in the clear.
 */
export const conflictsAndProtection: MigrationFactory = ({ binary }) => ({
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('directory_employees')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('name_key', 'text', (c) => c.notNull())
      .addColumn('email', 'text')
      .addColumn('department', 'text')
      .addColumn('manager_id', 'text')
      .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('directory_employees_name_idx').on('directory_employees').column('name_key').execute();
    await db.schema.createIndex('directory_employees_email_idx').on('directory_employees').column('email').execute();
    await db.schema.createIndex('directory_employees_manager_idx').on('directory_employees').column('manager_id').execute();

    await db.schema.alterTable('users').addColumn('employee_id', 'text').execute();
    await db.schema.createIndex('users_employee_idx').on('users').column('employee_id').execute();

    await db.schema.alterTable('channels').addColumn('standard_of_proof', 'text').execute();
    await db.schema.alterTable('cases').addColumn('kind', 'text', (c) => c.notNull().defaultTo('report')).execute();

    await db.schema
      .createTable('staff_conflicts')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('employee_id', 'text', (c) => c.notNull())
      .addColumn('declared_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addUniqueConstraint('staff_conflicts_pair', ['user_id', 'employee_id'])
      .execute();
    await db.schema.createIndex('staff_conflicts_employee_idx').on('staff_conflicts').column('employee_id').execute();

    await db.schema
      .createTable('api_tokens')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('token_hash', binary, (c) => c.notNull().unique())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('last_used_at', 'text')
      .addColumn('revoked_at', 'text')
      .execute();

    await db.schema
      .createTable('case_parties')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
      .addColumn('details_sealed', binary, (c) => c.notNull())
      .addColumn('added_by', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('case_parties_case_idx').on('case_parties').columns(['case_id', 'created_at']).execute();

    await db.schema
      .createTable('case_due_process')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('body_sealed', binary, (c) => c.notNull())
      .addColumn('recorded_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('case_due_process_case_idx').on('case_due_process').columns(['case_id', 'created_at']).execute();

    await db.schema
      .createTable('protected_persons')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('tag', binary, (c) => c.notNull())
      .addColumn('window_ends_at', 'text', (c) => c.notNull())
      .addColumn('reference_sealed', binary, (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('protected_persons_tag_idx').on('protected_persons').columns(['tag', 'window_ends_at']).execute();

    await db.schema
      .createTable('hr_events')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('source_ref', 'text')
      .addColumn('employee_id', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('effective_at', 'text')
      .addColumn('token_id', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('review_case_id', 'text', (c) => c.references('cases.id'))
      .addColumn('decided_at', 'text')
      .addColumn('decided_by', 'text')
      .addColumn('received_at', 'text', (c) => c.notNull())
      .addUniqueConstraint('hr_events_source_ref', ['source_ref'])
      .execute();
    await db.schema.createIndex('hr_events_status_idx').on('hr_events').columns(['status', 'received_at']).execute();
  },
  async down() {
    throw new Error('Candor migrations are forward-only.');
  },
});
