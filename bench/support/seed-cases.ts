/**
 * Seeds a large inbox straight through Kysely: batched multi-row inserts inside transactions,
 * far faster than submitting reports one Argon2id at a time. The rows have the shape intake writes
 * (real sealed content and wrapped keys, produced by the crypto module for a handful of cases and
 * reused, which is harmless because listing never opens them), with deadlines from the real clock
 * rules spread over a year, and a realistic mix of open, acknowledged and closed cases.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { sealReport } from '../../src/cases/case.content.js';
import { initialDeadlines, nextDeadline } from '../../src/clocks/clock.rules.js';
import type { ClockDefaults } from '../../src/kernel/config.js';
import type { Argon2Params } from '../../src/kernel/config.js';
import {
  deriveReceiptSecrets,
  generateCaseKey,
  generateCaseRef,
  generateReceipt,
  wrapCaseKeyForReceipt,
  wrapCaseKeyForUser,
  type UserPublicKey,
} from '../../src/kernel/crypto.js';
import type { Db } from '../../src/kernel/database.js';
import type { CaseAccessTable, CasesTable } from '../../src/kernel/db-schema.js';
import type { Insertable } from 'kysely';
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
