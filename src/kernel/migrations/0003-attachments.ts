import type { Kysely } from 'kysely';
import type { MigrationFactory } from './index.js';

/**
 * Evidence attachments. The bytes live on disk, sealed under a per-file key; this table holds the
 * file key wrapped under the case key, the file name sealed under the case key, and the clear
 * facts needed to run the case and prove integrity (size, coarse type, SHA-256 of what was
 * received and of what is stored).
 */
export const attachments: MigrationFactory = ({ binary }) => ({
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('case_attachments')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
      .addColumn('message_id', 'text', (c) => c.references('case_messages.id'))
      .addColumn('uploaded_by', 'text', (c) => c.notNull())
      .addColumn('uploaded_by_user_id', 'text', (c) => c.references('users.id'))
      .addColumn('filename_sealed', binary, (c) => c.notNull())
      .addColumn('content_type', 'text', (c) => c.notNull())
      .addColumn('size_bytes', 'bigint', (c) => c.notNull())
      .addColumn('received_bytes', 'bigint', (c) => c.notNull())
      .addColumn('sha256_received', 'text', (c) => c.notNull())
      .addColumn('sha256_stored', 'text', (c) => c.notNull())
      .addColumn('metadata_removed', 'text', (c) => c.notNull())
      .addColumn('original_kept', 'integer', (c) => c.notNull())
      .addColumn('wrapped_file_key', binary, (c) => c.notNull())
      .addColumn('storage_name', 'text', (c) => c.notNull().unique())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('case_attachments_case_idx').on('case_attachments').columns(['case_id', 'created_at']).execute();
  },
  async down() {
    throw new Error('Candor migrations are forward-only.');
  },
});
