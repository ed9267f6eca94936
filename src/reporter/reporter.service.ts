import { randomUUID } from 'node:crypto';
import { listCaseAttachments } from '../attachments/attachment.service.js';
import { markReporterReplied, markReporterReturned } from '../analytics/stats.service.js';
import { recordAudit } from '../audit/audit.service.js';
import { addCalendarDays } from '../clocks/clock.rules.js';
import { reporterMilestones } from '../clocks/clock.service.js';
import { openMessage, sealMessage } from '../cases/case.content.js';
import { findCaseById, findCaseByReceiptLookup, insertMessage, listMessages, touchCase } from '../cases/case.repository.js';
import { endSession, openSession, startSession } from '../identity/session.service.js';
import { candidateReceiptSecrets } from './receipt.service.js';
import type { ReceiptThrottle } from './receipt.throttle.js';
import { inTransaction, type AppContext } from '../kernel/context.js';
import type { Tx } from '../kernel/database.js';
import { evidenceSha256, normalizeReceipt, unwrapCaseKeyWithReceipt, type CaseKey } from '../kernel/crypto.js';
import { Unauthenticated } from '../kernel/errors.js';

const badReceipt = () => new Unauthenticated('bad_receipt', 'That receipt does not match a report. Check the digits and try again.');

export interface ReporterPrincipal {
  caseId: string;
  caseKey: CaseKey;
  sessionId: string;
}

/** Signs a reporter in with their receipt: the receipt itself unwraps their copy of the case key. */
export async function startReporterSession(ctx: AppContext, receiptInput: string, throttle?: { limiter: ReceiptThrottle; key: string }) {
  throttle?.limiter.check(throttle.key);
  try {
    const session = await openWithReceipt(ctx, receiptInput);
    throttle?.limiter.recordSuccess(throttle.key);
    return session;
  } catch (error) {
    if (error instanceof Unauthenticated) throttle?.limiter.recordFailure(throttle.key);
    throw error;
  }
}

async function openWithReceipt(ctx: AppContext, receiptInput: string) {
  const receipt = normalizeReceipt(receiptInput);
  if (!receipt) throw badReceipt();
  let found: { row: NonNullable<Awaited<ReturnType<typeof findCaseByReceiptLookup>>>; caseKey: CaseKey } | undefined;
  for await (const secrets of candidateReceiptSecrets(ctx, receipt)) {
    const candidate = await findCaseByReceiptLookup(ctx.db, secrets.lookup);
    if (candidate) {
      found = { row: candidate, caseKey: unwrapCaseKeyWithReceipt(candidate.reporter_wrapped_key, secrets.kek, candidate.id) };
      break;
    }
  }
  if (!found) throw badReceipt();
  const { row, caseKey } = found;
  return inTransaction(ctx, async (tx) => {
    const session = await startSession(ctx, tx, 'reporter', row.id, caseKey);
    await markReporterReturned(tx, row.id, ctx.clock.now());
    await recordAudit(tx, ctx.dialect, ctx.clock.now(), { actor: { type: 'reporter', caseId: row.id }, action: 'reporter.sign_in' });
    return session;
  });
}

export async function endReporterSession(ctx: AppContext, cookieValue: string | undefined): Promise<void> {
  await inTransaction(ctx, async (tx) => {
    const caseId = await endSession({ ...ctx, db: tx }, cookieValue);
    if (caseId) await recordAudit(tx, ctx.dialect, ctx.clock.now(), { actor: { type: 'reporter', caseId }, action: 'reporter.sign_out' });
  });
}

export async function authenticateReporter(ctx: AppContext, cookieValue: string | undefined): Promise<ReporterPrincipal> {
  const session = await openSession<CaseKey>(ctx, 'reporter', cookieValue);
  return { caseId: session.subjectId, caseKey: session.key, sessionId: session.id };
}

/** What the reporter sees: status, promised dates and the conversation. Audited like any read. */
export async function getReporterCase(ctx: AppContext, principal: ReporterPrincipal) {
  const { caseId, caseKey } = principal;
  const loaded = await inTransaction(ctx, async (tx) => {
    const row = await findCaseById(tx, caseId);
    if (!row) throw new Unauthenticated();
    const messages = await listMessages(tx, caseId);
    await recordAudit(tx, ctx.dialect, ctx.clock.now(), { actor: { type: 'reporter', caseId }, action: 'reporter.case.read' });
    return { row, messages };
  });
  return {
    caseRef: loaded.row.ref,
    status: loaded.row.status,
    receivedAt: loaded.row.received_at,
    feedbackAt: loaded.row.feedback_given_at,
    // Whether the case climbed the escalation ladder because a promise was missed (never who to).
    escalated: (await reporterMilestones(ctx.db, caseId, ctx.clock.now())).escalated,
    closedAt: loaded.row.closed_at,
    appealUntil: loaded.row.status === 'closed' && loaded.row.closed_at ? addCalendarDays(new Date(loaded.row.closed_at), ctx.config.cases.appealWindowDays).toISOString() : null,
    acknowledgeBy: loaded.row.acknowledge_by,
    acknowledgedAt: loaded.row.acknowledged_at,
    feedbackBy: loaded.row.feedback_by,
    messages: loaded.messages.map((message) => ({
      from: message.author,
      body: openMessage(caseKey, caseId, message.body_sealed),
      at: message.created_at,
    })),
    attachments: await listCaseAttachments(ctx.db, caseId, caseKey),
  };
}

export async function postReporterMessage(
  ctx: AppContext,
  principal: ReporterPrincipal,
  body: string,
  alsoInTransaction?: (tx: Tx, messageId: string) => Promise<void>,
) {
  const { caseId, caseKey } = principal;
  const at = ctx.clock.now().toISOString();
  const id = randomUUID();
  await inTransaction(ctx, async (tx) => {
    await insertMessage(tx, {
      id,
      case_id: caseId,
      author: 'reporter',
      author_user_id: null,
      body_sealed: sealMessage(caseKey, caseId, body),
      created_at: at,
    });
    await touchCase(tx, caseId, at);
    await markReporterReplied(tx, caseId, new Date(at));
    await alsoInTransaction?.(tx, id);
    await recordAudit(tx, ctx.dialect, new Date(at), { actor: { type: 'reporter', caseId }, action: 'reporter.message.create', targetId: id, details: { sha256: evidenceSha256(body) } });
  });
  return { from: 'reporter' as const, body, at };
}
