import type { Kysely } from 'kysely';
import type { MigrationFactory } from './index.js';

/**
 * Escrow entries (see docs/escrow.md). Nothing here names anyone: an entry's content is sealed
 * under its own key; each identifier it names is stored only as an OPRF tag, with a Shamir share
 * sealed under a key derived from the escrow key (a file outside the database), and the entry key
 * wrapped under the tag's secret. A pool row per tag serialises lodgings of the same tag and,
 * once enough entries have met, is the match.
 */
export const escrow: MigrationFactory = ({ binary }) => ({
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('escrow_entries')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('receipt_lookup', binary, (c) => c.notNull().unique())
      .addColumn('reporter_wrapped_key', binary, (c) => c.notNull())
      .addColumn('content_sealed', binary, (c) => c.notNull())
      .addColumn('consent_to_case', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('case_id', 'text')
      .addColumn('case_receipt_sealed', binary)
      .addColumn('notified_at', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('escrow_pools')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('tag', binary, (c) => c.notNull().unique())
      .addColumn('matched_at', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('escrow_pools_matched_idx').on('escrow_pools').columns(['matched_at', 'id']).execute();

    await db.schema
      .createTable('escrow_tags')
      .addColumn('entry_id', 'text', (c) => c.notNull().references('escrow_entries.id'))
      .addColumn('tag', binary, (c) => c.notNull())
      .addColumn('threshold', 'integer', (c) => c.notNull())
      .addColumn('share_sealed', binary, (c) => c.notNull())
      .addColumn('key_wrapped', binary, (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      // One share per entry and tag: an entry (one receipt) never counts twice towards a match.
      .addPrimaryKeyConstraint('escrow_tags_pk', ['entry_id', 'tag'])
      .execute();
    // Matching is this index look-up, never a scan.
    await db.schema.createIndex('escrow_tags_tag_idx').on('escrow_tags').columns(['tag', 'threshold']).execute();

    await db.schema
      .createTable('escrow_access')
      .addColumn('entry_id', 'text', (c) => c.notNull().references('escrow_entries.id'))
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('wrapped_key', binary, (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('escrow_access_pk', ['entry_id', 'user_id'])
      .execute();

    await db.schema
      .createTable('escrow_sessions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('entry_id', 'text', (c) => c.notNull().references('escrow_entries.id'))
      .addColumn('secret_hash', binary, (c) => c.notNull())
      .addColumn('sealed_key', binary, (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('escrow_sessions_expires_idx').on('escrow_sessions').column('expires_at').execute();
    await db.schema.createIndex('escrow_sessions_entry_idx').on('escrow_sessions').column('entry_id').execute();

    // The address for one content-free notice of a match, sealed under the escrow key, until the
    // e-mail outbox has sent it (then the row goes). The outbox row refers to it by id.
    await db.schema
      .createTable('escrow_notices')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('entry_id', 'text', (c) => c.notNull().references('escrow_entries.id'))
      .addColumn('address_sealed', binary, (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('escrow_notices_entry_idx').on('escrow_notices').column('entry_id').execute();
  },
  async down() {
    throw new Error('Candor migrations are forward-only.');
  },
});
