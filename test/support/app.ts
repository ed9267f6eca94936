import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { createStaffUser } from '../../src/identity/identity.service.js';
import { startRuntime, type Runtime } from '../../src/kernel/bootstrap.js';
import { ManualClock, type Clock } from '../../src/kernel/clock.js';
import { loadConfig, type Config } from '../../src/kernel/config.js';
import type { AppContext } from '../../src/kernel/context.js';
import type { Dialect } from '../../src/kernel/database.js';
import type { StaffRole } from '../../src/kernel/db-schema.js';
import { createLogger } from '../../src/kernel/logger.js';
import { buildServer } from '../../src/server.js';
import { createTestDatabase, type TestDatabase } from './databases.js';
import { HttpClient } from './http-client.js';

export const TEST_PASSWORD = 'a long test password 1';

export interface TestStaff {
  id: string;
  email: string;
  password: string;
  recoveryKey: string;
  role: StaffRole;
}

export interface TestApp {
  dialect: Dialect;
  database: TestDatabase;
  config: Config;
  ctx: AppContext;
  clock: ManualClock;
  baseUrl: string;
  /** Every log line the server wrote, for asserting that nothing sensitive was logged. */
  logLines: string[];
  client(): HttpClient;
  createStaff(role: StaffRole, options?: { channel?: string; email?: string }): Promise<TestStaff>;
  signIn(staff: TestStaff): Promise<HttpClient>;
  submitReport(body?: Record<string, unknown>): Promise<{ receipt: string; caseRef: string; acknowledgeBy: string; feedbackBy: string }>;
  close(): Promise<void>;
}

export function testConfig(database: TestDatabase, env: Record<string, string> = {}): Config {
  return loadConfig({ CANDOR_DATA_DIR: database.dataDir, CANDOR_DATABASE_URL: database.url, LOG_LEVEL: 'info', ...env });
}

/** A real Candor server on a fresh database of the dialect, listening on a free port on loopback. */
export async function startTestApp(
  dialect: Dialect,
  options: { database?: TestDatabase; clock?: Clock; env?: Record<string, string> } = {},
): Promise<TestApp> {
  const database = options.database ?? (await createTestDatabase(dialect));
  const config = testConfig(database, options.env);
  const logLines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logLines.push(chunk.toString());
      done();
    },
  });
  const clock = (options.clock as ManualClock | undefined) ?? new ManualClock(new Date());
  const runtime: Runtime = await startRuntime(config, { clock, logger: createLogger('info', sink) });
  const server: FastifyInstance = await buildServer(runtime.ctx);
  await server.listen({ port: 0, host: '127.0.0.1' });
  const address = server.server.address();
  const baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  let counter = 0;

  const app: TestApp = {
    dialect,
    database,
    config,
    ctx: runtime.ctx,
    clock,
    baseUrl,
    logLines,
    client: () => new HttpClient(baseUrl),
    async createStaff(role, staffOptions = {}) {
      counter += 1;
      const email = staffOptions.email ?? `${role}${counter}-${Math.random().toString(36).slice(2, 8)}@example.org`;
      const created = await createStaffUser(runtime.ctx, { type: 'system', id: 'test' }, {
        email,
        name: `${role} ${counter}`,
        role,
        password: TEST_PASSWORD,
        channel: staffOptions.channel,
      });
      return { id: created.id, email, password: TEST_PASSWORD, recoveryKey: created.recoveryKey, role };
    },
    async signIn(staff) {
      const client = new HttpClient(baseUrl);
      const result = await client.post('/api/v1/auth/login', { email: staff.email, password: staff.password });
      if (result.status !== 200) throw new Error(`sign-in failed: ${result.status} ${JSON.stringify(result.body)}`);
      return client;
    },
    async submitReport(body = {}) {
      const result = await new HttpClient(baseUrl).post('/api/v1/reports', {
        category: 'sexual-harassment',
        narrative: 'Something happened that I need to report.',
        anonymity: 'anonymous',
        ...body,
      });
      if (result.status !== 201) throw new Error(`report failed: ${result.status} ${JSON.stringify(result.body)}`);
      return result.body;
    },
    async close() {
      await server.close();
      await runtime.close();
      if (!options.database) await database.dispose();
    },
  };
  return app;
}
