/** Putting jobs on the queue. Call it inside the transaction whose effect the job follows up. */
import { randomUUID } from 'node:crypto';
import type { Queryable } from '../kernel/database.js';
import { insertJob } from './job.repository.js';
import type { JobDefinition } from './job.types.js';

export interface EnqueueOptions {
  /** Not before this time (default: now). */
  runAt?: Date;
  /** At most one open job with this key: a second enqueue while one is queued or running does nothing. */
  dedupeKey?: string;
}

/** Queues a job; answers its id, or null when an open job with the same dedupe key exists already. */
export async function enqueueJob<I>(db: Queryable, now: Date, job: JobDefinition<I>, input: I, options: EnqueueOptions = {}): Promise<string | null> {
  const payload = job.input.parse(input);
  const id = randomUUID();
  const at = now.toISOString();
  const inserted = await insertJob(db, {
    id,
    name: job.name,
    payload: JSON.stringify(payload ?? null),
    state: 'queued',
    available_at: (options.runAt ?? now).toISOString(),
    attempts: 0,
    max_attempts: job.maxAttempts,
    lease_owner: null,
    dedupe_key: options.dedupeKey ?? null,
    last_error: null,
    created_at: at,
    updated_at: at,
    finished_at: null,
  });
  return inserted ? id : null;
}
