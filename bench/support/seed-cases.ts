/**
 * Seeds a large inbox straight through Kysely: batched multi-row inserts inside transactions,
 * far faster than submitting reports one Argon2id at a time. The rows have the shape intake writes
 * (real sealed content and wrapped keys, produced by the crypto module for a handful of cases and
 * reused, which is harmless because listing never opens them), with deadlines from the real clock
 * rules spread over a year, and a realistic mix of open, acknowledged and closed cases.
 * `seedHandlerInbox` prepares a whole database around them: the handler, oversight, the cases.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { sql, type Insertable } from 'kysely';
import { sealReport } from '../../src/cases/case.content.js';
import { initialDeadlines, nextDeadline } from '../../src/clocks/clock.rules.js';
import { createStaffUser } from '../../src/identity/identity.service.js';
import { startRuntime } from '../../src/kernel/bootstrap.js';
import { loadConfig, type Argon2Params, type ClockDefaults } from '../../src/kernel/config.js';
import {
  deriveReceiptSecrets,
  generateCaseKey,
  generateCaseRef,
  generateReceipt,
  wrapCaseKeyForReceipt,
  wrapCaseKeyForUser,
  type UserPublicKey,
} from '../../src/kernel/crypto.js';
import type { Db, Dialect } from '../../src/kernel/database.js';
import type { CaseAccessTable, CasesTable } from '../../src/kernel/db-schema.js';
import { createLogger } from '../../src/kernel/logger.js';
import { reportNarrative } from './narrative.js';

const DAY_MS = 86_400_000;
const OPEN_STATUSES = ['acknowledged', 'assessment', 'investigation', 'findings'] as const;

export interface SeedPlan {
  cases: number;
  channelId: string;
  /** Reads every case: one active handler grant per case. */
  handler: { id: string; publicKey: UserPublicKey };
  /** Holds every case's key without reading it (an inactive grant), as intake gives oversight. */
  oversight?: { id: string; publicKey: UserPublicKey };
  narrativeChars: number;
  clocks: ClockDefaults;
  argon2: Argon2Params;
  receiptSalt: Buffer;
  now: Date;
  /** Rows per INSERT statement, and cases per transaction. */
  batchSize?: number;
  transactionSize?: number;
}

interface SealedTemplate {
  report: Buffer;
  reporterKey: Buffer;
  handlerKey: Buffer;
  oversightKey: Buffer | undefined;
}

/** A handful of genuinely sealed cases whose ciphertexts the seeded rows reuse. */
async function sealTemplates(plan: SeedPlan, count: number): Promise<SealedTemplate[]> {
  const templates: SealedTemplate[] = [];
  for (let index = 0; index < count; index++) {
    const caseId = randomUUID();
    const caseKey = generateCaseKey();
    const secrets = await deriveReceiptSecrets(generateReceipt(), plan.receiptSalt, plan.argon2);
    templates.push({
      report: sealReport(caseKey, caseId, { narrative: reportNarrative(index, plan.narrativeChars), occurredAt: null, location: null }),
      reporterKey: wrapCaseKeyForReceipt(caseKey, secrets.kek, caseId),
      handlerKey: wrapCaseKeyForUser(caseKey, plan.handler.publicKey, caseId),
      oversightKey: plan.oversight ? wrapCaseKeyForUser(caseKey, plan.oversight.publicKey, caseId) : undefined,
    });
  }
  return templates;
}

function uniqueRef(taken: Set<string>): string {
  for (;;) {
    const ref = generateCaseRef();
    if (!taken.has(ref)) {
      taken.add(ref);
      return ref;
    }
  }
}

/** One case as intake would have stored it, then moved along its lifecycle. */
function seededCase(plan: SeedPlan, template: SealedTemplate, refs: Set<string>): { row: Insertable<CasesTable>; access: CaseAccessTable[] } {
  const received = new Date(plan.now.getTime() - Math.random() * 365 * DAY_MS);
  const { acknowledgeBy, feedbackBy } = initialDeadlines(received, plan.clocks);
  const roll = Math.random();
  let status: string = 'received';
  let acknowledgedAt: string | null = null;
  let closedAt: string | null = null;
  if (roll >= 0.15) {
    // Mostly on time, sometimes late: acknowledged up to nine days after receipt, never in the future.
    acknowledgedAt = new Date(Math.min(plan.now.getTime(), received.getTime() + Math.random() * 9 * DAY_MS)).toISOString();
    status = OPEN_STATUSES[Math.floor(Math.random() * OPEN_STATUSES.length)]!;
  }
  if (roll >= 0.75) {
    closedAt = new Date(Math.min(plan.now.getTime(), received.getTime() + (10 + Math.random() * 110) * DAY_MS)).toISOString();
    status = 'closed';
  }
  const id = randomUUID();
  const deadline = nextDeadline({ acknowledgedAt, acknowledgeBy: acknowledgeBy.toISOString(), feedbackBy: feedbackBy.toISOString(), closedAt });
  const at = received.toISOString();
  const access: CaseAccessTable[] = [
    { case_id: id, user_id: plan.handler.id, wrapped_key: template.handlerKey, grant_kind: 'handler', active: 1, next_deadline_at: deadline, status, created_at: at },
  ];
  if (plan.oversight && template.oversightKey) {
    access.push({ case_id: id, user_id: plan.oversight.id, wrapped_key: template.oversightKey, grant_kind: 'oversight', active: 0, next_deadline_at: deadline, status, created_at: at });
  }
  return {
    row: {
      id,
      ref: uniqueRef(refs),
      channel_id: plan.channelId,
      category: 'harassment',
      anonymity: 'anonymous',
      status,
      received_at: at,
      acknowledge_by: acknowledgeBy.toISOString(),
      acknowledged_at: acknowledgedAt,
      feedback_by: feedbackBy.toISOString(),
      closed_at: closedAt,
      next_deadline_at: deadline,
      updated_at: closedAt ?? acknowledgedAt ?? at,
      report_sealed: template.report,
      identity_sealed: null,
      // Unique per case, as the Argon2id-derived lookup is; random bytes stand in for it.
      receipt_lookup: randomBytes(32),
      reporter_wrapped_key: template.reporterKey,
      questionnaire_version: null,
      closing: closedAt ? 'findings-issued' : null,
      feedback_given_at: closedAt,
      reopened_at: null,
      assignee_id: null,
    },
    access,
  };
}

/** Inserts `plan.cases` cases; answers how many of them were left running against a deadline. */
export async function seedCases(db: Db, plan: SeedPlan, progress?: (done: number) => void): Promise<{ open: number }> {
  const batchSize = plan.batchSize ?? 500;
  const transactionSize = plan.transactionSize ?? 10_000;
  const templates = await sealTemplates(plan, 8);
  const refs = new Set<string>();
  let done = 0;
  let open = 0;
  while (done < plan.cases) {
    const inThisTransaction = Math.min(transactionSize, plan.cases - done);
    await db.transaction().execute(async (tx) => {
      for (let offset = 0; offset < inThisTransaction; offset += batchSize) {
        const seeded = Array.from({ length: Math.min(batchSize, inThisTransaction - offset) }, (_, index) =>
          seededCase(plan, templates[(done + offset + index) % templates.length]!, refs),
        );
        open += seeded.filter((each) => each.row.closed_at === null).length;
        await tx.insertInto('cases').values(seeded.map((each) => each.row)).execute();
        await tx.insertInto('case_access').values(seeded.flatMap((each) => each.access)).execute();
      }
    });
    done += inThisTransaction;
    progress?.(done);
  }
  return { open };
}

export interface HandlerInbox {
  /** The handler who reads every case, as they sign in. */
  handler: { email: string; password: string };
  cases: number;
  narrativeChars: number;
}

/**
 * Prepares a bench database as the server will find it (migrated, with its settings): a handler on
 * the general channel who reads `inbox.cases` seeded cases, and an oversight member holding every
 * key. Progress goes to the log under `tag`; answers the seconds seeding took.
 */
export async function seedHandlerInbox(env: NodeJS.ProcessEnv, dialect: Dialect, tag: string, inbox: HandlerInbox): Promise<number> {
  const config = loadConfig(env);
  const runtime = await startRuntime(config, { logger: createLogger('warn', process.stderr) });
  try {
    const { ctx } = runtime;
    const actor = { type: 'system' as const, id: 'bench' };
    const handler = await createStaffUser(ctx, actor, { ...inbox.handler, name: 'Inbox Handler', role: 'handler', channel: 'general' });
    const oversight = await createStaffUser(ctx, actor, { email: 'oversight@bench.example.org', password: inbox.handler.password, name: 'Oversight', role: 'oversight' });
    const keys = await ctx.db.selectFrom('users').select(['id', 'public_key']).execute();
    const publicKey = (id: string) => keys.find((row) => row.id === id)!.public_key as UserPublicKey;
    const channel = await ctx.db.selectFrom('channels').select('id').where('slug', '=', 'general').executeTakeFirstOrThrow();
    const salt = await ctx.db.selectFrom('settings').select('value').where('key', '=', 'receipt_salt').executeTakeFirstOrThrow();

    const started = performance.now();
    let reported = 0;
    const { open } = await seedCases(
      ctx.db,
      {
        cases: inbox.cases,
        channelId: channel.id,
        handler: { id: handler.id, publicKey: publicKey(handler.id) },
        oversight: { id: oversight.id, publicKey: publicKey(oversight.id) },
        narrativeChars: inbox.narrativeChars,
        clocks: config.clocks,
        argon2: config.argon2,
        receiptSalt: Buffer.from(salt.value, 'base64'),
        now: new Date(),
      },
      (done) => {
        if (done - reported >= 25_000 || done === inbox.cases) {
          reported = done;
          console.log(`${tag} seeded ${done} cases (${((performance.now() - started) / 1000).toFixed(1)} s)`);
        }
      },
    );
    // PostgreSQL's autovacuum would have analysed a table that grew this much; do it now rather than
    // measure plans made without statistics. SQLite is left as Candor leaves it (no ANALYZE).
    if (dialect === 'postgres') await sql`ANALYZE`.execute(ctx.db);
    const seconds = (performance.now() - started) / 1000;
    console.log(`${tag} ${inbox.cases} cases seeded in ${seconds.toFixed(1)} s (${open} with a running deadline, the rest closed)`);
    return seconds;
  } finally {
    await runtime.close();
  }
}
