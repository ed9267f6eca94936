/**
 * Retaliation reviews. An adverse HR event for a protected person opens a review owned by
 * oversight: a case of kind `retaliation-review`, with no reporter, its own key wrapped to
 * oversight only, and its own clocks (the general channel's clock policy for the category
 * `retaliation`, like any case). The event and the cases it links to are sealed in it; the link
 * is shown only to someone who can also read the linked case. The HR event stays flagged until
 * oversight clears or upholds it, with reasons.
 */
import { countRetaliationReview } from '../analytics/stats.service.js';
import { randomUUID } from 'node:crypto';
import { recordAudit } from '../audit/audit.service.js';
import { findActiveGrants, insertCase, insertCaseAccess } from '../cases/case.repository.js';
import { openReport, sealCaseText, sealReport } from '../cases/case.content.js';
import { insertTransition, moveCase, updateCase, updateInboxDeadline } from '../cases/lifecycle.repository.js';
import { findChannelBySlug, listChannels } from '../channels/channel.repository.js';
import { nextDeadline } from '../clocks/clock.rules.js';
import { initialCaseDeadlines, recordCaseEvent, startCaseClocks } from '../clocks/clock.service.js';
import type { StaffPrincipal } from '../identity/identity.service.js';
import { listActiveUsersByRole } from '../identity/user.repository.js';
import { NO_DEADLINE } from '../kernel/clock.js';
import { inTransaction, type AppContext } from '../kernel/context.js';
import { generateCaseKey, generateCaseRef, noReporterReceiptColumns, unwrapCaseKeyForUser, wrapCaseKeyForUser, type UserPublicKey } from '../kernel/crypto.js';
import type { Queryable, Tx } from '../kernel/database.js';
import { CaseNotFound, Conflict, Forbidden, NoRecipients } from '../kernel/errors.js';
import { decideHrEvent, findHrEventByReview } from './protection.repository.js';
import type { ProtectionReference } from './protection.service.js';

export const REVIEW_KIND = 'retaliation-review';
export const REVIEW_CATEGORY = 'retaliation';

export interface PreparedReview {
  caseId: string;
  recipients: { id: string; public_key: Buffer }[];
  channelId: string;
  acknowledgeBy: Date;
  feedbackBy: Date;
  timing: Awaited<ReturnType<typeof initialCaseDeadlines>>['timing'];
}

/**
 * Who receives a review: the active oversight members who hold a key to a linked case (so that
 * oversight excluded from the original case is left out of its review too); if none of them
 * does, every active oversight member. With no oversight at all, nothing can be opened.
 */
export async function prepareReview(ctx: AppContext, links: readonly ProtectionReference[], at: Date): Promise<PreparedReview> {
  const { db } = ctx;
  const oversight = await listActiveUsersByRole(db, 'oversight');
  if (oversight.length === 0) throw new NoRecipients();
  const caseIds = [...new Set(links.map((link) => link.caseId))];
  const holders = caseIds.length === 0
    ? new Set<string>()
    : new Set((await db.selectFrom('case_access').select('user_id').where('case_id', 'in', caseIds).execute()).map((row) => row.user_id));
  const preferred = oversight.filter((user) => holders.has(user.id));
  const channel = (await findChannelBySlug(db, 'general')) ?? (await listChannels(db))[0];
  if (!channel) throw new NoRecipients();
  // Read outside the write transaction: on SQLite a read through ctx.db inside it would wait for itself.
  const { acknowledgeBy, feedbackBy, timing } = await initialCaseDeadlines(ctx, channel.id, REVIEW_CATEGORY, at);
  return { caseId: randomUUID(), recipients: preferred.length > 0 ? preferred : oversight, channelId: channel.id, acknowledgeBy, feedbackBy, timing };
}

export async function openReview(
  tx: Tx,
  ctx: AppContext,
  prepared: PreparedReview,
  event: { hrEventId: string; employeeId: string; employeeName: string | null; type: string; effectiveAt: string | null; links: ProtectionReference[] },
  at: Date,
): Promise<string> {
  const caseKey = generateCaseKey();
  const { caseId } = prepared;
  const { acknowledgeBy, feedbackBy } = prepared;
  const deadline = nextDeadline({ acknowledgedAt: null, acknowledgeBy: acknowledgeBy.toISOString(), feedbackBy: feedbackBy.toISOString(), closedAt: null });
  const received = at.toISOString();
  const links = [...new Map(event.links.map((link) => [`${link.caseId}/${link.role}`, { caseId: link.caseId, role: link.role }])).values()];
  const who = event.employeeName ? `${event.employeeName} (employee ${event.employeeId})` : `employee ${event.employeeId}`;
  const noReporter = noReporterReceiptColumns();
  await insertCase(tx, {
    id: caseId,
    ref: generateCaseRef(),
    channel_id: prepared.channelId,
    category: REVIEW_CATEGORY,
    anonymity: 'anonymous',
    status: 'received',
    received_at: received,
    acknowledge_by: acknowledgeBy.toISOString(),
    acknowledged_at: null,
    feedback_by: feedbackBy.toISOString(),
    closed_at: null,
    next_deadline_at: deadline,
    updated_at: received,
    report_sealed: sealReport(caseKey, caseId, {
      narrative: `The HR system reported a ${event.type.replace(/_/g, ' ')} of ${who}${event.effectiveAt ? `, effective ${event.effectiveAt}` : ''}. This person is protected against retaliation. The action stays flagged until oversight clears or upholds it, with reasons.`,
      occurredAt: event.effectiveAt,
      location: null,
      review: { hrEventId: event.hrEventId, employeeId: event.employeeId, type: event.type, effectiveAt: event.effectiveAt, links },
    }),
    questionnaire_version: null,
    closing: null,
    feedback_given_at: null,
    reopened_at: null,
    assignee_id: null,
    identity_sealed: null,
    receipt_lookup: noReporter.lookup,
    reporter_wrapped_key: noReporter.wrappedKey,
    kind: REVIEW_KIND,
  });
  await insertCaseAccess(
    tx,
    prepared.recipients.map((user) => ({
      case_id: caseId,
      user_id: user.id,
      wrapped_key: wrapCaseKeyForUser(caseKey, user.public_key as UserPublicKey, caseId),
      grant_kind: 'oversight' as const,
      active: 1,
      status: 'received',
      next_deadline_at: deadline,
      created_at: received,
    })),
  );
  await startCaseClocks(tx, caseId, { receivedAt: at, acknowledgeBy: prepared.acknowledgeBy, feedbackBy: prepared.feedbackBy, nextDeadlineAt: deadline, timing: prepared.timing });
  // Counted once, on the first report whose protected person this is (the figures count reviews, not links).
  if (links[0]) await countRetaliationReview(tx, links[0].caseId, { opened: true }, at);
  await recordAudit(tx, ctx.dialect, at, { actor: { type: 'system', id: 'retaliation-watch' }, action: 'review.open', caseId, targetId: event.hrEventId, details: { type: event.type, recipients: prepared.recipients.length } });
  return caseId;
}

/** The review part of a review case's page: the event, its status, and only the links the viewer may follow. */
export async function reviewView(db: Queryable, viewerId: string, caseId: string, review: { hrEventId: string; employeeId: string; type: string; effectiveAt: string | null; links: { caseId: string; role: string }[] }) {
  const event = await findHrEventByReview(db, caseId);
  const readable = new Set((await findActiveGrants(db, viewerId, review.links.map((link) => link.caseId))).map((grant) => grant.case_id));
  const refs = readable.size === 0 ? [] : await db.selectFrom('cases').select(['id', 'ref']).where('id', 'in', [...readable]).execute();
  const refOf = new Map(refs.map((row) => [row.id, row.ref]));
  return {
    hrEventId: review.hrEventId,
    employeeId: review.employeeId,
    type: review.type,
    effectiveAt: review.effectiveAt,
    status: event?.status ?? 'flagged',
    decidedAt: event?.decided_at ?? null,
    links: review.links.filter((link) => readable.has(link.caseId)).map((link) => ({ caseId: link.caseId, ref: refOf.get(link.caseId) ?? '', role: link.role })),
    hiddenLinks: review.links.some((link) => !readable.has(link.caseId)),
  };
}

/** Oversight clears the HR action (no retaliation found) or upholds the concern, with reasons; the review closes. */
export async function decideReview(ctx: AppContext, principal: StaffPrincipal, caseId: string, input: { outcome: 'cleared' | 'upheld'; reasons: string }) {
  if (principal.role !== 'oversight') throw new Forbidden('oversight_only', 'Only oversight decides retaliation reviews.');
  const at = ctx.clock.now();
  const when = at.toISOString();
  return inTransaction(ctx, async (tx) => {
    const row = await tx
      .selectFrom('cases')
      .innerJoin('case_access', 'case_access.case_id', 'cases.id')
      .select(['cases.id', 'cases.status', 'cases.kind', 'cases.report_sealed', 'case_access.wrapped_key'])
      .where('cases.id', '=', caseId)
      .where('case_access.user_id', '=', principal.userId)
      .where('case_access.active', '=', 1)
      .executeTakeFirst();
    if (!row || row.kind !== REVIEW_KIND) throw new CaseNotFound();
    const event = await findHrEventByReview(tx, caseId);
    if (!event || !(await decideHrEvent(tx, event.id, input.outcome, when, principal.userId))) throw new Conflict('review_decided', 'This review has been decided already.');
    const caseKey = unwrapCaseKeyForUser(row.wrapped_key, principal.privateKey, caseId);
    const closing = input.outcome === 'cleared' ? 'review-cleared' : 'review-upheld';
    await insertTransition(tx, { id: randomUUID(), case_id: caseId, from_status: row.status, to_status: 'closed', closing, reason_sealed: sealCaseText(caseKey, caseId, 'transition', input.reasons.trim()), actor_type: 'staff', actor_id: principal.userId, at: when });
    if (!(await moveCase(tx, caseId, row.status, { status: 'closed', closed_at: when, closing, updated_at: when }))) throw new Conflict('invalid_transition', 'The review changed meanwhile; reload it.');
    await updateCase(tx, caseId, { next_deadline_at: NO_DEADLINE });
    await updateInboxDeadline(tx, caseId, NO_DEADLINE);
    await recordCaseEvent(tx, ctx, caseId, at, { kind: 'closed' });
    const [protectedReport] = openReport(caseKey, caseId, row.report_sealed).review?.links ?? [];
    if (protectedReport) await countRetaliationReview(tx, protectedReport.caseId, { decided: input.outcome }, at);
    await recordAudit(tx, ctx.dialect, at, { actor: { type: 'staff', id: principal.userId }, action: 'review.decide', caseId, targetId: event.id, details: { outcome: input.outcome } });
    return { id: caseId, hrEventId: event.id, outcome: input.outcome, decidedAt: when };
  });
}

/** Oversight's list of reviews they hold: the HR event and its state (metadata only; no case content opened). */
export async function listReviews(ctx: AppContext, principal: StaffPrincipal) {
  if (principal.role !== 'oversight') throw new Forbidden('oversight_only', 'Retaliation reviews are for oversight.');
  const at = ctx.clock.now();
  return inTransaction(ctx, async (tx) => {
    const rows = await tx
      .selectFrom('hr_events')
      .innerJoin('cases', 'cases.id', 'hr_events.review_case_id')
      .innerJoin('case_access', 'case_access.case_id', 'cases.id')
      .select(['hr_events.id', 'hr_events.employee_id', 'hr_events.type', 'hr_events.effective_at', 'hr_events.status', 'hr_events.received_at', 'hr_events.decided_at', 'cases.id as case_id', 'cases.ref', 'cases.status as case_status', 'cases.next_deadline_at'])
      .where('case_access.user_id', '=', principal.userId)
      .where('case_access.active', '=', 1)
      .orderBy('hr_events.received_at', 'desc')
      .limit(500)
      .execute();
    const names = rows.length === 0 ? [] : await tx.selectFrom('directory_employees').select(['id', 'name', 'department']).where('id', 'in', [...new Set(rows.map((row) => row.employee_id))]).execute();
    const byId = new Map(names.map((row) => [row.id, row]));
    await recordAudit(tx, ctx.dialect, at, { actor: { type: 'staff', id: principal.userId }, action: 'review.list', details: { count: rows.length } });
    return {
      items: rows.map((row) => ({
        hrEventId: row.id,
        caseId: row.case_id,
        ref: row.ref,
        employeeId: row.employee_id,
        employeeName: byId.get(row.employee_id)?.name ?? null,
        department: byId.get(row.employee_id)?.department ?? null,
        type: row.type,
        effectiveAt: row.effective_at,
        status: row.status,
        caseStatus: row.case_status,
        receivedAt: row.received_at,
        decidedAt: row.decided_at,
        nextDeadlineAt: row.next_deadline_at === NO_DEADLINE ? null : row.next_deadline_at,
      })),
    };
  });
}
