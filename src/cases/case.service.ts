import { randomUUID } from 'node:crypto';
import { listCaseAttachments } from '../attachments/attachment.service.js';
import { recordAudit } from '../audit/audit.service.js';
import { isOverdue, nextDeadline } from '../clocks/clock.rules.js';
import type { StaffPrincipal } from '../identity/identity.service.js';
import { inTransaction, type AppContext } from '../kernel/context.js';
import { unwrapCaseKeyForUser } from '../kernel/crypto.js';
import { CaseNotFound, Conflict, ValidationFailed } from '../kernel/errors.js';
import { openIdentity, openMessage, openReport, sealMessage } from './case.content.js';
import {
  findReadableCase,
  insertMessage,
  listInbox,
  listMessages,
  markAcknowledged,
  touchCase,
  type InboxCursor,
} from './case.repository.js';
import { assertTransition } from './case.rules.js';
import { customQuestions } from '../questionnaires/questionnaire.rules.js';
import { questionnaireVersion } from '../questionnaires/questionnaire.service.js';

/** Custom answers with the question as it was worded in the version the reporter answered. */
async function labelledAnswers(ctx: AppContext, channelId: string, version: number | null, answers: Record<string, string>) {
  const entries = Object.entries(answers);
  if (entries.length === 0) return [];
  const questionnaire = await questionnaireVersion(ctx.db, channelId, version ?? 0);
  const questions = new Map(customQuestions(questionnaire?.definition ?? { questions: [] }).map((question) => [question.id, question]));
  return entries.map(([id, value]) => {
    const question = questions.get(id);
    const option = question?.kind === 'choice' ? question.options.find((candidate) => candidate.value === value) : undefined;
    return { id, question: question?.label.en ?? id, answer: option?.label.en ?? value };
  });
}

function encodeCursor(cursor: InboxCursor): string {
  return Buffer.from(JSON.stringify([cursor.deadline, cursor.caseId])).toString('base64url');
}

function decodeCursor(text: string): InboxCursor {
  try {
    const [deadline, caseId] = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as unknown[];
    if (typeof deadline === 'string' && typeof caseId === 'string') return { deadline, caseId };
  } catch {
    // fall through to the validation error
  }
  throw new ValidationFailed({ cursor: ['is not a cursor this server gave out'] });
}

/** A page of the cases this person may read, most urgent deadline first. Metadata only: no content is opened. */
export async function listCasesForStaff(ctx: AppContext, principal: StaffPrincipal, limit: number, cursor?: string) {
  const after = cursor === undefined ? undefined : decodeCursor(cursor);
  const now = ctx.clock.now();
  const rows = await inTransaction(ctx, async (tx) => {
    const page = await listInbox(tx, principal.userId, limit + 1, after);
    await recordAudit(tx, ctx.dialect, now, {
      actor: { type: 'staff', id: principal.userId },
      action: 'case.list',
      details: { count: Math.min(page.length, limit) },
    });
    return page;
  });
  const items = rows.slice(0, limit).map((row) => ({
    id: row.id,
    ref: row.ref,
    status: row.status,
    category: row.category,
    receivedAt: row.received_at,
    acknowledgeBy: row.acknowledge_by,
    overdue: isOverdue(row.next_deadline_at, now),
  }));
  const last = rows.length > limit ? rows[limit - 1] : undefined;
  return { items, nextCursor: last ? encodeCursor({ deadline: last.next_deadline_at, caseId: last.id }) : null };
}

/**
 * Opens one case for a person who holds an active key for it. The read is audited in the same
 * transaction that loads the case; if the audit entry cannot be written, nothing is returned.
 * For anyone else the case does not exist (404), whatever their role.
 */
export async function getCaseForStaff(ctx: AppContext, principal: StaffPrincipal, caseId: string) {
  const now = ctx.clock.now();
  const loaded = await inTransaction(ctx, async (tx) => {
    const row = await findReadableCase(tx, caseId, principal.userId);
    if (!row) return null;
    const messages = await listMessages(tx, caseId);
    await recordAudit(tx, ctx.dialect, now, { actor: { type: 'staff', id: principal.userId }, action: 'case.read', caseId });
    return { row, messages };
  });
  if (!loaded) throw new CaseNotFound();
  const { row, messages } = loaded;
  const caseKey = unwrapCaseKeyForUser(row.wrapped_key, principal.privateKey, caseId);
  const report = openReport(caseKey, caseId, row.report_sealed);
  return {
    id: row.id,
    ref: row.ref,
    channel: row.channel_slug,
    status: row.status,
    category: row.category,
    anonymity: row.anonymity,
    receivedAt: row.received_at,
    acknowledgeBy: row.acknowledge_by,
    acknowledgedAt: row.acknowledged_at,
    feedbackBy: row.feedback_by,
    overdue: isOverdue(row.next_deadline_at, now),
    narrative: report.narrative,
    occurredAt: report.occurredAt,
    location: report.location,
    subjects: report.subjects ?? [],
    witnesses: report.witnesses ?? [],
    excluded: report.excluded ?? [],
    outcome: report.outcome ?? null,
    safeNow: report.safeNow ?? null,
    questionnaireVersion: row.questionnaire_version,
    answers: await labelledAnswers(ctx, row.channel_id, row.questionnaire_version, report.answers ?? {}),
    reporter: row.identity_sealed ? openIdentity(caseKey, caseId, row.identity_sealed) : null,
    messages: messages.map((message) => ({
      id: message.id,
      from: message.author,
      body: openMessage(caseKey, caseId, message.body_sealed),
      at: message.created_at,
    })),
    attachments: await listCaseAttachments(ctx.db, caseId, caseKey),
  };
}

/** Acknowledges receipt: stops the acknowledgement clock and starts the case running against feedback. */
export async function acknowledgeCase(ctx: AppContext, principal: StaffPrincipal, caseId: string) {
  const now = ctx.clock.now().toISOString();
  return inTransaction(ctx, async (tx) => {
    const row = await findReadableCase(tx, caseId, principal.userId);
    if (!row) throw new CaseNotFound();
    assertTransition(row.status, 'acknowledged');
    const next = nextDeadline({ acknowledgedAt: now, acknowledgeBy: row.acknowledge_by, feedbackBy: row.feedback_by, closedAt: row.closed_at });
    if (!(await markAcknowledged(tx, caseId, now, next))) {
      throw new Conflict('invalid_transition', 'The case was acknowledged already.');
    }
    await recordAudit(tx, ctx.dialect, new Date(now), {
      actor: { type: 'staff', id: principal.userId },
      action: 'case.acknowledge',
      caseId,
      details: { from: row.status, to: 'acknowledged', onTime: now <= row.acknowledge_by },
    });
    return { id: caseId, status: 'acknowledged', acknowledgedAt: now };
  });
}

/** A handler's message to the reporter, sealed under the case key. */
export async function postHandlerMessage(ctx: AppContext, principal: StaffPrincipal, caseId: string, body: string) {
  const at = ctx.clock.now().toISOString();
  const id = randomUUID();
  return inTransaction(ctx, async (tx) => {
    const row = await findReadableCase(tx, caseId, principal.userId);
    if (!row) throw new CaseNotFound();
    const caseKey = unwrapCaseKeyForUser(row.wrapped_key, principal.privateKey, caseId);
    await insertMessage(tx, {
      id,
      case_id: caseId,
      author: 'handler',
      author_user_id: principal.userId,
      body_sealed: sealMessage(caseKey, caseId, body),
      created_at: at,
    });
    await touchCase(tx, caseId, at);
    await recordAudit(tx, ctx.dialect, new Date(at), {
      actor: { type: 'staff', id: principal.userId },
      action: 'case.message.create',
      caseId,
      targetId: id,
    });
    return { id, from: 'handler' as const, body, at };
  });
}
