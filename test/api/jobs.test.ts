/**
 * Jobs claimed with leases: retries with backoff, idempotent effects, leases taken over, and two
 * Candor processes on one PostgreSQL database that fire each escalation once.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleDueClock, sweepClocks } from '../../src/clocks/clock-sweep.service.js';
import { clockSweepJob } from '../../src/clocks/clock.jobs.js';
import { candorJobRegistry, candorSchedulerOptions } from '../../src/jobs/candor-jobs.js';
import { claimNextJob, listJobs } from '../../src/jobs/job.repository.js';
import { enqueueJob } from '../../src/jobs/job.service.js';
import { defineJob, JobRegistry } from '../../src/jobs/job.types.js';
import { JobRunner } from '../../src/jobs/job.runner.js';
import { createScheduler } from '../../src/jobs/scheduler.js';
import { startRuntime, type Runtime } from '../../src/kernel/bootstrap.js';
import { ManualClock } from '../../src/kernel/clock.js';
import { createLogger } from '../../src/kernel/logger.js';
import { z } from 'zod';
import { startTestApp, type TestApp } from '../support/app.js';
import { DIALECTS } from '../support/databases.js';

const DAY = 86_400_000;

async function reportCases(app: TestApp, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let index = 0; index < count; index++) {
    const { caseRef } = await app.submitReport({ category: 'harassment' });
    const row = await app.ctx.db.selectFrom('cases').select('id').where('ref', '=', caseRef).executeTakeFirstOrThrow();
    ids.push(row.id);
  }
  return ids;
}

async function escalationCounts(app: TestApp, caseIds: readonly string[]) {
  const rows = await app.ctx.db.selectFrom('case_escalations').select('case_id').where('case_id', 'in', caseIds).execute();
  const audits = await app.ctx.db.selectFrom('audit_events').select('case_id').where('action', '=', 'case.escalate').where('case_id', 'in', caseIds).execute();
  const grants = await app.ctx.db.selectFrom('case_access').select('case_id').where('grant_kind', '=', 'oversight').where('active', '=', 1).where('case_id', 'in', caseIds).execute();
  return { rows: rows.length, audits: audits.length, activeOversight: grants.length, perCase: new Set(rows.map((row) => row.case_id)).size };
}

describe.each(DIALECTS)('jobs (%s)', (dialect) => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp(dialect);
    await app.createStaff('handler', { channel: 'general' });
    await app.createStaff('oversight');
  });
  afterAll(() => app?.close());

  it('a sweep that crashes after escalating one case is retried with backoff, and every case escalates exactly once', async () => {
    const caseIds = await reportCases(app, 3);
    app.clock.advance(7 * DAY + 1);
    // The first attempt handles one due clock for real, then dies before the job is recorded as done.
    const brokenOnce = defineJob({
      ...clockSweepJob,
      async run(ctx, input, job) {
        if (job.attempt === 1) {
          const first = await ctx.db.selectFrom('case_clocks').select(['case_id', 'kind']).where('case_id', '=', caseIds[0]!).where('kind', '=', 'acknowledge').executeTakeFirstOrThrow();
          await handleDueClock(ctx, first.case_id, first.kind, ctx.clock.now());
          throw new Error('the node died');
        }
        await clockSweepJob.run(ctx, input, job);
      },
    });
    const scheduler = createScheduler(app.ctx, candorSchedulerOptions(app.ctx, candorJobRegistry().replace(brokenOnce)));
    const first = await scheduler.tick();
    expect(first.failed).toBeGreaterThanOrEqual(1);
    expect(await escalationCounts(app, caseIds)).toEqual({ rows: 1, audits: 1, activeOversight: 1, perCase: 1 });
    const [failedSweep] = (await listJobs(app.ctx.db, 'clock.sweep')).filter((job) => job.finished_at === null);
    expect(failedSweep).toMatchObject({ state: 'queued', attempts: 1, last_error: 'Error' });

    // Before the backoff has passed, nothing runs again (and no second sweep is queued beside it).
    await scheduler.tick();
    expect((await listJobs(app.ctx.db, 'clock.sweep')).filter((job) => job.finished_at === null)).toHaveLength(1);
    expect(await escalationCounts(app, caseIds)).toMatchObject({ rows: 1 });

    app.clock.advance(11_000);
    await scheduler.tick();
    expect(await escalationCounts(app, caseIds)).toEqual({ rows: 3, audits: 3, activeOversight: 3, perCase: 3 });
    const retried = await app.ctx.db.selectFrom('jobs').selectAll().where('id', '=', failedSweep!.id).executeTakeFirstOrThrow();
    expect(retried).toMatchObject({ state: 'done', attempts: 2, dedupe_key: null });

    // Running the sweep again, and again, changes nothing.
    app.clock.advance(60_000);
    await scheduler.tick();
    await sweepClocks(app.ctx);
    expect(await escalationCounts(app, caseIds)).toEqual({ rows: 3, audits: 3, activeOversight: 3, perCase: 3 });
  });

  it('a job whose node died (its lease ran out) is taken over by another runner', async () => {
    const ran: number[] = [];
    const job = defineJob({ name: 'test.lease', input: z.object({ n: z.number() }), maxAttempts: 3, run: async (_ctx, input) => void ran.push(input.n) });
    const registry = new JobRegistry([job]);
    await enqueueJob(app.ctx.db, app.clock.now(), job, { n: 7 });
    const now = app.clock.now();
    const claimed = await claimNextJob(app.ctx.db, app.ctx.dialect, { now: now.toISOString(), owner: 'dead-node', leaseUntil: new Date(now.getTime() + 60_000).toISOString(), names: ['test.lease'] });
    expect(claimed).toMatchObject({ state: 'running', lease_owner: 'dead-node', attempts: 1 });
    const other = new JobRunner(app.ctx, registry, { leaseMs: 60_000, owner: 'live-node' });
    expect(await other.runReady()).toMatchObject({ ran: 0 });
    app.clock.advance(60_001);
    expect(await other.runReady()).toMatchObject({ ran: 1, succeeded: 1 });
    expect(ran).toEqual([7]);
    expect(await app.ctx.db.selectFrom('jobs').select(['state', 'attempts']).where('id', '=', claimed!.id).executeTakeFirst()).toEqual({ state: 'done', attempts: 2 });
  });

  it('a job that keeps failing backs off, then gives up after its attempts and says so once', async () => {
    let givenUp = 0;
    const attempts: string[] = [];
    const job = defineJob({
      name: 'test.failing',
      input: z.object({}),
      maxAttempts: 3,
      backoff: { baseMs: 1_000, capMs: 10_000 },
      run: async () => {
        attempts.push(app.clock.now().toISOString());
        throw Object.assign(new Error('nope'), { code: 'E_TEST' });
      },
      onGiveUp: async () => void (givenUp += 1),
    });
    const runner = new JobRunner(app.ctx, new JobRegistry([job]), { leaseMs: 60_000 });
    const id = await enqueueJob(app.ctx.db, app.clock.now(), job, {});
    await runner.runReady();
    app.clock.advance(999);
    await runner.runReady();
    expect(attempts).toHaveLength(1);
    app.clock.advance(1);
    await runner.runReady();
    app.clock.advance(2_000);
    await runner.runReady();
    app.clock.advance(60_000);
    await runner.runReady();
    expect(attempts).toHaveLength(3);
    expect(givenUp).toBe(1);
    expect(await app.ctx.db.selectFrom('jobs').select(['state', 'attempts', 'last_error']).where('id', '=', id!).executeTakeFirst()).toEqual({
      state: 'failed',
      attempts: 3,
      last_error: 'Error:E_TEST',
    });
  });

  it('a dedupe key keeps one open job: the scheduler never queues a second sweep beside a waiting one', async () => {
    const now = app.clock.now();
    const first = await enqueueJob(app.ctx.db, now, clockSweepJob, {}, { dedupeKey: 'test:dedupe' });
    const second = await enqueueJob(app.ctx.db, now, clockSweepJob, {}, { dedupeKey: 'test:dedupe' });
    expect(first).not.toBeNull();
    expect(second).toBeNull();
  });
});

describe('two Candor processes on one PostgreSQL database', () => {
  let app: TestApp;
  let second: Runtime;
  const secondClock = new ManualClock();

  beforeAll(async () => {
    app = await startTestApp('postgres');
    await app.createStaff('handler', { channel: 'general' });
    await app.createStaff('oversight');
    secondClock.set(app.clock.now());
    const sink = new Writable({ write: (_chunk, _encoding, done) => done() });
    second = await startRuntime(app.config, { clock: secondClock, logger: createLogger('info', sink) });
  });
  afterAll(async () => {
    await second?.close();
    await app?.close();
  });

  it('fire each escalation once, counted in the database', async () => {
    const caseIds = await reportCases(app, 12);
    const start = app.clock.now().getTime();
    for (const clock of [app.clock, secondClock]) clock.set(new Date(start + 7 * DAY + 1));
    const one = createScheduler(app.ctx, { ...candorSchedulerOptions(app.ctx), owner: 'node-1' });
    const two = createScheduler(second.ctx, { ...candorSchedulerOptions(second.ctx), owner: 'node-2' });
    for (let round = 0; round < 5; round++) await Promise.all([one.tick(), two.tick(), one.tick(), two.tick()]);
    expect(await escalationCounts(app, caseIds)).toEqual({ rows: 12, audits: 12, activeOversight: 12, perCase: 12 });

    // Even sweeps run side by side outside the job queue (no lease at all) act once per clock.
    for (const clock of [app.clock, secondClock]) clock.set(new Date(start + 14 * DAY + 1));
    const [a, b] = await Promise.all([sweepClocks(app.ctx), sweepClocks(second.ctx)]);
    expect(a.breaches + b.breaches).toBe(12); // the idle alarms, at 14 days
    const breaches = await app.ctx.db.selectFrom('audit_events').select(['case_id', 'details']).where('action', '=', 'clock.breach').where('case_id', 'in', caseIds).execute();
    expect(breaches).toHaveLength(24);
    expect(await escalationCounts(app, caseIds)).toMatchObject({ rows: 12 }); // oversight was the top rung already
    const exhausted = await app.ctx.db.selectFrom('audit_events').select('case_id').where('action', '=', 'case.escalate.exhausted').where('case_id', 'in', caseIds).execute();
    expect(exhausted).toHaveLength(12);
    const sweeps = await listJobs(app.ctx.db, 'clock.sweep');
    expect(new Set(sweeps.map((job) => job.lease_owner ?? 'finished'))).toEqual(new Set(['finished']));
  });
});
