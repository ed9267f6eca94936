/** `candor user invite|list|unlock|disable|enable|reset-2fa`, `candor setup link` and `candor demo`. */
import { Option, type Command } from 'commander';
import { COMMAND_LINE, listStaff, resetSecondFactor, unlockUser, updateUser } from '../admin/admin.service.js';
import { STAFF_ROLES } from '../identity/identity.schema.js';
import { invitationPath, inviteStaff } from '../identity/invitation.service.js';
import { findUserByEmail } from '../identity/user.repository.js';
import { NotFound } from '../kernel/errors.js';
import { runDemo } from '../setup/demo.service.js';
import { baseUrlForServer } from '../setup/links.js';
import { issueSetupLink, setupPath } from '../setup/setup.service.js';
import type { Runtime } from '../kernel/bootstrap.js';
import { withRuntime } from './runtime.js';

async function userIdFor(runtime: Runtime, email: string): Promise<string> {
  const user = await findUserByEmail(runtime.ctx.db, email.trim().toLowerCase());
  if (!user) throw new NotFound('user_not_found', `There is no account for ${email}.`);
  return user.id;
}

export function addAccountCommands(program: Command, user: Command, setExitCode: (code: number) => void): void {
  user
    .command('invite')
    .description('Invite a staff member: prints a one-time link (valid 7 days) where they choose their own password')
    .requiredOption('--email <email>', 'sign-in e-mail address')
    .requiredOption('--name <name>', 'display name')
    .addOption(new Option('--role <role>', 'role').choices(STAFF_ROLES).makeOptionMandatory())
    .option('--channel <slug...>', 'channels whose reports this handler receives')
    .option('--json', 'print {"id","enrolmentUrl","expiresAt"} as JSON')
    .action(async (options: { email: string; name: string; role: (typeof STAFF_ROLES)[number]; channel?: string[]; json?: boolean }) => {
      await withRuntime(async (runtime) => {
        const invitation = await inviteStaff(runtime.ctx, COMMAND_LINE.actor, {
          email: options.email.trim().toLowerCase(),
          name: options.name.trim(),
          role: options.role,
          channels: options.channel ?? [],
        });
        const url = baseUrlForServer(runtime.ctx.config) + invitationPath(invitation.token);
        if (options.json) console.log(JSON.stringify({ id: invitation.id, enrolmentUrl: url, expiresAt: invitation.expiresAt }));
        else console.log(`Invited ${options.role} ${options.email}. Pass this link on privately; it works once, until ${invitation.expiresAt}:\n\n  ${url}\n`);
      });
    });

  user
    .command('list')
    .description('List staff accounts and open invitations')
    .option('--json', 'print the list as JSON')
    .action(async (options: { json?: boolean }) => {
      await withRuntime(async (runtime) => {
        const users = await listStaff(runtime.ctx, COMMAND_LINE);
        if (options.json) return console.log(JSON.stringify(users));
        for (const row of users) {
          const flags = [row.status, row.totpEnabled ? '2fa' : '', row.lockedUntil ? `locked until ${row.lockedUntil}` : ''].filter(Boolean).join(', ');
          console.log(`${row.email}\t${row.role}\t${row.channels.join(',') || '-'}\t${flags}`);
        }
      });
    });

  user
    .command('unlock')
    .description('Lift a lock-out after failed sign-ins')
    .requiredOption('--email <email>', 'sign-in e-mail address')
    .action(async (options: { email: string }) => {
      await withRuntime(async (runtime) => {
        await unlockUser(runtime.ctx, COMMAND_LINE, await userIdFor(runtime, options.email));
        console.log(`Unlocked ${options.email}.`);
      });
    });

  for (const [name, disabled] of [['disable', true], ['enable', false]] as const) {
    user
      .command(name)
      .description(disabled ? 'Disable an account: signs it out everywhere; its keys stay, so enabling restores access' : 'Enable a disabled account again')
      .requiredOption('--email <email>', 'sign-in e-mail address')
      .action(async (options: { email: string }) => {
        await withRuntime(async (runtime) => {
          await updateUser(runtime.ctx, COMMAND_LINE, await userIdFor(runtime, options.email), { disabled });
          console.log(`${disabled ? 'Disabled' : 'Enabled'} ${options.email}.`);
        });
      });
  }

  user
    .command('reset-2fa')
    .description('Remove the second factor and recovery codes of someone who lost both (signs them out everywhere)')
    .requiredOption('--email <email>', 'sign-in e-mail address')
    .action(async (options: { email: string }) => {
      await withRuntime(async (runtime) => {
        await resetSecondFactor(runtime.ctx, COMMAND_LINE, await userIdFor(runtime, options.email));
        console.log(`Removed the second factor of ${options.email}. They sign in with their password and can set up a new one.`);
      });
    });

  program
    .command('setup')
    .description('First run')
    .command('link')
    .description('Print a fresh one-time link to the set-up wizard (only while no account exists; earlier links stop working)')
    .action(async () => {
      await withRuntime(async (runtime) => {
        const link = await issueSetupLink(runtime.ctx);
        if (!link) {
          console.error('Candor has accounts already: the set-up wizard is closed. Admins manage people in the staff console.');
          setExitCode(1);
          return;
        }
        console.log(`${baseUrlForServer(runtime.ctx.config)}${setupPath(link.token)}`);
        console.error(`It works once, until ${link.expiresAt}.`);
      });
    });

  program
    .command('demo')
    .description('Fill a fresh installation with a demo organisation, staff accounts and sample cases in every state')
    .option('--force', 'run even though the database has accounts already')
    .option('--json', 'print what was made as JSON')
    .action(async (options: { force?: boolean; json?: boolean }) => {
      await withRuntime(async (runtime) => {
        const result = await runDemo(runtime.ctx, { force: options.force === true });
        if (options.json) return console.log(JSON.stringify(result));
        console.log(`Demo organisation "${result.organisation}" is ready. Every account's password: ${result.password}\n`);
        for (const person of result.users) console.log(`  ${person.role.padEnd(10)} ${person.email}`);
        console.log(`\nCases by state: ${Object.entries(result.casesByStatus).map(([status, count]) => `${status} ${count}`).join(', ')}`);
        if (result.unreached.length > 0) console.log(`Not reached (the case lifecycle does not offer them yet): ${result.unreached.join(', ')}`);
        console.log('\nThis is demo data: do not use this installation for real reports.');
      });
    });
}
