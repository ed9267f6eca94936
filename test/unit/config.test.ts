import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { ConfigError, loadConfig } from '../../src/kernel/config.js';

/** Runs loadConfig and answers the ConfigError it threw; fails the test if it accepted the environment. */
function configError(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`expected a ConfigError for ${JSON.stringify(env)}`);
}

describe('loadConfig', () => {
  test('defaults: port 8080 on loopback, ./data resolved, an SQLite file inside it, minimum Argon2id, 7 days / 3 months', () => {
    const config = loadConfig({});
    const dataDir = path.resolve('./data');
    expect(config.port).toBe(8080);
    expect(config.host).toBe('127.0.0.1');
    expect(config.dataDir).toBe(dataDir);
    expect(path.isAbsolute(config.dataDir)).toBe(true);
    expect(config.database).toEqual({ kind: 'sqlite', file: path.join(dataDir, 'candor.sqlite') });
    expect(config.argon2).toEqual({ memoryKib: 19_456, passes: 2, parallelism: 1 });
    expect(config.clocks).toEqual({ acknowledgeDays: 7, feedbackMonths: 3, investigationDays: 60, idleDays: 14 });
    expect(config.jobs).toEqual({ enabled: true, schedulerIntervalMs: 60_000, leaseMs: 120_000 });
    expect(config.mail).toEqual({ smtpUrl: null, from: 'Candor <candor@localhost>', notifyKey: { file: path.join(dataDir, 'notify-address.key') } });
    expect(config.session.secureCookies).toBe(false);
    expect(config.logLevel).toBe('info');
  });

  test('empty values count as unset', () => {
    const config = loadConfig({ PORT: '', CANDOR_DATABASE_URL: '' });
    expect(config.port).toBe(8080);
    expect(config.database.kind).toBe('sqlite');
  });

  test('PORT overrides the port', () => {
    expect(loadConfig({ PORT: '3000' }).port).toBe(3000);
  });

  test.each(['0', '-1', '65536', '80.5', 'eighty'])('PORT=%s is refused', (port) => {
    expect(configError({ PORT: port }).message).toContain('PORT');
  });

  test('the SQLite file follows CANDOR_DATA_DIR', () => {
    const config = loadConfig({ CANDOR_DATA_DIR: '/var/lib/candor' });
    expect(config.dataDir).toBe('/var/lib/candor');
    expect(config.database).toEqual({ kind: 'sqlite', file: '/var/lib/candor/candor.sqlite' });
  });

  test.each(['postgres://candor:secret@db.internal:5432/candor', 'postgresql://db.internal/candor?sslmode=require'])(
    'a PostgreSQL URL selects PostgreSQL: %s',
    (url) => {
      expect(loadConfig({ CANDOR_DATABASE_URL: url }).database).toEqual({ kind: 'postgres', url });
    },
  );

  test('sqlite:PATH selects that SQLite file, resolved to an absolute path', () => {
    expect(loadConfig({ CANDOR_DATABASE_URL: 'sqlite:/srv/candor.db' }).database).toEqual({ kind: 'sqlite', file: '/srv/candor.db' });
    expect(loadConfig({ CANDOR_DATABASE_URL: 'sqlite:db/candor.db' }).database).toEqual({ kind: 'sqlite', file: path.resolve('db/candor.db') });
  });

  test.each(['mysql://localhost/candor', '/srv/candor.db', 'candor.sqlite', 'http://postgres/candor'])('CANDOR_DATABASE_URL=%s is refused', (url) => {
    expect(configError({ CANDOR_DATABASE_URL: url }).message).toContain('CANDOR_DATABASE_URL');
  });

  test('the minimum Argon2id settings (19456 KiB, 2 passes) are accepted, and stronger ones kept', () => {
    expect(loadConfig({ CANDOR_ARGON2_MEMORY_KIB: '19456', CANDOR_ARGON2_PASSES: '2' }).argon2).toEqual({ memoryKib: 19_456, passes: 2, parallelism: 1 });
    expect(loadConfig({ CANDOR_ARGON2_MEMORY_KIB: '65536', CANDOR_ARGON2_PASSES: '3', CANDOR_ARGON2_PARALLELISM: '4' }).argon2).toEqual({
      memoryKib: 65_536,
      passes: 3,
      parallelism: 4,
    });
  });

  test('Argon2id memory below 19456 KiB is refused with ConfigError', () => {
    const error = configError({ CANDOR_ARGON2_MEMORY_KIB: '19455' });
    expect(error.message).toContain('CANDOR_ARGON2_MEMORY_KIB');
    expect(error.message).toContain('at least 19456');
  });

  test('a single Argon2id pass is refused with ConfigError', () => {
    const error = configError({ CANDOR_ARGON2_PASSES: '1' });
    expect(error.message).toContain('CANDOR_ARGON2_PASSES');
    expect(error.message).toContain('at least 2');
  });

  test('zero parallelism is refused', () => {
    expect(configError({ CANDOR_ARGON2_PARALLELISM: '0' }).message).toContain('CANDOR_ARGON2_PARALLELISM');
  });

  test('every bad variable is named at once', () => {
    const error = configError({ PORT: 'x', CANDOR_ARGON2_MEMORY_KIB: '1024', CANDOR_ARGON2_PASSES: '1', LOG_LEVEL: 'loud' });
    for (const name of ['PORT', 'CANDOR_ARGON2_MEMORY_KIB', 'CANDOR_ARGON2_PASSES', 'LOG_LEVEL']) expect(error.message).toContain(name);
  });

  test('reads process.env when no environment is passed', () => {
    const saved = process.env.PORT;
    process.env.PORT = '4321';
    try {
      expect(loadConfig().port).toBe(4321);
    } finally {
      if (saved === undefined) delete process.env.PORT;
      else process.env.PORT = saved;
    }
  });
});
