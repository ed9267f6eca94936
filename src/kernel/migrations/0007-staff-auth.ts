import type { Kysely } from 'kysely';
import type { MigrationFactory } from './index.js';

/**
 * Staff accounts: a TOTP second factor (secret sealed under a key only the user's private key
 * gives), single-use recovery codes stored as keyed hashes, lock-out after failed sign-ins, the
 * idle timeout of sessions, and invitations that let a person choose their own password (their
 * key pair is made then, never by the admin who invited them).
 */
export const staffAuth: MigrationFactory = ({ binary }) => ({
  async up(db: Kysely<any>) {
    await db.schema.alterTable('users').addColumn('totp_sealed', binary).execute();
    await db.schema.alterTable('users').addColumn('totp_confirmed_at', 'text').execute();
    await db.schema.alterTable('users').addColumn('totp_last_step', 'integer').execute();
    await db.schema.alterTable('users').addColumn('failed_logins', 'integer', (c) => c.notNull().defaultTo(0)).execute();
    await db.schema.alterTable('users').addColumn('lockouts', 'integer', (c) => c.notNull().defaultTo(0)).execute();
    await db.schema.alterTable('users').addColumn('locked_until', 'text').execute();
    await db.schema.alterTable('users').addColumn('last_login_at', 'text').execute();

    await db.schema.alterTable('sessions').addColumn('last_seen_at', 'text').execute();

    await db.schema
      .createTable('staff_recovery_codes')
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('code_hash', binary, (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('used_at', 'text')
      .addPrimaryKeyConstraint('staff_recovery_codes_pk', ['user_id', 'code_hash'])
      .execute();

    await db.schema
      .createTable('staff_invitations')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('email', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('channels', 'text', (c) => c.notNull())
      .addColumn('token_hash', binary, (c) => c.notNull().unique())
      .addColumn('created_by', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addColumn('accepted_at', 'text')
      .addColumn('revoked_at', 'text')
      .execute();
    await db.schema.createIndex('staff_invitations_email_idx').on('staff_invitations').column('email').execute();
  },
  async down() {
    throw new Error('Candor migrations are forward-only.');
  },
});
