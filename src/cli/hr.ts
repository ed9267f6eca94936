/** `candor directory import`, `candor hr-events import` and `candor token create|list|revoke`. */
import fs from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { importDirectoryCsv } from '../directory/directory.service.js';
import { API_TOKEN_ROLES, createApiToken, listApiTokens, revokeApiToken } from '../identity/api-token.service.js';
import { ValidationFailed } from '../kernel/errors.js';
import { importHrEvents } from '../protection/hr-event.service.js';
import { withRuntime } from './runtime.js';

const CLI_ACTOR = { type: 'system' as const, id: 'cli' };

async function readFile(file: string): Promise<string> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (error) {
    throw new ValidationFailed({ file: [`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`] });
  }
}

function list(label: string, ids: readonly string[]): void {
  console.log(`${label}: ${ids.length}`);
  const shown = ids.slice(0, 50);
  if (shown.length > 0) console.log(`  ${shown.join(', ')}${ids.length > shown.length ? `, ... (${ids.length - shown.length} more)` : ''}`);
}

export function addHrCommands(program: Command): void {
  const directory = program.command('directory').description('The employee directory (HR master data)');
  directory
    .command('import')
    .description('Load the whole directory from a CSV file with a header (id, name, email, department, manager_id[, active]); people missing from the file are deactivated')
    .argument('<file>', 'the CSV file')
    .option('--dry-run', 'print what would change, change nothing')
    .option('--json', 'print the result as JSON')
    .action(async (file: string, options: { dryRun?: boolean; json?: boolean }) => {
      const text = await readFile(file);
      await withRuntime(async (runtime) => {
        const result = await importDirectoryCsv(runtime.ctx, CLI_ACTOR, text, { dryRun: options.dryRun === true });
        if (options.json) return console.log(JSON.stringify(result));
        console.log(options.dryRun ? 'Dry run: nothing was changed. The import would make these changes:' : 'Directory imported:');
        list('added', result.added);
        list('updated', result.updated);
        console.log(`unchanged: ${result.unchanged}`);
        list('removed (deactivated)', result.deactivated);
        if (!options.dryRun) console.log(`staff accounts linked by e-mail: ${result.staffLinked}`);
      });
    });

  const hrEvents = program.command('hr-events').description('HR events for the retaliation watch');
  hrEvents
    .command('import')
    .description('Record HR events from a CSV file with a header (employee_id, type[, effective_at, event_id]); types: termination, demotion, pay_cut, transfer, negative_review, disciplinary_action, non_renewal')
    .argument('<file>', 'the CSV file')
    .option('--json', 'print the result as JSON')
    .action(async (file: string, options: { json?: boolean }) => {
      const text = await readFile(file);
      await withRuntime(async (runtime) => {
        const result = await importHrEvents(runtime.ctx, CLI_ACTOR, text);
        if (options.json) return console.log(JSON.stringify(result));
        console.log(`Recorded ${result.events - result.duplicates} HR event(s) (${result.duplicates} seen before). ${result.flagged} need clearance and were sent to oversight for review.`);
      });
    });

  const token = program.command('token').description('API tokens for machine identities (an HR system)');
  token
    .command('create')
    .description('Create an API token; prints it once (send it as Authorization: Bearer TOKEN)')
    .addOption(new Option('--role <role>', 'role').choices(API_TOKEN_ROLES).makeOptionMandatory())
    .requiredOption('--name <name>', 'what the token is for, e.g. "Workday sync"')
    .option('--json', 'print {"id","token"} as JSON')
    .action(async (options: { role: (typeof API_TOKEN_ROLES)[number]; name: string; json?: boolean }) => {
      await withRuntime(async (runtime) => {
        const created = await createApiToken(runtime.ctx, CLI_ACTOR, { name: options.name.trim(), role: options.role });
        if (options.json) return console.log(JSON.stringify({ id: created.id, token: created.token }));
        console.log(`Created ${created.role} token "${created.name}" (id ${created.id}).\n\n  ${created.token}\n\nIt is shown once. It reaches only the HR endpoints (directory upsert, HR events, pre-action check).`);
      });
    });
  token
    .command('list')
    .description('List API tokens (never the tokens themselves)')
    .action(async () => {
      await withRuntime(async (runtime) => {
        for (const row of (await listApiTokens(runtime.ctx, null)).items) {
          console.log(`${row.id}\t${row.role}\t${row.name}\t${row.revokedAt ? `revoked ${row.revokedAt}` : `last used ${row.lastUsedAt ?? 'never'}`}`);
        }
      });
    });
  token
    .command('revoke')
    .description('Revoke an API token')
    .argument('<id>', 'the token id')
    .action(async (id: string) => {
      await withRuntime(async (runtime) => {
        await revokeApiToken(runtime.ctx, CLI_ACTOR, id);
        console.log(`Revoked token ${id}.`);
      });
    });
}
