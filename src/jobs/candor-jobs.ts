/** Candor's jobs and the recurring ones the scheduler queues: the one place that lists them. */
import { z } from 'zod';
import { clockSweepJob } from '../clocks/clock.jobs.js';
import type { AppContext } from '../kernel/context.js';
import { requeueUnsentMail, sendMailJob } from '../notifications/mail.jobs.js';
import { pruneFinishedJobs } from './job.repository.js';
import { auditHeadMailJob, retentionSweepJob } from '../records/records.jobs.js';
import { defineJob, JobRegistry } from './job.types.js';
import { startScheduler, type RecurringJob, type Scheduler, type SchedulerOptions } from './scheduler.js';

const DAY_MS = 86_400_000;

/** Finished jobs are kept a week for inspection, then forgotten. */
export const pruneJobsJob = defineJob({
  name: 'jobs.prune',
  input: z.object({}),
  maxAttempts: 3,
  async run(ctx) {
    await pruneFinishedJobs(ctx.db, new Date(ctx.clock.now().getTime() - 7 * DAY_MS).toISOString());
  },
});

export function candorJobRegistry(): JobRegistry {
  return new JobRegistry([clockSweepJob, sendMailJob, pruneJobsJob, retentionSweepJob, auditHeadMailJob]);
}

export const RECURRING_JOBS: readonly RecurringJob[] = [
  { job: clockSweepJob, input: {} },
  { job: pruneJobsJob, input: {}, everyMs: 6 * 60 * 60_000 },
  { job: retentionSweepJob, input: {}, everyMs: 60 * 60_000 },
  // Once a UTC day at most (the outbox dedupes by day); checked hourly so a restart does not skip a day.
  { job: auditHeadMailJob, input: {}, everyMs: 60 * 60_000 },
];

/** The options `candor serve` runs the scheduler with; tests take them and change what they need. */
export function candorSchedulerOptions(ctx: AppContext, registry: JobRegistry = candorJobRegistry()): SchedulerOptions {
  return {
    registry,
    recurring: RECURRING_JOBS,
    intervalMs: ctx.config.jobs.schedulerIntervalMs,
    leaseMs: ctx.config.jobs.leaseMs,
    onStart: async (started) => {
      const queued = await requeueUnsentMail(started);
      if (queued > 0) started.logger.info({ op: 'mail', queued }, 'queued e-mail notices kept while SMTP was not configured');
    },
  };
}

/** Starts the scheduler loop for `candor serve`. */
export function startCandorScheduler(ctx: AppContext): Scheduler {
  return startScheduler(ctx, candorSchedulerOptions(ctx));
}
