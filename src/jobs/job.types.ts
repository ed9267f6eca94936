/**
 * A job is a named function with typed input, retries with backoff, and an idempotent effect: it
 * may run more than once (a node died mid-way, a lease ran out), and running it again does no harm.
 */
import type { z } from 'zod';
import type { AppContext } from '../kernel/context.js';
import type { Backoff } from './job.rules.js';

export interface JobRun {
  id: string;
  /** 1 on the first run. */
  attempt: number;
}

export interface JobDefinition<I = unknown> {
  name: string;
  input: z.ZodType<I>;
  maxAttempts: number;
  backoff?: Backoff;
  run(ctx: AppContext, input: I, job: JobRun): Promise<void>;
  /** Called once when the last attempt failed, e.g. to mark an e-mail as undeliverable. */
  onGiveUp?(ctx: AppContext, input: I): Promise<void>;
}

/** Declares a job; the type of its input follows from the schema. */
export function defineJob<I>(definition: JobDefinition<I>): JobDefinition<I> {
  return definition;
}

export type AnyJob = JobDefinition<any>;

/** The jobs a runner knows, by name. */
export class JobRegistry {
  readonly #jobs = new Map<string, AnyJob>();
  constructor(jobs: readonly AnyJob[] = []) {
    for (const job of jobs) this.add(job);
  }
  add(job: AnyJob): this {
    if (this.#jobs.has(job.name)) throw new Error(`Job ${job.name} is registered twice.`);
    this.#jobs.set(job.name, job);
    return this;
  }
  /** Replaces a job's definition (tests use it to break a job on purpose). */
  replace(job: AnyJob): this {
    this.#jobs.set(job.name, job);
    return this;
  }
  get(name: string): AnyJob | undefined {
    return this.#jobs.get(name);
  }
  names(): string[] {
    return [...this.#jobs.keys()];
  }
}
