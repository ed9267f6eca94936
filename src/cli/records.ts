/** `candor audit head|verify`, `candor bundle verify|key`, `candor retention run`, `candor backup|restore|migrate-store`. */
import fs from 'node:fs';
import { InvalidArgumentError, type Command } from 'commander';
import { auditHead, formatAuditHead, parseWitnessedHeads, verifyAuditChain } from '../audit/audit.service.js';
import { defaultVerifyThreads } from '../audit/audit.verify.js';
import { loadConfig } from '../kernel/config.js';
import { createBackup, generateBackupKeys, migrateStore, restoreBackup } from '../records/backup.service.js';
import { verifyBundle } from '../records/bundle.verify.js';
import { runRetentionSweep } from '../records/retention.service.js';
import { platformSigningKey } from '../records/signing-key.js';
import { withRuntime } from './runtime.js';

function parseThreads(value: string): number {
  const threads = Number(value);
  if (!Number.isInteger(threads) || threads < 1 || threads > 64) throw new InvalidArgumentError('It must be a whole number from 1 to 64.');
  return threads;
}

export function addRecordsCommands(program: Command, audit: Command, setExitCode: (code: number) => void): void {
  audit
    .command('verify')
    .description('Check that the audit hash chain is whole (and, with --against, that witnessed heads still match); exits non-zero at the first break')
    .option('--against <file>', 'a file of witnessed heads: lines as `candor audit head` prints them (other lines are ignored)')
    .option('--timing', 'also print how many entries per second were verified, how the chain was read (as stored or by key) and the CPU spent per entry (to standard error)')
    .option('--threads <n>', `threads to verify a long chain on (default, at most 4: on SQLite the cores, ${defaultVerifyThreads('sqlite')} here; on PostgreSQL half of them, ${defaultVerifyThreads('postgres')} here, as its server works beside each); 1 keeps it to this one`, parseThreads)
    .action(async (options: { against?: string; timing?: boolean; threads?: number }) => {
      let witnessed: ReturnType<typeof parseWitnessedHeads> = [];
      if (options.against) {
        witnessed = parseWitnessedHeads(fs.readFileSync(options.against, 'utf8'));
        if (witnessed.length === 0) {
          console.error(`${options.against} holds no witnessed head (lines like: candor-audit-head SEQ HASH TIME).`);
          setExitCode(2);
          return;
        }
      }
      await withRuntime(async (runtime) => {
        const started = process.hrtime.bigint();
        const cpu = process.cpuUsage();
        const threads = options.threads ?? defaultVerifyThreads(runtime.ctx.config.database.kind);
        const result = await verifyAuditChain(runtime.ctx.db, witnessed, { database: runtime.ctx.config.database, threads });
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        if (result.ok) {
          console.log(`Audit chain intact: ${result.entries} entries, head #${result.headSeq} ${result.headHash}`);
          if (options.against) console.log(`All ${result.witnessed} witnessed heads match.`);
          if (options.timing) {
            const used = process.cpuUsage(cpu);
            const perEntry = (used.user + used.system) / Math.max(result.entries, 1);
            console.error(`(${Math.round(result.entries / Math.max(seconds, 1e-9))} entries/s, read ${result.order === 'stored' ? 'as stored' : 'by key'} on ${threads} thread${threads === 1 ? '' : 's'}; ${perEntry.toFixed(2)} µs of CPU per entry, all of this process's threads)`);
          }
        } else if (result.witness) {
          console.error(`Audit chain does NOT match a witnessed head at entry #${result.witness.seq} (${result.witness.reason}): ${result.witness.message}`);
          setExitCode(4);
        } else {
          console.error(`Audit chain BROKEN at entry #${result.break!.seq} (${result.break!.reason}): ${result.break!.message}`);
          console.error(`${result.entries} entries before it verified.`);
          setExitCode(3);
        }
      });
    });
  audit
    .command('head')
    .description('Print the head of the audit chain (sequence, hash, time) as one line to keep outside Candor')
    .option('--json', 'print {"seq","hash","at"}')
    .action(async (options: { json?: boolean }) => {
      await withRuntime(async (runtime) => {
        const head = await auditHead(runtime.ctx.db);
        if (!head) {
          console.error('The audit log is empty.');
          setExitCode(1);
          return;
        }
        console.log(options.json ? JSON.stringify(head) : formatAuditHead(head));
      });
    });

  const bundle = program.command('bundle').description('Referral bundles');
  bundle
    .command('verify')
    .description("Check a referral bundle's signature and every file's SHA-256; exits non-zero on any change")
    .argument('<file>', 'the bundle (.zip)')
    .option('--fingerprint <fingerprint>', 'the signing key fingerprint the installation published (candor bundle key)')
    .action(async (file: string, options: { fingerprint?: string }) => {
      const check = await verifyBundle(file, options.fingerprint);
      if (check.manifest) console.log(`Bundle of case ${check.manifest.case.ref}, exported ${check.manifest.generatedAt}: ${check.files} files; signing key ${check.fingerprint}`);
      if (check.ok) {
        console.log(options.fingerprint ? 'Signature valid, signed by the expected key; every file matches its SHA-256.' : 'Signature valid; every file matches its SHA-256. Compare the fingerprint above with the one the installation published.');
        return;
      }
      for (const problem of check.problems) console.error(`TAMPERED: ${problem.path}: ${problem.problem.replace(/_/g, ' ')}`);
      setExitCode(4);
    });
  bundle
    .command('key')
    .description("Print the platform signing key's public key and fingerprint, to publish for people who check bundles")
    .option('--json', 'print {"publicKey","fingerprint"}')
    .action(async (options: { json?: boolean }) => {
      await withRuntime(async (runtime) => {
        const key = await platformSigningKey(runtime.ctx);
        const publicKey = key.publicKey.toString('base64');
        if (options.json) console.log(JSON.stringify({ algorithm: 'Ed25519', publicKey, fingerprint: key.fingerprint }));
        else console.log(`Ed25519 public key: ${publicKey}\nFingerprint: ${key.fingerprint}`);
      });
    });

  const retention = program.command('retention').description('Retention and crypto-shredding');
  retention
    .command('run')
    .description('Shred every case whose retention has run out or that was withdrawn (what the hourly job does)')
    .action(async () => {
      await withRuntime(async (runtime) => {
        const { shredded } = await runRetentionSweep(runtime.ctx, 10_000);
        console.log(`Shredded ${shredded} case${shredded === 1 ? '' : 's'}.`);
      });
    });

  const backup = program
    .command('backup')
    .description('Write an encrypted, consistent backup (database, attachment files, key files) sealed to the backup public key')
    .argument('<file>', 'where to write the backup')
    .action(async (file: string) => {
      const done = await createBackup(loadConfig(), file);
      console.log(`Backup ${done.backupId} written to ${file} (${done.attachments} attachment files), sealed to backup key ${done.fingerprint}.`);
      console.log('Restoring it needs the backup private key file: keep that file off this server.');
    });
  backup
    .command('keygen')
    .description('Make a backup key pair: the private key to --out (keep it off the server), the public key where backups look for it')
    .requiredOption('--out <file>', 'where to write the private key (must not exist)')
    .action(async (options: { out: string }) => {
      const made = generateBackupKeys(loadConfig(), options.out);
      console.log(`Backup private key written to ${options.out}. Move it off this server and keep it safe: without it no backup can be restored.`);
      console.log(made.publicFile ? `Public key written to ${made.publicFile}.` : `Public key (set CANDOR_BACKUP_PUBLIC_KEY): ${made.publicKey}`);
      console.log(`Fingerprint: ${made.fingerprint}`);
    });

  program
    .command('restore')
    .description('Restore a backup into an empty database and attachment directory (refuses anything else)')
    .argument('<file>', 'the backup file')
    .requiredOption('--key <file>', 'the backup private key file (from candor backup keygen)')
    .action(async (file: string, options: { key: string }) => {
      const done = await restoreBackup(loadConfig(), file, options.key);
      console.log(`Restored the backup of ${done.createdAt}: ${done.tables === 1 ? 'the database' : `${done.tables} tables`} and ${done.attachments} attachment files.`);
    });

  program
    .command('migrate-store')
    .description('Move this SQLite installation onto an empty PostgreSQL database, checking counts and the audit chain after')
    .requiredOption('--to <url>', 'postgres://user@host:5432/database (empty)')
    .action(async (options: { to: string }) => {
      const done = await migrateStore(loadConfig(), options.to);
      for (const { table, rows } of done.tables) console.log(`${table}\t${rows}`);
      console.log(`Moved ${done.tables.reduce((sum, table) => sum + table.rows, 0)} rows; the audit chain verifies on PostgreSQL (${done.auditEntries} entries).`);
      console.log('Now set CANDOR_DATABASE_URL to the PostgreSQL URL and start Candor; keep the data directory (key files, attachments).');
    });
}
