/**
 * First run and account commands as an operator meets them: `candor serve` on an empty database
 * prints a one-time setup link, `candor setup link`, `candor user invite|list|disable|enable|unlock|reset-2fa`,
 * and `candor demo`, on SQLite and PostgreSQL.
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadConfig } from '../../src/kernel/config.js';
import { openDatabase } from '../../src/kernel/database.js';
import { runCli } from '../support/cli.js';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../support/databases.js';

const REPO_ROOT = new URL('../../', import.meta.url).pathname;

/** Starts `candor serve` and answers the first setup link it prints, then stops it (SIGTERM to this child only). */
function serveUntilLink(database: TestDatabase, port: number): Promise<{ link: string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/entry.ts', 'serve'], {
    cwd: REPO_ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn', CANDOR_DATABASE_URL: database.url, CANDOR_DATA_DIR: database.dataDir, PORT: String(port), HOST: '127.0.0.1' },
  });
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  const stop = async () => {
    child.kill('SIGTERM');
    await exited;
  };
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`no setup link within 30 s\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, 30_000);
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /(http:\/\/127\.0\.0\.1:\d+\/setup\/[A-Za-z0-9_-]{43})/.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve({ link: match[1]!, stop });
      }
    });
    child.on('error', reject);
  });
}

describe.each(DIALECTS)('first run from the command line (%s)', (dialect) => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
  });
  afterAll(() => database?.dispose());

  test('candor serve prints a one-time setup link while no account exists, and it opens the wizard', async () => {
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const { link, stop } = await serveUntilLink(database, port);
    try {
      const page = await fetch(link);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('Create the admin account');
    } finally {
      await stop();
    }
    // A fresh link on demand; the one serve printed stops working.
    const fresh = await runCli(['setup', 'link'], { database });
    expect(fresh.code).toBe(0);
    expect(fresh.stdout.trim()).toMatch(/^http:\/\/127\.0\.0\.1:8080\/setup\/[A-Za-z0-9_-]{43}$/);
  });

  test('candor user invite, list, disable, enable, unlock and reset-2fa', async () => {
    const invited = await runCli(['user', 'invite', '--email', 'Hana@Example.org', '--name', 'Hana Ito', '--role', 'handler', '--channel', 'general', '--json'], { database });
    expect(invited.stderr).toBe('');
    const body = JSON.parse(invited.stdout) as { id: string; enrolmentUrl: string };
    expect(body.enrolmentUrl).toMatch(/\/enrol\/[A-Za-z0-9_-]{43}$/);
    // An invitation closes the first-run wizard.
    expect((await runCli(['setup', 'link'], { database })).code).toBe(1);

    const added = await runCli(['user', 'add', '--email', 'ops@example.org', '--name', 'Ops', '--role', 'admin'], { database, input: 'an operator password\n' });
    expect(added.code).toBe(0);
    const list = await runCli(['user', 'list'], { database });
    expect(list.stdout).toContain('hana@example.org\thandler\tgeneral\tinvited');
    expect(list.stdout).toContain('ops@example.org\tadmin\t-\tactive');

    // The last admin cannot be disabled, not even from the command line.
    const lastAdmin = await runCli(['user', 'disable', '--email', 'ops@example.org'], { database });
    expect(lastAdmin.code).toBe(1);
    expect(lastAdmin.stderr).toContain('last_admin');
    expect((await runCli(['user', 'add', '--email', 'lee@example.org', '--name', 'Lee', '--role', 'analyst'], { database, input: 'an analyst password\n' })).code).toBe(0);
    expect((await runCli(['user', 'disable', '--email', 'lee@example.org'], { database })).code).toBe(0);
    expect((await runCli(['user', 'list'], { database })).stdout).toContain('lee@example.org\tanalyst\t-\tdisabled');
    expect((await runCli(['user', 'enable', '--email', 'lee@example.org'], { database })).code).toBe(0);
    expect((await runCli(['user', 'unlock', '--email', 'ops@example.org'], { database })).stdout).toContain('Unlocked');
    expect((await runCli(['user', 'reset-2fa', '--email', 'ops@example.org'], { database })).code).toBe(0);
    const missing = await runCli(['user', 'unlock', '--email', 'nobody@example.org'], { database });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('user_not_found');

    const handle = openDatabase(loadConfig({ CANDOR_DATABASE_URL: database.url, CANDOR_DATA_DIR: database.dataDir }));
    try {
      const actions = (await handle.db.selectFrom('audit_events').select('action').orderBy('seq').execute()).map((row) => row.action);
      expect(actions).toEqual(expect.arrayContaining(['user.invite', 'user.disable', 'user.enable', 'user.unlock', 'auth.totp.reset']));
    } finally {
      await handle.close();
    }
  }, 240_000);

  test('candor demo refuses an installation with accounts unless forced', async () => {
    const refused = await runCli(['demo'], { database });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('has_accounts');
  });
});
