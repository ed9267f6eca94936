/**
 * Sending one e-mail from the outbox, as a job with retries and backoff. The address is looked up
 * at the last moment (a staff account, or a reporter's sealed address) and never stored in the
 * outbox, the job or a log line.
 *
 * Delivery is at least once: if the SMTP server accepted a message and the node died before it
 * marked the row sent, the retry sends it again, with the same Message-ID so that mail systems
 * can drop the copy.
 */
import { z } from 'zod';
import type { AppContext } from '../kernel/context.js';
import { openNotifyAddress } from '../kernel/crypto.js';
import { defineJob } from '../jobs/job.types.js';
import { renderMail, type MailParams, type MailTemplate } from './mail.rules.js';
import { mailTransport, noteMailUnconfigured } from './mail.transport.js';
import { notifyAddressKey } from './notify-key.js';
import {
  findNotifyAddress,
  findOutboxMail,
  findStaffAddress,
  listPendingOutboxIds,
  markOutboxAttemptFailed,
  markOutboxFailed,
  markOutboxSent,
  type OutboxRow,
} from './outbox.repository.js';
import { enqueueJob } from '../jobs/job.service.js';
import { escrowNoticeAddress, forgetEscrowNotice } from '../escrow/escrow.notices.js';

/** Where the recipient should go; null when the installation's address is not configured. */
function links(ctx: AppContext) {
  const base = ctx.config.publicUrl?.replace(/\/+$/, '') ?? null;
  return { staff: base ? `${base}/console` : null, reporter: base ? `${base}/` : null };
}

async function recipientAddress(ctx: AppContext, row: OutboxRow): Promise<string | { refused: string }> {
  if (row.recipient_kind === 'staff') {
    const user = row.user_id ? await findStaffAddress(ctx.db, row.user_id) : undefined;
    if (!user) return { refused: 'no_such_user' };
    if (user.disabled_at !== null) return { refused: 'user_disabled' };
    return user.email;
  }
  if (row.recipient_kind === 'witness') return ctx.config.records.auditHeadMailTo ?? { refused: 'no_address' };
  if (row.recipient_kind === 'escrow') return (await escrowNoticeAddress(ctx, (JSON.parse(row.params) as MailParams).notice)) ?? { refused: 'no_address' };
  const stored = row.case_id ? await findNotifyAddress(ctx.db, row.case_id) : undefined;
  // The reporter took their address back: the notice is not sent.
  if (!stored || !row.case_id) return { refused: 'no_address' };
  return openNotifyAddress(notifyAddressKey(ctx.config), row.case_id, stored.address_sealed);
}

class SmtpRefused extends Error {
  constructor(readonly code: string) {
    super('The mail server did not take the message.');
    this.name = 'SmtpRefused';
  }
}

export const sendMailJob = defineJob({
  name: 'mail.send',
  input: z.object({ outboxId: z.string() }),
  maxAttempts: 8,
  backoff: { baseMs: 60_000, capMs: 6 * 60 * 60_000 },
  async run(ctx, { outboxId }) {
    const row = await findOutboxMail(ctx.db, outboxId);
    if (!row || row.state !== 'pending') return; // sent already (a retry), or given up
    const transport = mailTransport(ctx);
    if (!transport) {
      noteMailUnconfigured(ctx);
      return; // kept in the outbox; sent once SMTP is configured (see requeueUnsentMail)
    }
    const to = await recipientAddress(ctx, row);
    if (typeof to !== 'string') {
      await markOutboxFailed(ctx.db, row.id, to.refused);
      return;
    }
    const mail = renderMail(row.template as MailTemplate, JSON.parse(row.params) as MailParams, links(ctx));
    try {
      await transport.sendMail({
        from: ctx.config.mail.from,
        to,
        subject: mail.subject,
        text: mail.text,
        messageId: `<${row.id}@candor.invalid>`,
      });
    } catch (error) {
      const code = (error as { code?: unknown; responseCode?: unknown }).responseCode ?? (error as { code?: unknown }).code;
      await markOutboxAttemptFailed(ctx.db, row.id, `smtp:${String(code ?? 'error')}`);
      throw new SmtpRefused(String(code ?? 'error'));
    }
    await markOutboxSent(ctx.db, row.id, ctx.clock.now().toISOString());
    if (row.recipient_kind === 'escrow') await forgetEscrowNotice(ctx.db, (JSON.parse(row.params) as MailParams).notice);
    ctx.logger.info({ op: 'mail.send', outboxId: row.id, template: row.template }, 'notice sent');
  },
  async onGiveUp(ctx, { outboxId }) {
    await markOutboxFailed(ctx.db, outboxId, 'gave_up');
  },
});

/** Queues a send for every notice still pending (those kept while SMTP was not configured). */
export async function requeueUnsentMail(ctx: AppContext): Promise<number> {
  if (!ctx.config.mail.smtpUrl) return 0;
  let queued = 0;
  const now = ctx.clock.now();
  for (const outboxId of await listPendingOutboxIds(ctx.db, 10_000)) {
    if (await enqueueJob(ctx.db, now, sendMailJob, { outboxId }, { dedupeKey: `mail:${outboxId}` })) queued += 1;
  }
  return queued;
}
