import type { Logger } from 'pino';
import { systemClock, type Clock } from './clock.js';
import type { Config } from './config.js';
import type { AppContext } from './context.js';
import { openDatabase } from './database.js';
import { createLogger } from './logger.js';
import { migrateToLatest } from './migrations/index.js';

export interface Runtime {
  ctx: AppContext;
  close(): Promise<void>;
}

/** Opens the database, brings its schema up to date and assembles the context every service takes. */
export async function startRuntime(config: Config, options: { clock?: Clock; logger?: Logger } = {}): Promise<Runtime> {
  const handle = openDatabase(config);
  try {
    await migrateToLatest(handle.db, handle.dialect);
  } catch (error) {
    await handle.close();
    throw error;
  }
  const ctx: AppContext = {
    config,
    db: handle.db,
    dialect: handle.dialect,
    clock: options.clock ?? systemClock,
    logger: options.logger ?? createLogger(config.logLevel, process.stderr),
  };
  return { ctx, close: () => handle.close() };
}
