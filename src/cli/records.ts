/** `candor audit head|verify`, `candor bundle verify|key`, `candor retention run`, `candor backup|restore|migrate-store`. */
import fs from 'node:fs';
import type { Command } from 'commander';
import { auditHead, formatAuditHead, parseWitnessedHeads, verifyAuditChain } from '../audit/audit.service.js';
import { startRuntime, type Runtime } from '../kernel/bootstrap.js';
import { loadConfig } from '../kernel/config.js';
import { createLogger } from '../kernel/logger.js';
import { verifyBundle } from '../records/bundle.verify.js';
import { runRetentionSweep } from '../records/retention.service.js';
import { platformSigningKey } from '../records/signing-key.js';

async function withRuntime<T>(work: (runtime: Runtime) => Promise<T>): Promise<T> {
  const runtime = await startRuntime(loadConfig(), { logger: createLogger('warn', process.stderr) });
  try {
    return await work(runtime);
  } finally {
    await runtime.close();
  }
}

export function addRecordsCommands(program: Command, audit: Command, setExitCode: (code: number) => void): void {
  audit
    .command('verify')
    .description('Check that the audit hash chain is whole (and, with --against, that witnessed heads still match); exits non-zero at the first break')
    .option('--against <file>', 'a file of witnessed heads: lines as `candor audit head` prints them (other lines are ignored)')
    .action(async (options: { against?: string }) => {
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
        const result = await verifyAuditChain(runtime.ctx.db, witnessed);
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        if (result.ok) {
          console.log(`Audit chain intact: ${result.entries} entries, head #${result.headSeq} ${result.headHash}`);
          if (options.against) console.log(`All ${result.witnessed} witnessed heads match.`);
          console.error(`(${Math.round(result.entries / Math.max(seconds, 1e-9))} entries/s)`);
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
}
