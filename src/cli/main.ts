import { Command, CommanderError, Option } from 'commander';
import { createChannel, listAllChannels } from '../channels/channel.service.js';
import { PasswordSchema, STAFF_ROLES } from '../identity/identity.schema.js';
import { createStaffUser, resetPasswordWithRecoveryKey } from '../identity/identity.service.js';
import { ConfigError, loadConfig } from '../kernel/config.js';
import { DomainError, ValidationFailed } from '../kernel/errors.js';
import { migrateToLatest } from '../kernel/migrations/index.js';
import { openDatabase } from '../kernel/database.js';
import { CANDOR_VERSION } from '../version.js';
import { readLines, readSecret } from './read-secret.js';
import { serve } from './serve.js';
import { addAccountCommands } from './accounts.js';
import { addHrCommands } from './hr.js';
import { addRecordsCommands } from './records.js';
import { withRuntime } from './runtime.js';

const CLI_ACTOR = { type: 'system' as const, id: 'cli' };

/** Runs the `candor` command line; answers the process exit code. */
export async function main(argv: string[]): Promise<number> {
  let exitCode = 0;
  const program = new Command()
    .name('candor')
    .description('Candor: a speak-up platform. Configuration comes from environment variables (see docs/configuration.md).')
    .version(CANDOR_VERSION)
    .exitOverride()
    .showHelpAfterError();

  program
    .command('serve')
    .description('Start the HTTP server (migrates the database first)')
    .action(async () => {
      exitCode = await serve(loadConfig());
    });

  program
    .command('migrate')
    .description('Bring the database schema up to date')
    .action(async () => {
      const config = loadConfig();
      const handle = openDatabase(config);
      try {
        const { applied } = await migrateToLatest(handle.db, handle.dialect);
        console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'The database is up to date.');
      } finally {
        await handle.close();
      }
    });

  const user = program.command('user').description('Manage staff accounts');
  user
    .command('add')
    .description('Create a staff account and its key pair; reads the password from standard input and prints the one-time recovery key')
    .requiredOption('--email <email>', 'sign-in e-mail address')
    .requiredOption('--name <name>', 'display name')
    .addOption(new Option('--role <role>', 'role').choices(STAFF_ROLES).makeOptionMandatory())
    .option('--channel <slug>', 'channel whose reports this handler receives')
    .option('--json', 'print {"id","recoveryKey"} as JSON')
    .action(async (options: { email: string; name: string; role: (typeof STAFF_ROLES)[number]; channel?: string; json?: boolean }) => {
      const password = await readSecret('Password: ');
      await withRuntime(async (runtime) => {
        const { email, name, role, channel: channelSlug } = options;
        const created = await createStaffUser(runtime.ctx, CLI_ACTOR, { email, name, role, channel: channelSlug, password });
        if (options.json) {
          console.log(JSON.stringify({ id: created.id, recoveryKey: created.recoveryKey }));
        } else {
          console.log(`Created ${options.role} ${options.email} (id ${created.id}).`);
          console.log('');
          console.log(`Recovery key: ${created.recoveryKey}`);
          console.log('Store it somewhere safe now. It is shown once, and it is the only way back in if the password is lost.');
        }
      });
    });

  user
    .command('reset-password')
    .description('Set a new password with the one-time recovery key; reads two lines from standard input: the recovery key, then the new password')
    .requiredOption('--email <email>', 'sign-in e-mail address')
    .action(async (options: { email: string }) => {
      const [recoveryKey = '', newPassword = ''] = await readLines(['Recovery key: ', 'New password: ']);
      const parsed = PasswordSchema.safeParse(newPassword);
      if (!parsed.success) throw new ValidationFailed({ password: parsed.error.issues.map((issue) => issue.message) });
      await withRuntime(async (runtime) => {
        await resetPasswordWithRecoveryKey(runtime.ctx, options.email.trim().toLowerCase(), recoveryKey, newPassword);
        console.log(`New password set for ${options.email}. The recovery key stays valid; cases are readable as before.`);
      });
    });

  addAccountCommands(program, user, (code) => {
    exitCode = code;
  });

  const channel = program.command('channel').description('Manage reporting channels');
  channel
    .command('add')
    .description('Create a reporting channel')
    .requiredOption('--slug <slug>', 'short name used in URLs, e.g. "eu-staff"')
    .requiredOption('--name <name>', 'display name')
    .action(async (options: { slug: string; name: string }) => {
      if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(options.slug)) {
        console.error('The slug must be lower-case letters, digits and dashes, e.g. "eu-staff".');
        exitCode = 2;
        return;
      }
      await withRuntime(async (runtime) => {
        const created = await createChannel(runtime.ctx, CLI_ACTOR, options);
        console.log(`Created channel ${created.slug} (id ${created.id}).`);
      });
    });
  channel
    .command('list')
    .description('List reporting channels')
    .action(async () => {
      await withRuntime(async (runtime) => {
        for (const row of await listAllChannels(runtime.ctx)) console.log(`${row.slug}\t${row.name}`);
      });
    });

  addHrCommands(program);

  const audit = program.command('audit').description('Inspect the tamper-evident audit log');
  addRecordsCommands(program, audit, (code) => {
    exitCode = code;
  });

  try {
    await program.parseAsync(argv);
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2; // usage errors
    if (error instanceof ConfigError) {
      console.error(error.message);
      return 2;
    }
    if (error instanceof DomainError) {
      const fields = error.fields ? ' ' + Object.entries(error.fields).map(([field, problems]) => `${field}: ${problems.join(', ')}`).join('; ') : '';
      console.error(`${error.message}${fields} (${error.code})`);
      return 1;
    }
    throw error;
  }
}
