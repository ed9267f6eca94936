/** The clock sweep as a job: queued by the scheduler on every tick, run by whichever node claims it. */
import { z } from 'zod';
import { defineJob } from '../jobs/job.types.js';
import { sweepClocks } from './clock-sweep.service.js';

export const clockSweepJob = defineJob({
  name: 'clock.sweep',
  input: z.object({}),
  maxAttempts: 5,
  backoff: { baseMs: 10_000, capMs: 5 * 60_000 },
  async run(ctx) {
    const result = await sweepClocks(ctx);
    if (result.warnings + result.breaches > 0) ctx.logger.info({ op: 'clocks.sweep', ...result }, 'clock sweep');
  },
});
