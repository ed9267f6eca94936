/**
 * Content-free notices by e-mail: to staff (a deadline is near, was missed, a case was escalated
 * to them) and to reporters who left an address (there is news). Queued in the transaction of
 * what they report, through the outbox; a job sends them (mail.jobs.ts).
 */
import { randomUUID } from 'node:crypto';
import { recordAudit } from '../audit/audit.service.js';
import { inTransaction, type AppContext } from '../kernel/context.js';
import { openNotifyAddress, sealNotifyAddress } from '../kernel/crypto.js';
import type { Tx } from '../kernel/database.js';
import type { ReporterPrincipal } from '../reporter/reporter.service.js';
import { enqueueJob } from '../jobs/job.service.js';
import { sendMailJob } from './mail.jobs.js';
import type { MailParams, MailTemplate } from './mail.rules.js';
import { noteMailUnconfigured } from './mail.transport.js';
import { notifyAddressKey } from './notify-key.js';
import { deleteNotifyAddress, findNotifyAddress, insertOutboxMail, saveNotifyAddress } from './outbox.repository.js';

async function queueMail(
  tx: Tx,
  ctx: AppContext,
  at: Date,
  mail: { recipientKind: 'staff' | 'reporter'; userId: string | null; caseId: string; template: MailTemplate; params: MailParams; dedupeKey: string },
): Promise<boolean> {
  const id = randomUUID();
  const inserted = await insertOutboxMail(tx, {
    id,
    recipient_kind: mail.recipientKind,
    user_id: mail.userId,
    case_id: mail.caseId,
    template: mail.template,
    params: JSON.stringify(mail.params),
    dedupe_key: mail.dedupeKey,
    state: 'pending',
    attempts: 0,
    last_error: null,
    created_at: at.toISOString(),
    sent_at: null,
  });
  if (!inserted) return false;
  if (ctx.config.mail.smtpUrl) await enqueueJob(tx, at, sendMailJob, { outboxId: id }, { dedupeKey: `mail:${id}` });
  else noteMailUnconfigured(ctx);
  return true;
}

export interface StaffNotice {
  template: Exclude<MailTemplate, 'reporter.news'>;
  caseId: string;
  ref: string;
  dueAt?: string;
  userIds: readonly string[];
  /** Identifies the occasion (e.g. `warn80:<case>:feedback:2`); the user id is appended per recipient. */
  occasion: string;
}

/** Queues one notice per recipient; a notice already queued for the same occasion is not queued again. */
export async function queueStaffNotices(tx: Tx, ctx: AppContext, at: Date, notice: StaffNotice): Promise<number> {
  let queued = 0;
  for (const userId of new Set(notice.userIds)) {
    const params: MailParams = { ref: notice.ref, ...(notice.dueAt ? { dueAt: notice.dueAt } : {}) };
    if (await queueMail(tx, ctx, at, { recipientKind: 'staff', userId, caseId: notice.caseId, template: notice.template, params, dedupeKey: `${notice.occasion}:${userId}` })) {
      queued += 1;
    }
  }
  return queued;
}

/**
 * Tells the reporter, if they left an address, that there is news: no reference, no content.
 * `occasion` makes it idempotent (e.g. `escalated:2`, or a message id).
 */
export async function queueReporterNotice(tx: Tx, ctx: AppContext, caseId: string, at: Date, occasion: string): Promise<boolean> {
  if (!(await findNotifyAddress(tx, caseId))) return false;
  return queueMail(tx, ctx, at, { recipientKind: 'reporter', userId: null, caseId, template: 'reporter.news', params: {}, dedupeKey: `reporter:${caseId}:${occasion}` });
}

/** Keeps a reporter's address for notices, sealed under the server's notification key; for intake's transaction. */
export async function rememberNotifyAddress(tx: Tx, ctx: AppContext, caseId: string, address: string, at: Date): Promise<void> {
  await saveNotifyAddress(tx, caseId, sealNotifyAddress(notifyAddressKey(ctx.config), caseId, address.trim()), at.toISOString());
}

/** The reporter gives, changes (address) or takes back (null) the address for notices. Audited without the address. */
export async function setReporterNotifyAddress(ctx: AppContext, principal: ReporterPrincipal, address: string | null): Promise<{ notifyEmail: string | null }> {
  const at = ctx.clock.now();
  await inTransaction(ctx, async (tx) => {
    if (address === null) {
      const removed = await deleteNotifyAddress(tx, principal.caseId);
      await recordAudit(tx, ctx.dialect, at, { actor: { type: 'reporter', caseId: principal.caseId }, action: 'reporter.notify_address.remove', details: { removed } });
    } else {
      await rememberNotifyAddress(tx, ctx, principal.caseId, address, at);
      await recordAudit(tx, ctx.dialect, at, { actor: { type: 'reporter', caseId: principal.caseId }, action: 'reporter.notify_address.set' });
    }
  });
  return { notifyEmail: address === null ? null : address.trim() };
}

/** Whether the reporter left an address (shown back to them only, in their own session). */
export async function getReporterNotifyAddress(ctx: AppContext, principal: ReporterPrincipal): Promise<{ notifyEmail: string | null }> {
  const stored = await findNotifyAddress(ctx.db, principal.caseId);
  return { notifyEmail: stored ? openNotifyAddress(notifyAddressKey(ctx.config), principal.caseId, stored.address_sealed) : null };
}
