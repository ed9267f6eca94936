/**
 * The records jobs: the retention sweep (shreds what is due, removes orphaned sealed files) and the
 * daily witness mail of the audit chain's head.
 */
import fs from 'node:fs';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { auditHead } from '../audit/audit.service.js';
import { defineJob } from '../jobs/job.types.js';
import { enqueueJob } from '../jobs/job.service.js';
import type { AppContext } from '../kernel/context.js';
import { sendMailJob } from '../notifications/mail.jobs.js';
import { insertOutboxMail } from '../notifications/outbox.repository.js';
import { listStoredAttachmentNames } from './records.repository.js';
import { runRetentionSweep } from './retention.service.js';

const DAY_MS = 86_400_000;

/** Sealed files no row refers to and older than a day (an upload in progress is younger): left by a crash mid-shred. */
export async function removeOrphanedFiles(ctx: AppContext): Promise<number> {
  const dir = ctx.config.attachments.dir;
  let names: string[];
  try {
    names = await fs.promises.readdir(dir);
  } catch {
    return 0;
  }
  const known = new Set((await listStoredAttachmentNames(ctx.db)).map((row) => row.storage_name));
  const cutoff = ctx.clock.now().getTime() - DAY_MS;
  let removed = 0;
  for (const name of names) {
    if (!/^[0-9a-f]{32}$/.test(name) || known.has(name)) continue;
    const stat = await fs.promises.stat(`${dir}/${name}`).catch(() => null);
    if (!stat || stat.mtimeMs > cutoff) continue;
    await fs.promises.rm(`${dir}/${name}`, { force: true });
    removed += 1;
  }
  return removed;
}

export const retentionSweepJob = defineJob({
  name: 'records.retention',
  input: z.object({}),
  maxAttempts: 3,
  async run(ctx) {
    const { shredded } = await runRetentionSweep(ctx);
    const orphans = await removeOrphanedFiles(ctx);
    if (shredded > 0 || orphans > 0) ctx.logger.info({ op: 'records.retention', shredded, orphans }, 'retention sweep');
  },
});

/**
 * Queues the audit chain's head for the witness address (CANDOR_AUDIT_HEAD_MAIL_TO), once per UTC
 * day: the outbox's dedupe key is the day, so every node may run this and one mail goes out.
 */
export async function queueAuditHeadMail(ctx: AppContext): Promise<boolean> {
  const to = ctx.config.records.auditHeadMailTo;
  if (!to) return false;
  const head = await auditHead(ctx.db);
  if (!head) return false;
  const now = ctx.clock.now();
  const id = randomUUID();
  const inserted = await insertOutboxMail(ctx.db, {
    id,
    recipient_kind: 'witness',
    user_id: null,
    case_id: null,
    template: 'audit.head',
    params: JSON.stringify({ seq: head.seq, hash: head.hash, at: head.at }),
    dedupe_key: `audit-head:${now.toISOString().slice(0, 10)}`,
    state: 'pending',
    attempts: 0,
    last_error: null,
    created_at: now.toISOString(),
    sent_at: null,
  });
  if (inserted && ctx.config.mail.smtpUrl) await enqueueJob(ctx.db, now, sendMailJob, { outboxId: id }, { dedupeKey: `mail:${id}` });
  return inserted;
}

export const auditHeadMailJob = defineJob({
  name: 'audit.head.mail',
  input: z.object({}),
  maxAttempts: 3,
  async run(ctx) {
    await queueAuditHeadMail(ctx);
  },
});
