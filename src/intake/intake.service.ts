import { randomUUID } from 'node:crypto';
import { recordCaseReceived } from '../analytics/stats.service.js';
import { recordAudit } from '../audit/audit.service.js';
import { insertCase, insertCaseAccess } from '../cases/case.repository.js';
import { sealIdentity, sealReport } from '../cases/case.content.js';
import { findChannelBySlug, listChannelHandlers } from '../channels/channel.repository.js';
import { ladderStandbyUsers } from '../clocks/clock-admin.service.js';
import { nextDeadline } from '../clocks/clock.rules.js';
import { initialCaseDeadlines, startCaseClocks } from '../clocks/clock.service.js';
import { rememberNotifyAddress } from '../notifications/notification.service.js';
import { listActiveUsersByRole } from '../identity/user.repository.js';
import { inTransaction, type AppContext } from '../kernel/context.js';
import type { Tx } from '../kernel/database.js';
import {
  evidenceSha256,
  formatReceipt,
  generateCaseKey,
  generateCaseRef,
  generateReceipt,
  wrapCaseKeyForReceipt,
  wrapCaseKeyForUser,
  type CaseKey,
  type UserPublicKey,
} from '../kernel/crypto.js';
import { ChannelNotFound, ValidationFailed } from '../kernel/errors.js';
import { checkCustomAnswers } from '../questionnaires/questionnaire.rules.js';
import { currentQuestionnaire, questionnaireVersion } from '../questionnaires/questionnaire.service.js';
import { secretsForNewReceipt } from '../reporter/receipt.service.js';
import { chooseRecipients } from '../routing/routing.rules.js';
import { planReportExclusions } from '../routing/routing.service.js';
import { prepareIntakeParties, recordIntakeParties } from '../cases/party.service.js';
import type { SubmitReport } from './intake.schema.js';

/**
 * Takes a report: seals it under a fresh case key, wraps that key to each recipient and to the
 * reporter's new receipt, and stores case, keys and audit entry in one transaction. Nothing is
 * stored unless all of it is; the receipt is returned once and kept only as an Argon2id-derived lookup.
 */
export interface SubmitOptions {
  /** A case id and key made beforehand, when files were already sealed under them while the form streamed in. */
  prepared?: { caseId: string; caseKey: CaseKey };
  /** More writes (attachment rows) that must commit with the case, or not at all. */
  alsoInTransaction?: (tx: Tx) => Promise<void>;
}

/** A fresh case id and key, for callers that must seal files before the report itself is complete. */
export function prepareCase(): { caseId: string; caseKey: CaseKey } {
  return { caseId: randomUUID(), caseKey: generateCaseKey() };
}

export async function submitReport(ctx: AppContext, report: SubmitReport, options: SubmitOptions = {}) {
  const channel = await findChannelBySlug(ctx.db, report.channel ?? 'general');
  if (!channel) throw new ChannelNotFound();
  const questionnaire =
    report.questionnaireVersion === undefined
      ? await currentQuestionnaire(ctx.db, channel.id)
      : await questionnaireVersion(ctx.db, channel.id, report.questionnaireVersion);
  if (!questionnaire) throw new ValidationFailed({ questionnaireVersion: ['this channel has no such questionnaire version'] });
  const answerProblems = checkCustomAnswers(questionnaire.definition, report.answers ?? {});
  if (Object.keys(answerProblems).length > 0) throw new ValidationFailed(answerProblems);
  const [handlers, oversight, ladder] = await Promise.all([
    listChannelHandlers(ctx.db, channel.id),
    listActiveUsersByRole(ctx.db, 'oversight'),
    ladderStandbyUsers(ctx.db, channel.id),
  ]);
  const publicKeys = new Map<string, Buffer>([...handlers, ...oversight, ...ladder].map((user) => [user.id, user.public_key]));
  // Conflict-of-interest routing: the excluded never receive a wrapped key, so for them the case does not exist.
  const routing = await planReportExclusions(
    ctx.db,
    { subjects: report.subjects ?? [], mustNotSee: report.excluded ?? [] },
    ctx.config.conflicts.chainDepth,
  );
  const allowed = (user: { id: string }) => !routing.plan.excluded.has(user.id);
  const recipients = chooseRecipients(
    handlers.filter(allowed).map((user) => user.id),
    oversight.filter(allowed).map((user) => user.id),
    ladder.filter(allowed).map((user) => user.id),
  );
  const people = await prepareIntakeParties(ctx.db, report, routing, recipients.some((recipient) => recipient.grant === 'handler' && recipient.active) ? 'handlers' : 'oversight', ctx.config.conflicts.chainDepth);

  const { caseId, caseKey } = options.prepared ?? prepareCase();
  const receipt = generateReceipt();
  const secrets = await secretsForNewReceipt(ctx, receipt);

  const receivedAt = ctx.clock.now();
  const received = receivedAt.toISOString();
  const { acknowledgeBy, feedbackBy, timing } = await initialCaseDeadlines(ctx, channel.id, report.category, receivedAt);
  const deadline = nextDeadline({ acknowledgedAt: null, acknowledgeBy: acknowledgeBy.toISOString(), feedbackBy: feedbackBy.toISOString(), closedAt: null });
  const caseRef = generateCaseRef();

  const reportContent = {
    narrative: report.narrative,
    occurredAt: report.occurredAt ?? null,
    location: report.location ?? null,
    subjects: (report.subjects ?? []).map((subject) => ({
      name: subject.name,
      organisation: subject.organisation ?? null,
      relationship: subject.relationship ?? null,
    })),
    witnesses: (report.witnesses ?? []).map((witness) => ({ name: witness.name, contact: witness.contact ?? null })),
    excluded: report.excluded ?? [],
    supporters: (report.supporters ?? []).map((supporter) => ({ name: supporter.name, contact: supporter.contact ?? null })),
    routing: people.routing,
    outcome: report.outcome ?? null,
    safeNow: report.safeNow ?? null,
    answers: report.answers ?? {},
  };

  await inTransaction(ctx, async (tx) => {
    await insertCase(tx, {
      id: caseId,
      ref: caseRef,
      channel_id: channel.id,
      category: report.category,
      anonymity: report.anonymity,
      status: 'received',
      received_at: received,
      acknowledge_by: acknowledgeBy.toISOString(),
      acknowledged_at: null,
      feedback_by: feedbackBy.toISOString(),
      closed_at: null,
      next_deadline_at: deadline,
      updated_at: received,
      report_sealed: sealReport(caseKey, caseId, reportContent),
      questionnaire_version: questionnaire.version,
      closing: null,
      feedback_given_at: null,
      reopened_at: null,
      assignee_id: null,
      identity_sealed: report.identity
        ? sealIdentity(caseKey, caseId, { name: report.identity.name, email: report.identity.email ?? null, phone: report.identity.phone ?? null })
        : null,
      receipt_lookup: secrets.lookup,
      reporter_wrapped_key: wrapCaseKeyForReceipt(caseKey, secrets.kek, caseId),
    });
    await insertCaseAccess(
      tx,
      recipients.map((recipient) => ({
        case_id: caseId,
        user_id: recipient.userId,
        wrapped_key: wrapCaseKeyForUser(caseKey, publicKeys.get(recipient.userId) as UserPublicKey, caseId),
        grant_kind: recipient.grant,
        active: recipient.active ? 1 : 0,
        next_deadline_at: deadline,
        status: 'received',
        created_at: received,
      })),
    );
    await startCaseClocks(tx, caseId, { receivedAt, acknowledgeBy, feedbackBy, nextDeadlineAt: deadline, timing });
    await recordIntakeParties(tx, ctx, caseId, caseKey, people, receivedAt);
    await recordCaseReceived(tx, { caseId, channelId: channel.id, category: report.category, anonymity: report.anonymity, receivedAt: received, department: routing.subjectDepartment });
    if (report.notifyEmail) await rememberNotifyAddress(tx, ctx, caseId, report.notifyEmail, receivedAt);
    await options.alsoInTransaction?.(tx);
    await recordAudit(tx, ctx.dialect, receivedAt, {
      actor: { type: 'reporter', caseId },
      action: 'report.submit',
      caseId,
      details: {
        channelId: channel.id,
        category: report.category,
        anonymity: report.anonymity,
        questionnaireVersion: questionnaire.version,
        recipients: recipients.filter((recipient) => recipient.active).length,
        standby: recipients.filter((recipient) => !recipient.active).length,
        // Evidence: the SHA-256 of the report as sealed (report.json in a referral bundle).
        reportSha256: evidenceSha256(JSON.stringify(reportContent)),
      },
    });
  });
  ctx.logger.info({ caseId, op: 'report.submit' }, 'report received');
  return {
    caseId,
    receipt: formatReceipt(receipt),
    caseRef,
    acknowledgeBy: acknowledgeBy.toISOString(),
    feedbackBy: feedbackBy.toISOString(),
  };
}
