import type { Kysely } from 'kysely';
import { newServerSecret } from '../crypto.js';
import type { MigrationFactory } from './index.js';

/** Versioned questionnaires per channel, channel descriptions, the portal's form-signing secret. */
export const portal: MigrationFactory = () => ({
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('questionnaires')
      .addColumn('channel_id', 'text', (c) => c.notNull().references('channels.id'))
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('definition', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text')
      .addPrimaryKeyConstraint('questionnaires_pk', ['channel_id', 'version'])
      .execute();
    await db.schema.alterTable('cases').addColumn('questionnaire_version', 'integer').execute();
    await db.schema.alterTable('channels').addColumn('description', 'text').execute();
    // Signs the portal's forms (CSRF tokens); shared by every node through the database.
    await db.insertInto('settings').values({ key: 'form_secret', value: newServerSecret().toString('base64') }).execute();
  },
  async down() {
    throw new Error('Candor migrations are forward-only.');
  },
});
