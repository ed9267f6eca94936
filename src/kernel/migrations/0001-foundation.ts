import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { newInstallationSalt } from '../crypto.js';
import type { MigrationFactory } from './index.js';

/** Users and their keys, channels, cases with sealed content, access grants, messages, sessions, audit. */
export const foundation: MigrationFactory = ({ binary }) => ({
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('settings')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('value', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('users')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('email', 'text', (c) => c.notNull().unique())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('public_key', binary, (c) => c.notNull())
      .addColumn('password_kdf', 'text', (c) => c.notNull())
      .addColumn('private_key_by_password', binary, (c) => c.notNull())
      .addColumn('private_key_by_recovery', binary, (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('disabled_at', 'text')
      .execute();
    await db.schema.createIndex('users_role_idx').on('users').column('role').execute();

    await db.schema
      .createTable('channels')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('slug', 'text', (c) => c.notNull().unique())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('channel_members')
      .addColumn('channel_id', 'text', (c) => c.notNull().references('channels.id'))
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('channel_members_pk', ['channel_id', 'user_id'])
      .execute();

    await db.schema
      .createTable('cases')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('ref', 'text', (c) => c.notNull().unique())
      .addColumn('channel_id', 'text', (c) => c.notNull().references('channels.id'))
      .addColumn('category', 'text', (c) => c.notNull())
      .addColumn('anonymity', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('received_at', 'text', (c) => c.notNull())
      .addColumn('acknowledge_by', 'text', (c) => c.notNull())
      .addColumn('acknowledged_at', 'text')
      .addColumn('feedback_by', 'text', (c) => c.notNull())
      .addColumn('closed_at', 'text')
      .addColumn('next_deadline_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('report_sealed', binary, (c) => c.notNull())
      .addColumn('identity_sealed', binary)
      .addColumn('receipt_lookup', binary, (c) => c.notNull().unique())
      .addColumn('reporter_wrapped_key', binary, (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('case_access')
      .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('wrapped_key', binary, (c) => c.notNull())
      .addColumn('grant_kind', 'text', (c) => c.notNull())
      .addColumn('active', 'integer', (c) => c.notNull())
      .addColumn('next_deadline_at', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('case_access_pk', ['case_id', 'user_id'])
      .execute();
    // The inbox: one ordered walk per person, most urgent first.
    await db.schema
      .createIndex('case_access_inbox_idx')
      .on('case_access')
      .columns(['user_id', 'active', 'next_deadline_at', 'case_id'])
      .execute();

    // Messages keep the order they arrived in, even within one millisecond: an auto-increment key.
    const messages = db.schema.createTable('case_messages');
    await (binary === 'bytea'
      ? messages.addColumn('seq', 'bigserial', (c) => c.primaryKey())
      : messages.addColumn('seq', 'integer', (c) => c.primaryKey().autoIncrement())
    )
      .addColumn('id', 'text', (c) => c.notNull().unique())
      .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
      .addColumn('author', 'text', (c) => c.notNull())
      .addColumn('author_user_id', 'text', (c) => c.references('users.id'))
      .addColumn('body_sealed', binary, (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('case_messages_case_idx').on('case_messages').columns(['case_id', 'created_at']).execute();

    await db.schema
      .createTable('sessions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('subject_id', 'text', (c) => c.notNull())
      .addColumn('secret_hash', binary, (c) => c.notNull())
      .addColumn('sealed_key', binary, (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('sessions_expires_idx').on('sessions').column('expires_at').execute();

    await db.schema
      .createTable('audit_events')
      .addColumn('seq', 'bigint', (c) => c.primaryKey().check(sql`seq >= 1`))
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('actor_type', 'text', (c) => c.notNull())
      .addColumn('actor_id', 'text')
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('case_id', 'text')
      .addColumn('target_id', 'text')
      .addColumn('details', 'text', (c) => c.notNull())
      .addColumn('prev_hash', 'text', (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('audit_events_case_idx').on('audit_events').columns(['case_id', 'seq']).execute();
    await db.schema.createIndex('audit_events_actor_idx').on('audit_events').columns(['actor_id', 'seq']).execute();

    // The audit log is append-only at the database too: an UPDATE or DELETE is refused.
    // (Someone with full database rights can still drop the trigger; the hash chain catches that.)
    if (binary === 'bytea') {
      await sql`CREATE FUNCTION candor_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'audit_events is append-only'; END $$`.execute(db);
      await sql`CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
        FOR EACH ROW EXECUTE FUNCTION candor_audit_append_only()`.execute(db);
      await sql`CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
        FOR EACH STATEMENT EXECUTE FUNCTION candor_audit_append_only()`.execute(db);
    } else {
      await sql`CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
        BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END`.execute(db);
      await sql`CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
        BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END`.execute(db);
    }

    // Every installation starts with one channel and its own receipt salt.
    const now = new Date().toISOString();
    await db.insertInto('channels').values({ id: randomUUID(), slug: 'general', name: 'General', created_at: now }).execute();
    await db
      .insertInto('settings')
      .values({ key: 'receipt_salt', value: newInstallationSalt().toString('base64') })
      .execute();
  },
  async down() {
    throw new Error('Candor migrations are forward-only.');
  },
});
