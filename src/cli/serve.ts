import { deleteExpiredSessions } from '../identity/session.repository.js';
import { startCandorScheduler } from '../jobs/candor-jobs.js';
import { startRuntime, type Runtime } from '../kernel/bootstrap.js';
import type { Config } from '../kernel/config.js';
import { buildServer } from '../server.js';
import { baseUrlForServer } from '../setup/links.js';
import { issueSetupLink, setupPath } from '../setup/setup.service.js';

/** Runs the server until SIGINT/SIGTERM, then drains requests and closes the database. */
export async function serve(config: Config): Promise<number> {
  const runtime = await startRuntime(config);
  const { ctx } = runtime;
  const app = await buildServer(ctx);
  await app.listen({ port: config.port, host: config.host });
  ctx.logger.info({ op: 'serve', port: config.port, host: config.host, database: ctx.dialect }, 'Candor is listening');
  await printFirstRunLink(runtime.ctx, config);

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

/**
 * On a first start (no account, no invitation), prints a one-time link to the set-up wizard on
 * standard output. It never goes to the log: whoever reads the log must not be able to take over.
 */
async function printFirstRunLink(ctx: Runtime['ctx'], config: Config): Promise<void> {
  const link = await issueSetupLink(ctx);
  if (!link) return;
  ctx.logger.info({ op: 'setup' }, 'no staff account yet: the one-time setup link is on standard output');
  process.stdout.write(
    `\nCandor has no accounts yet. Open this link to set it up (it works once, until ${link.expiresAt}):\n\n  ${baseUrlForServer(config)}${setupPath(link.token)}\n\n`,
  );
}
