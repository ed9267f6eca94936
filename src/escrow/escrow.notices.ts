/**
 * Content-free e-mail to reporters whose entry matched and who left an address, through the
 * e-mail outbox (src/notifications). The address is opened from the entry (possible only once the
 * entry has matched), sealed under a key derived from the escrow key, and kept until the outbox
 * has sent the notice; then it is deleted. The outbox row names the notice, never the address,
 * the entry or the match, and the mail says only that there is news.
 */
import { randomUUID } from 'node:crypto';
import { enqueueJob } from '../jobs/job.service.js';
import type { AppContext } from '../kernel/context.js';
import { openNoticeAddress, sealNoticeAddress } from '../kernel/crypto.js';
import type { Queryable, Tx } from '../kernel/database.js';
import { sendMailJob } from '../notifications/mail.jobs.js';
import { noteMailUnconfigured } from '../notifications/mail.transport.js';
import { insertOutboxMail } from '../notifications/outbox.repository.js';
import { escrowRuntime, type EscrowRuntime } from './escrow.key.js';
import { insertNotices } from './escrow.repository.js';

/** Queues one notice for a matched entry's reporter, in the transaction of the match. */
export async function queueMatchNotice(tx: Tx, ctx: AppContext, runtime: EscrowRuntime, entryId: string, address: string, at: Date): Promise<void> {
  const id = randomUUID();
  await insertNotices(tx, [{ id, entry_id: entryId, address_sealed: sealNoticeAddress(runtime.key, id, address), created_at: at.toISOString() }]);
  const outboxId = randomUUID();
  await insertOutboxMail(tx, {
    id: outboxId,
    recipient_kind: 'escrow',
    user_id: null,
    case_id: null,
    template: 'escrow.news',
    params: JSON.stringify({ notice: id }),
    dedupe_key: `escrow:${id}`,
    state: 'pending',
    attempts: 0,
    last_error: null,
    created_at: at.toISOString(),
    sent_at: null,
  });
  if (ctx.config.mail.smtpUrl) await enqueueJob(tx, at, sendMailJob, { outboxId }, { dedupeKey: `mail:${outboxId}` });
  else noteMailUnconfigured(ctx);
}

/** The address of a notice, for the mailer; null once it is gone (sent, or the entry withdrawn). */
export async function escrowNoticeAddress(ctx: AppContext, noticeId: string | undefined): Promise<string | null> {
  if (!noticeId) return null;
  const row = await ctx.db.selectFrom('escrow_notices').select('address_sealed').where('id', '=', noticeId).executeTakeFirst();
  if (!row) return null;
  return openNoticeAddress((await escrowRuntime(ctx)).key, noticeId, row.address_sealed);
}

/** After sending: the address is not kept. */
export async function forgetEscrowNotice(db: Queryable, noticeId: string | undefined): Promise<void> {
  if (noticeId) await db.deleteFrom('escrow_notices').where('id', '=', noticeId).execute();
}
