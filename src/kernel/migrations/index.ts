import { Migrator, type Migration, type MigrationProvider } from 'kysely';
import type { Db, Dialect } from '../database.js';
import { foundation } from './0001-foundation.js';
import { portal } from './0002-portal.js';
import { escrow } from './0004-escrow.js';
import { lifecycle } from './0005-lifecycle.js';
import { clocksAndJobs } from './0006-clocks-jobs.js';
import { attachments } from './0003-attachments.js';
import { staffAuth } from './0007-staff-auth.js';
import { inboxStatus } from './0008-inbox-status.js';
import { conflictsAndProtection } from './0009-conflicts-protection.js';
import { records } from './0010-records.js';
import { analytics } from './0011-analytics.js';

/** Column types that differ between the two databases; everything else is portable SQL. */
export interface ColumnTypes {
  binary: 'blob' | 'bytea';
}

export type MigrationFactory = (types: ColumnTypes) => Migration;

/** One migration set for both dialects, in order. Never edit a released migration: add one. */
const MIGRATIONS: Record<string, MigrationFactory> = {
  '0001-foundation': foundation,
  '0002-portal': portal,
  '0003-attachments': attachments,
  '0004-escrow': escrow,
  '0005-lifecycle': lifecycle,
  '0006-clocks-jobs': clocksAndJobs,
  '0007-staff-auth': staffAuth,
  '0008-inbox-status': inboxStatus,
  '0009-conflicts-protection': conflictsAndProtection,
  '0010-records': records,
  '0011-analytics': analytics,
};

class CandorMigrations implements MigrationProvider {
  constructor(private readonly dialect: Dialect) {}
  async getMigrations(): Promise<Record<string, Migration>> {
    const types: ColumnTypes = { binary: this.dialect === 'postgres' ? 'bytea' : 'blob' };
    return Object.fromEntries(Object.entries(MIGRATIONS).map(([name, factory]) => [name, factory(types)]));
  }
}

export interface MigrationOutcome {
  applied: string[];
}

/** Brings the schema up to date; safe to run on every start and from several nodes at once. */
export async function migrateToLatest(db: Db, dialect: Dialect): Promise<MigrationOutcome> {
  const migrator = new Migrator({ db, provider: new CandorMigrations(dialect) });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((result) => result.status === 'Error');
    throw new Error(`Migration ${failed?.migrationName ?? ''} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  return { applied: (results ?? []).filter((result) => result.status === 'Success').map((result) => result.migrationName) };
}
