/**
 * The jobs table. A job is claimed by one UPDATE that takes it only if it is still unclaimed (or
 * its lease ran out), and sets a lease: whoever holds the lease runs it; everyone else skips it.
 *
 * The claim is the same statement on both databases, except how the candidate row is chosen:
 * PostgreSQL picks it with FOR UPDATE SKIP LOCKED, so concurrent claimers take different jobs
 * instead of queueing on one row; SQLite has one writer at a time and needs no row locks.
 */
import { sql, type Selectable } from 'kysely';
import type { Dialect, Queryable } from '../kernel/database.js';
import type { JobsTable } from '../kernel/db-schema.js';

export type JobRow = Selectable<JobsTable>;

/** Inserts a job; with a dedupe key, does nothing while another job with that key is open. Answers whether it was inserted. */
export async function insertJob(db: Queryable, row: JobsTable): Promise<boolean> {
  const result = await db
    .insertInto('jobs')
    .values(row)
    .onConflict((oc) => oc.column('dedupe_key').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
}

export interface ClaimRequest {
  now: string;
  owner: string;
  leaseUntil: string;
  names: readonly string[];
}

/** Claims the job that has waited longest among those ready to run, or answers undefined. */
export async function claimNextJob(db: Queryable, dialect: Dialect, request: ClaimRequest): Promise<JobRow | undefined> {
  if (request.names.length === 0) return undefined;
  const ready = (candidate: Queryable) =>
    candidate
      .selectFrom('jobs')
      .select('id')
      .where('finished_at', 'is', null)
      .where('available_at', '<=', request.now)
      .where('name', 'in', request.names)
      .orderBy('available_at')
      .limit(1);
  const candidate = dialect === 'postgres' ? ready(db).forUpdate().skipLocked() : ready(db);
  return db
    .updateTable('jobs')
    .set({
      state: 'running',
      lease_owner: request.owner,
      attempts: sql<number>`attempts + 1`,
      available_at: request.leaseUntil,
      updated_at: request.now,
    })
    .where('id', '=', candidate)
    // Checked again on the row itself: on PostgreSQL a row changed by a concurrent claim fails this.
    .where('finished_at', 'is', null)
    .where('available_at', '<=', request.now)
    .returningAll()
    .executeTakeFirst();
}

/** The claim this runner holds: the lease owner and the attempt it claimed. */
export interface Claim {
  id: string;
  owner: string;
  attempts: number;
}

function held(db: Queryable, claim: Claim) {
  return db
    .updateTable('jobs')
    .where('id', '=', claim.id)
    .where('lease_owner', '=', claim.owner)
    .where('attempts', '=', claim.attempts)
    .where('state', '=', 'running');
}

export async function renewLease(db: Queryable, claim: Claim, leaseUntil: string, now: string): Promise<boolean> {
  const result = await held(db, claim).set({ available_at: leaseUntil, updated_at: now }).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function completeJob(db: Queryable, claim: Claim, now: string): Promise<boolean> {
  const result = await held(db, claim)
    .set({ state: 'done', finished_at: now, updated_at: now, lease_owner: null, dedupe_key: null, last_error: null })
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function retryJobLater(db: Queryable, claim: Claim, runAt: string, error: string, now: string): Promise<boolean> {
  const result = await held(db, claim)
    .set({ state: 'queued', available_at: runAt, lease_owner: null, last_error: error, updated_at: now })
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function failJob(db: Queryable, claim: Claim, error: string, now: string): Promise<boolean> {
  const result = await held(db, claim)
    .set({ state: 'failed', finished_at: now, lease_owner: null, dedupe_key: null, last_error: error, updated_at: now })
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Forgets finished jobs older than `before`. */
export async function pruneFinishedJobs(db: Queryable, before: string): Promise<number> {
  const result = await db.deleteFrom('jobs').where('finished_at', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}

export function listJobs(db: Queryable, name?: string) {
  let query = db.selectFrom('jobs').selectAll().orderBy('created_at');
  if (name) query = query.where('name', '=', name);
  return query.execute();
}
