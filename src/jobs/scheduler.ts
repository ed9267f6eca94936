/**
 * The scheduler loop that `candor serve` starts on every node: each tick it queues the recurring
 * jobs (once across all nodes, by dedupe key) and runs whatever jobs are ready. Time comes from
 * the context's clock, so a test drives months of clock with a ManualClock and calls tick().
 */
import type { AppContext } from '../kernel/context.js';
import { enqueueJob } from './job.service.js';
import { JobRunner, type RunSummary } from './job.runner.js';
import type { AnyJob, JobRegistry } from './job.types.js';

export interface RecurringJob {
  job: AnyJob;
  input: unknown;
  /** Queue it at most this often (default: every tick). */
  everyMs?: number;
}

export interface SchedulerOptions {
  registry: JobRegistry;
  recurring: readonly RecurringJob[];
  /** Real time between ticks. */
  intervalMs: number;
  leaseMs: number;
  owner?: string;
  /** Jobs run per tick at most, so one tick cannot run for ever. */
  jobsPerTick?: number;
  /** Work to do once before the first tick (e.g. re-queue e-mail left unsent). */
  onStart?: (ctx: AppContext) => Promise<void>;
}

export interface Scheduler {
  readonly runner: JobRunner;
  /** One round: queue what is due, run what is ready. Overlapping calls share the round in progress. */
  tick(): Promise<RunSummary>;
  /** Stops the loop and waits for the round in progress. */
  stop(): Promise<void>;
}

/** Builds a scheduler without starting its timer (tests call tick() themselves). */
export function createScheduler(ctx: AppContext, options: SchedulerOptions): Scheduler {
  const runner = new JobRunner(ctx, options.registry, { leaseMs: options.leaseMs, owner: options.owner });
  const lastQueued = new Map<string, number>();
  let started = false;
  let current: Promise<RunSummary> | null = null;

  async function round(): Promise<RunSummary> {
    if (!started) {
      started = true;
      await options.onStart?.(ctx);
    }
    const now = ctx.clock.now();
    for (const recurring of options.recurring) {
      const last = lastQueued.get(recurring.job.name);
      if (last !== undefined && recurring.everyMs !== undefined && now.getTime() - last < recurring.everyMs) continue;
      // The dedupe key is cleared when the job finishes: one open job of each recurring kind, across every node.
      await enqueueJob(ctx.db, now, recurring.job, recurring.input, { dedupeKey: `recurring:${recurring.job.name}` });
      lastQueued.set(recurring.job.name, now.getTime());
    }
    return runner.runReady(options.jobsPerTick ?? 100);
  }

  return {
    runner,
    tick() {
      current ??= round().finally(() => {
        current = null;
      });
      return current;
    },
    async stop() {
      await current?.catch(() => undefined);
    },
  };
}

/** Starts the loop: a tick now, then one every `intervalMs`, until stop(). */
export function startScheduler(ctx: AppContext, options: SchedulerOptions): Scheduler {
  const scheduler = createScheduler(ctx, options);
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const loop = async () => {
    try {
      await scheduler.tick();
    } catch (error) {
      ctx.logger.error({ op: 'scheduler', errType: error instanceof Error ? error.name : typeof error }, 'scheduler tick failed');
    }
    if (!stopped) {
      timer = setTimeout(loop, options.intervalMs);
      timer.unref();
    }
  };
  timer = setTimeout(loop, 0);
  timer.unref();
  return {
    runner: scheduler.runner,
    tick: () => scheduler.tick(),
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await scheduler.stop();
    },
  };
}
