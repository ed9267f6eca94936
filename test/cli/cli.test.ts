/**
 * The `candor` command line as an operator runs it: a child process started from source, with the
 * database chosen by environment variables, on SQLite and on PostgreSQL.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadConfig } from '../../src/kernel/config.js';
import {
  derivePasswordKey,
  deriveRecoveryKey,
  generateCaseKey,
  unwrapCaseKeyForUser,
  unwrapPrivateKey,
  wrapCaseKeyForUser,
  type PasswordKdf,
  type UserPublicKey,
} from '../../src/kernel/crypto.js';
import { openDatabase, type DatabaseHandle, type Dialect } from '../../src/kernel/database.js';
import { runCli } from '../support/cli.js';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../support/databases.js';

const PASSWORD = 'correct horse battery staple 42';

function open(database: TestDatabase): DatabaseHandle {
  return openDatabase(loadConfig({ CANDOR_DATABASE_URL: database.url, CANDOR_DATA_DIR: database.dataDir }));
}

/** Opens the test database, runs `work` on it and closes it again, so the CLI is the only other client. */
async function withDatabase<T>(database: TestDatabase, work: (handle: DatabaseHandle) => Promise<T>): Promise<T> {
  const handle = open(database);
  try {
    return await work(handle);
  } finally {
    await handle.close();
  }
}

const countUsers = (database: TestDatabase) =>
  withDatabase(database, async ({ db }) => (await db.selectFrom('users').select(['email']).execute()).map((row) => row.email));

describe('candor --help', () => {
  test.concurrent.each([
    [[], 'Usage: candor [options] [command]'],
    [['serve'], 'Usage: candor serve'],
    [['migrate'], 'Usage: candor migrate'],
    [['user'], 'Usage: candor user'],
    [['user', 'add'], 'Usage: candor user add'],
    [['channel'], 'Usage: candor channel'],
    [['channel', 'add'], 'Usage: candor channel add'],
    [['channel', 'list'], 'Usage: candor channel list'],
    [['audit'], 'Usage: candor audit'],
    [['audit', 'verify'], 'Usage: candor audit verify'],
  ])('candor %j --help exits 0 and prints its usage', async (command, usage) => {
    // No database settings at all: asking for help must not need one.
    const result = await runCli([...command, '--help']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout.startsWith(usage)).toBe(true);
    expect(result.stdout).toContain('-h, --help');
  });

  test('the top-level help lists every command', async () => {
    const { stdout } = await runCli(['--help']);
    for (const command of ['serve', 'migrate', 'user', 'channel', 'audit']) expect(stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
  });

  test('user add --help names its options and the roles', async () => {
    const { stdout } = await runCli(['user', 'add', '--help']);
    for (const option of ['--email <email>', '--name <name>', '--role <role>', '--channel <slug>', '--json']) expect(stdout).toContain(option);
    expect(stdout).toContain('"handler"');
  });
});

/** Drops the triggers that make the audit log append-only, as someone with full database rights could. */
async function dropAppendOnlyTriggers(handle: DatabaseHandle): Promise<void> {
  if (handle.dialect === 'sqlite') {
    await sql`DROP TRIGGER audit_events_no_update`.execute(handle.db);
    await sql`DROP TRIGGER audit_events_no_delete`.execute(handle.db);
  } else {
    await sql`DROP TRIGGER audit_events_append_only ON audit_events`.execute(handle.db);
  }
}

describe.each(DIALECTS)('candor on %s', (dialect: Dialect) => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
  });
  afterAll(async () => {
    await database?.dispose();
  });

  // Runs first, while the database is still empty.
  test('migrate creates the schema on an empty database, and a second run has nothing to do', async () => {
    const first = await runCli(['migrate'], { database });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    // Every migration, in order, starting with the foundation (later ones are added over time).
    expect(first.stdout.trim()).toMatch(/^Applied: 0001-foundation(, \d{4}-[a-z0-9-]+)*$/);

    await withDatabase(database, async ({ db }) => {
      expect(await db.selectFrom('channels').select(['slug', 'name']).execute()).toContainEqual({ slug: 'general', name: 'General' });
      expect(await db.selectFrom('settings').select('key').execute()).toContainEqual({ key: 'receipt_salt' });
      expect(await db.selectFrom('users').selectAll().execute()).toEqual([]);
    });

    const second = await runCli(['migrate'], { database });
    expect(second.code).toBe(0);
    expect(second.stdout.trim()).toBe('The database is up to date.');
  });

  test('user add creates a handler from a password on stdin and prints its id and recovery key as JSON', async () => {
    const result = await runCli(
      ['user', 'add', '--email', 'Handler.One@Example.org', '--name', 'Handler One', '--role', 'handler', '--channel', 'general', '--json'],
      { database, input: `${PASSWORD}\n` },
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const printed = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(Object.keys(printed).sort()).toEqual(['id', 'recoveryKey']);
    expect(printed.recoveryKey).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){7}$/);
    expect(result.stdout).not.toContain(PASSWORD);
    const id = printed.id as string;
    const recoveryKey = printed.recoveryKey as string;

    await withDatabase(database, async ({ db }) => {
      const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      expect(row).toMatchObject({ email: 'handler.one@example.org', name: 'Handler One', role: 'handler', disabled_at: null });
      expect(Buffer.from(row.public_key)).toHaveLength(32);

      // Neither the password nor the recovery key is stored, in any column, as text or bytes.
      for (const [column, value] of Object.entries(row)) {
        const stored = Buffer.isBuffer(value) ? value.toString('latin1') : String(value ?? '');
        expect(stored, column).not.toContain(PASSWORD);
        expect(stored, column).not.toContain(recoveryKey);
        expect(stored, column).not.toContain(recoveryKey.replace(/-/g, ''));
      }

      // The password and the printed recovery key each unlock the private key of the stored public key.
      const publicKey = Buffer.from(row.public_key) as UserPublicKey;
      const byPassword = unwrapPrivateKey(row.private_key_by_password, await derivePasswordKey(PASSWORD, JSON.parse(row.password_kdf) as PasswordKdf), id);
      const byRecovery = unwrapPrivateKey(row.private_key_by_recovery, deriveRecoveryKey(recoveryKey), id);
      expect(byRecovery.equals(byPassword)).toBe(true);
      const caseKey = generateCaseKey();
      expect(unwrapCaseKeyForUser(wrapCaseKeyForUser(caseKey, publicKey, 'c'), byPassword, 'c').equals(caseKey)).toBe(true);

      const membership = await db
        .selectFrom('channel_members')
        .innerJoin('channels', 'channels.id', 'channel_members.channel_id')
        .select('channels.slug')
        .where('channel_members.user_id', '=', id)
        .execute();
      expect(membership).toEqual([{ slug: 'general' }]);

      const audit = await db.selectFrom('audit_events').selectAll().where('target_id', '=', id).execute();
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({ action: 'user.create', actor_type: 'system', actor_id: 'cli' });
      expect(audit[0]!.details).not.toContain(PASSWORD);
    });
  });

  test('a password shorter than 12 characters is refused and creates no user', async () => {
    const result = await runCli(['user', 'add', '--email', 'short@example.org', '--name', 'Short', '--role', 'handler', '--json'], {
      database,
      input: 'too short\n',
    });
    expect(result.code).not.toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('password: must be at least 12 characters (invalid_request)');
    expect(result.stderr).not.toContain('too short');
    expect(await countUsers(database)).not.toContain('short@example.org');
  });

  test('an empty standard input is no password', async () => {
    const result = await runCli(['user', 'add', '--email', 'empty@example.org', '--name', 'Empty', '--role', 'admin'], { database, input: '' });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('(invalid_request)');
    expect(await countUsers(database)).not.toContain('empty@example.org');
  });

  test('an unknown channel is refused and creates no user', async () => {
    const result = await runCli(['user', 'add', '--email', 'lost@example.org', '--name', 'Lost', '--role', 'handler', '--channel', 'no-such-channel'], {
      database,
      input: `${PASSWORD}\n`,
    });
    expect(result.code).not.toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('There is no such reporting channel.');
    expect(result.stderr).toContain('(unknown_channel)');
    expect(await countUsers(database)).not.toContain('lost@example.org');
  });

  test('a second account with the same e-mail address, in any letter case, fails with email_taken', async () => {
    const add = (email: string, name: string) =>
      runCli(['user', 'add', '--email', email, '--name', name, '--role', 'oversight', '--json'], { database, input: `${PASSWORD}\n` });

    expect((await add('twice@example.org', 'First')).code).toBe(0);
    for (const email of ['twice@example.org', 'TWICE@example.org']) {
      const again = await add(email, 'Second');
      expect(again.code, email).not.toBe(0);
      expect(again.stdout, email).toBe('');
      expect(again.stderr, email).toContain('(email_taken)');
    }

    const names = await withDatabase(database, ({ db }) => db.selectFrom('users').select('name').where('email', '=', 'twice@example.org').execute());
    expect(names).toEqual([{ name: 'First' }]);
  });

  test('a role that does not exist is refused and creates no user', async () => {
    const result = await runCli(['user', 'add', '--email', 'boss@example.org', '--name', 'Boss', '--role', 'superuser'], {
      database,
      input: `${PASSWORD}\n`,
    });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("argument 'superuser' is invalid");
    expect(result.stderr).toContain('admin, handler, oversight, analyst, counselor');
    expect(await countUsers(database)).not.toContain('boss@example.org');
  });

  test('audit verify exits 0 and reports an intact chain, naming its length and head', async () => {
    expect((await runCli(['channel', 'add', '--slug', 'eu-staff', '--name', 'EU staff'], { database })).code).toBe(0);
    const head = await withDatabase(database, ({ db }) =>
      db.selectFrom('audit_events').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow(),
    );
    expect(Number(head.seq)).toBeGreaterThanOrEqual(1);

    const result = await runCli(['audit', 'verify'], { database });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe(`Audit chain intact: ${head.seq} entries, head #${head.seq} ${head.hash}`);
  });
});

describe.each(DIALECTS)('candor audit verify on a tampered %s database', (dialect: Dialect) => {
  /** A fresh database with four audit entries, written by the CLI itself. */
  async function databaseWithFourEntries(): Promise<TestDatabase> {
    const database = await createTestDatabase(dialect);
    for (const slug of ['one', 'two', 'three', 'four']) {
      const result = await runCli(['channel', 'add', '--slug', slug, '--name', `Channel ${slug}`], { database });
      expect(result.code, result.stderr).toBe(0);
    }
    const verified = await runCli(['audit', 'verify'], { database });
    expect(verified.code).toBe(0);
    expect(verified.stdout).toContain('Audit chain intact: 4 entries');
    return database;
  }

  describe('an altered details value', () => {
    let database: TestDatabase;
    beforeAll(async () => {
      database = await databaseWithFourEntries();
    });
    afterAll(async () => {
      await database?.dispose();
    });

    test('the database refuses the change while the append-only triggers stand', async () => {
      await withDatabase(database, async ({ db }) => {
        await expect(db.updateTable('audit_events').set({ details: '{}' }).where('seq', '=', 2).execute()).rejects.toThrow(/append-only/);
        await expect(db.deleteFrom('audit_events').where('seq', '=', 4).execute()).rejects.toThrow(/append-only/);
        expect(await db.selectFrom('audit_events').select('seq').orderBy('seq').execute()).toHaveLength(4);
      });
    });

    test('with the triggers dropped and entry #2 altered, verify exits non-zero and names entry #2', async () => {
      await withDatabase(database, async (handle) => {
        await dropAppendOnlyTriggers(handle);
        const { numUpdatedRows } = await handle.db
          .updateTable('audit_events')
          .set({ details: JSON.stringify({ slug: 'somewhere-else' }) })
          .where('seq', '=', 2)
          .executeTakeFirst();
        expect(Number(numUpdatedRows)).toBe(1);
      });

      const result = await runCli(['audit', 'verify'], { database });
      expect(result.code).not.toBe(0);
      expect(result.stdout).not.toContain('intact');
      expect(result.stderr).toContain('Audit chain BROKEN at entry #2 (hash_mismatch)');
      expect(result.stderr).toContain('1 entries before it verified.');
    });
  });

  describe('two entries swapped', () => {
    let database: TestDatabase;
    beforeAll(async () => {
      database = await databaseWithFourEntries();
    });
    afterAll(async () => {
      await database?.dispose();
    });

    test('with the triggers dropped and the seq of #2 and #3 swapped, verify exits non-zero and names entry #2', async () => {
      await withDatabase(database, async (handle) => {
        await dropAppendOnlyTriggers(handle);
        // Through a value no entry has, so the primary key never sees two rows with one seq.
        await handle.db.transaction().execute(async (tx) => {
          await tx.updateTable('audit_events').set({ seq: 1_000_000 }).where('seq', '=', 2).execute();
          await tx.updateTable('audit_events').set({ seq: 2 }).where('seq', '=', 3).execute();
          await tx.updateTable('audit_events').set({ seq: 3 }).where('seq', '=', 1_000_000).execute();
        });
        const order = await handle.db.selectFrom('audit_events').select(['seq', 'details']).orderBy('seq').execute();
        expect(order.map((row) => [Number(row.seq), JSON.parse(row.details).slug])).toEqual([
          [1, 'one'],
          [2, 'three'],
          [3, 'two'],
          [4, 'four'],
        ]);
      });

      const result = await runCli(['audit', 'verify'], { database });
      expect(result.code).not.toBe(0);
      expect(result.stdout).not.toContain('intact');
      expect(result.stderr).toContain('Audit chain BROKEN at entry #2 (previous_hash_mismatch)');
      expect(result.stderr).toContain('1 entries before it verified.');
    });
  });
});
