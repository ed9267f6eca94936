import { deleteExpiredSessions } from '../identity/session.repository.js';
import { startCandorScheduler } from '../jobs/candor-jobs.js';
import { startRuntime } from '../kernel/bootstrap.js';
import type { Config } from '../kernel/config.js';
import { buildServer } from '../server.js';

/** Runs the server until SIGINT/SIGTERM, then drains requests and closes the database. */
export async function serve(config: Config): Promise<number> {
  const runtime = await startRuntime(config);
  const { ctx } = runtime;
  const app = await buildServer(ctx);
  await app.listen({ port: config.port, host: config.host });
  ctx.logger.info({ op: 'serve', port: config.port, host: config.host, database: ctx.dialect }, 'Candor is listening');

  const sweep = setInterval(() => {
    deleteExpiredSessions(ctx.db, ctx.clock.now().toISOString()).catch((error: Error) =>
      ctx.logger.warn({ op: 'sessions.sweep', errType: error.name }, 'session sweep failed'),
    );
  }, 10 * 60_000);
  sweep.unref();
  // Clock sweeps and e-mail: every node runs the scheduler; leases keep each job to one node.
  const scheduler = ctx.config.jobs.enabled ? startCandorScheduler(ctx) : null;

  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  clearInterval(sweep);
  ctx.logger.info({ op: 'serve' }, 'shutting down');
  await scheduler?.stop();
  await app.close();
  await runtime.close();
  return 0;
}
