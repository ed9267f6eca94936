/**
 * Runs queued jobs: claims one with a lease, runs its handler, records the outcome, and repeats
 * while jobs are ready. Several runners (in one process or on several nodes) may share a
 * database: a job is held by one lease at a time, and one that outlives its lease (its node died)
 * is claimed again and retried. Effects must therefore be idempotent (see job.types.ts).
 */
import { randomUUID } from 'node:crypto';
import type { AppContext } from '../kernel/context.js';
import { backoffDelayMs, mayRetry } from './job.rules.js';
import { claimNextJob, completeJob, failJob, renewLease, retryJobLater, type Claim, type JobRow } from './job.repository.js';
import type { AnyJob, JobRegistry } from './job.types.js';

export interface RunnerOptions {
  /** How long a claim holds; renewed while the job runs. */
  leaseMs: number;
  /** Names this runner in the lease (default: random). */
  owner?: string;
}

export interface RunSummary {
  ran: number;
  succeeded: number;
  failed: number;
}

/** The error's kind and code, never its message: a message can quote data. */
function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? `${error.name}:${code}` : error.name;
  }
  return typeof error;
}

export class JobRunner {
  readonly owner: string;
  constructor(
    private readonly ctx: AppContext,
    private readonly registry: JobRegistry,
    private readonly options: RunnerOptions,
  ) {
    this.owner = options.owner ?? `runner-${randomUUID()}`;
  }

  /** Runs ready jobs one after another until none is ready or `limit` have run. */
  async runReady(limit = 100): Promise<RunSummary> {
    const summary: RunSummary = { ran: 0, succeeded: 0, failed: 0 };
    while (summary.ran < limit) {
      const now = this.ctx.clock.now();
      const row = await claimNextJob(this.ctx.db, this.ctx.dialect, {
        now: now.toISOString(),
        owner: this.owner,
        leaseUntil: new Date(now.getTime() + this.options.leaseMs).toISOString(),
        names: this.registry.names(),
      });
      if (!row) break;
      summary.ran += 1;
      if (await this.runClaimed(row)) summary.succeeded += 1;
      else summary.failed += 1;
    }
    return summary;
  }

  private async giveUp(job: AnyJob, input: unknown): Promise<void> {
    try {
      await job.onGiveUp?.(this.ctx, input);
    } catch (error) {
      this.ctx.logger.error({ op: 'job', job: job.name, errType: describeError(error) }, 'job give-up handler failed');
    }
  }

  private async runClaimed(row: JobRow): Promise<boolean> {
    const { ctx } = this;
    const claim: Claim = { id: row.id, owner: this.owner, attempts: Number(row.attempts) };
    const job = this.registry.get(row.name);
    const log = { op: 'job', job: row.name, jobId: row.id, attempt: claim.attempts };
    if (!job) return false;
    const parsed = job.input.safeParse(JSON.parse(row.payload));
    if (!parsed.success) {
      await failJob(ctx.db, claim, 'invalid_payload', ctx.clock.now().toISOString());
      ctx.logger.error(log, 'job payload is not valid; given up');
      return false;
    }
    if (claim.attempts > Number(row.max_attempts)) {
      // Its runs kept dying without reporting back (the lease ran out each time).
      await failJob(ctx.db, claim, 'lease_expired_too_often', ctx.clock.now().toISOString());
      await this.giveUp(job, parsed.data);
      ctx.logger.error(log, 'job given up after its lease ran out too often');
      return false;
    }
    const heartbeat = setInterval(() => {
      const now = ctx.clock.now();
      renewLease(ctx.db, claim, new Date(now.getTime() + this.options.leaseMs).toISOString(), now.toISOString()).catch(() => undefined);
    }, Math.max(1_000, Math.floor(this.options.leaseMs / 3)));
    heartbeat.unref();
    try {
      await job.run(ctx, parsed.data, { id: row.id, attempt: claim.attempts });
    } catch (error) {
      clearInterval(heartbeat);
      const reason = describeError(error);
      const now = ctx.clock.now();
      if (mayRetry(claim.attempts, Number(row.max_attempts))) {
        const runAt = new Date(now.getTime() + backoffDelayMs(claim.attempts, job.backoff));
        await retryJobLater(ctx.db, claim, runAt.toISOString(), reason, now.toISOString());
        ctx.logger.warn({ ...log, errType: reason, retryAt: runAt.toISOString() }, 'job failed; will retry');
      } else {
        await failJob(ctx.db, claim, reason, now.toISOString());
        await this.giveUp(job, parsed.data);
        ctx.logger.error({ ...log, errType: reason }, 'job failed; given up');
      }
      return false;
    }
    clearInterval(heartbeat);
    if (!(await completeJob(ctx.db, claim, ctx.clock.now().toISOString()))) {
      // The lease ran out and someone else took the job over; their run counts. The effect is idempotent.
      ctx.logger.warn(log, 'job finished after its lease was taken over');
    }
    return true;
  }
}
