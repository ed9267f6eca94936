/** The runtime a command works in: configuration from the environment, warnings to standard error, closed when the work ends. */
import { startRuntime, type Runtime } from '../kernel/bootstrap.js';
import { loadConfig } from '../kernel/config.js';
import { createLogger } from '../kernel/logger.js';

export async function withRuntime<T>(work: (runtime: Runtime) => Promise<T>): Promise<T> {
  const runtime = await startRuntime(loadConfig(), { logger: createLogger('warn', process.stderr) });
  try {
    return await work(runtime);
  } finally {
    await runtime.close();
  }
}
