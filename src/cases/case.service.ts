import { randomUUID } from 'node:crypto';
import { listCaseAttachments } from '../attachments/attachment.service.js';
import { recordAudit } from '../audit/audit.service.js';
import { isOverdue } from '../clocks/clock.rules.js';
import { clockViewsForCase, escalationsForCase, recordCaseEvent } from '../clocks/clock.service.js';
import { queueReporterNotice } from '../notifications/notification.service.js';
import type { StaffPrincipal } from '../identity/identity.service.js';
import { NO_DEADLINE } from '../kernel/clock.js';
import { inTransaction, type AppContext } from '../kernel/context.js';
import { evidenceSha256, unwrapCaseKeyForUser } from '../kernel/crypto.js';
import { CaseNotFound, ValidationFailed } from '../kernel/errors.js';
import { openIdentity, openMessage, openReport, sealMessage } from './case.content.js';
import {
  findReadableCase,
  insertMessage,
  listInbox,
  listMessages,
  touchCase,
  countInbox,
  type InboxCursor,
  type InboxFilters,
} from './case.repository.js';
import { caseWorkView } from './case.work-view.js';
import { dueProcessView } from './due-process.service.js';
import { listParties } from './party.service.js';
import { reviewView } from '../protection/review.service.js';
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

export interface CaseListOptions {
  limit: number;
  cursor?: string;
  status?: string;
  overdue?: 'true' | 'false';
  channel?: string;
  category?: string;
  assignee?: string;
  counts?: 'true' | 'false';
}

/** A page of the cases this person may read, most urgent deadline first, with counts. Metadata only: no content is opened. */
export async function listCasesForStaff(ctx: AppContext, principal: StaffPrincipal, options: CaseListOptions) {
  const after = options.cursor === undefined ? undefined : decodeCursor(options.cursor);
  const now = ctx.clock.now();
  const filters: InboxFilters = {
    status: options.status,
    category: options.category,
    channelSlug: options.channel,
    assigneeId: options.assignee === undefined ? undefined : options.assignee === 'none' ? null : options.assignee === 'me' ? principal.userId : options.assignee,
    overdueBefore: options.overdue === 'true' ? now.toISOString() : undefined,
    notOverdueFrom: options.overdue === 'false' ? now.toISOString() : undefined,
  };
  const { rows, counts } = await inTransaction(ctx, async (tx) => {
    const page = await listInbox(tx, principal.userId, options.limit + 1, after, filters);
    // Counting reads every matching grant: only when asked, so paging through a large inbox stays an index walk.
    const tally = options.counts === 'true' ? await countInbox(tx, principal.userId, filters, now.toISOString(), NO_DEADLINE) : null;
    await recordAudit(tx, ctx.dialect, now, {
      actor: { type: 'staff', id: principal.userId },
      action: 'case.list',
      details: { count: Math.min(page.length, options.limit) },
    });
    return { rows: page, counts: tally };
  });
  const items = rows.slice(0, options.limit).map((row) => ({
    id: row.id,
    ref: row.ref,
    status: row.status,
    category: row.category,
    receivedAt: row.received_at,
    acknowledgeBy: row.acknowledge_by,
    nextDeadlineAt: row.next_deadline_at === NO_DEADLINE ? null : row.next_deadline_at,
    channel: row.channel_slug,
    assigneeId: row.assignee_id,
    overdue: isOverdue(row.next_deadline_at, now),
    kind: row.kind === 'retaliation-review' ? ('retaliation-review' as const) : ('report' as const),
  }));
  const last = rows.length > options.limit ? rows[options.limit - 1] : undefined;
  return {
    items,
    nextCursor: last ? encodeCursor({ deadline: last.next_deadline_at, caseId: last.id }) : null,
    counts: counts ? { total: Object.values(counts.byStatus).reduce((sum, count) => sum + count, 0), overdue: counts.overdue, byStatus: counts.byStatus } : null,
  };
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
    supporters: report.supporters ?? [],
    kind: row.kind === 'retaliation-review' ? ('retaliation-review' as const) : ('report' as const),
    parties: await listParties(ctx.db, caseId, caseKey),
    routing: report.routing ?? null,
    dueProcess: await dueProcessView(ctx.db, caseId, caseKey, row.channel_standard ?? ctx.config.cases.standardOfProof, row.closed_at, ctx.config.cases.appealWindowDays),
    review: report.review ? await reviewView(ctx.db, principal.userId, caseId, report.review) : null,
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
    closing: row.closing,
    closedAt: row.closed_at,
    feedbackGivenAt: row.feedback_given_at,
    assigneeId: row.assignee_id,
    ...(await caseWorkView(ctx.db, caseId, caseKey, row.status)),
    clocks: await clockViewsForCase(ctx.db, caseId),
    escalations: await escalationsForCase(ctx.db, caseId),
  };
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
    await recordCaseEvent(tx, ctx, caseId, new Date(at), { kind: 'activity' });
    await queueReporterNotice(tx, ctx, caseId, new Date(at), `message:${id}`);
    await recordAudit(tx, ctx.dialect, new Date(at), {
      actor: { type: 'staff', id: principal.userId },
      action: 'case.message.create',
      caseId,
      targetId: id,
      // Evidence: the message's SHA-256 and (the entry's time) when it was received.
      details: { sha256: evidenceSha256(body) },
    });
    return { id, from: 'handler' as const, body, at };
  });
}
