/**
 * Retention, legal holds, shredding and withdrawal. A case is shredded when its channel's retention
 * period after closing has run out, or when its reporter withdrew it where that is allowed; never
 * while a legal hold stands. Shredding destroys every wrapped copy of the case key and every row of
 * content, deletes the attachment files, keeps a content-free tombstone and audits the deletion.
 */
import { exportView } from './export.service.js';
import { randomUUID } from 'node:crypto';
import { recordAudit, type AuditActor } from '../audit/audit.service.js';
import { removeSealedFile } from '../attachments/attachment.store.js';
import type { StaffPrincipal } from '../identity/identity.service.js';
import { inTransaction, type AppContext } from '../kernel/context.js';
import type { Tx } from '../kernel/database.js';
import { CaseNotFound, Conflict, DomainError, Forbidden, NotFound } from '../kernel/errors.js';
import { findChannelBySlug } from '../channels/channel.repository.js';
import type { ReporterPrincipal } from '../reporter/reporter.service.js';
import {
  countActiveHolds,
  findCaseMetadata,
  findHold,
  findRetentionPolicy,
  holdsActiveGrant,
  insertDisposal,
  insertHold,
  listActiveHolds,
  listAttachmentFiles,
  listChannelRetention,
  listExportsForCase,
  listHoldsForCase,
  listShredCandidates,
  markHoldLifted,
  saveRetentionPolicy,
} from './records.repository.js';
import { expiredBefore, retainUntil, shredReason, withdrawalAllowed } from './retention.rules.js';
import { compactAfterShredding, deleteCaseEverywhere } from './shred.repository.js';

export class CaseOnHold extends DomainError {
  constructor() {
    super('case_on_hold', 'The case is under a legal hold: it cannot be shredded until the hold is lifted.', 409);
  }
}

export class WithdrawalNotAllowed extends DomainError {
  constructor() {
    super('withdrawal_not_allowed', 'Reports on this channel cannot be withdrawn.', 403);
  }
}

function requireRecordsOfficer(principal: StaffPrincipal): void {
  if (principal.role !== 'oversight' && principal.role !== 'admin') throw new Forbidden('records_officer_only', 'Only oversight or an admin can do this.');
}

/** How long a channel keeps closed cases, in months. */
export async function retentionMonthsFor(ctx: AppContext, channelId: string): Promise<number> {
  return (await findRetentionPolicy(ctx.db, channelId))?.retain_months ?? ctx.config.records.retainMonths;
}

export async function listRetentionPolicies(ctx: AppContext, principal: StaffPrincipal) {
  requireRecordsOfficer(principal);
  const rows = await listChannelRetention(ctx.db);
  return {
    defaultRetainMonths: ctx.config.records.retainMonths,
    defaultWithdrawal: ctx.config.records.reporterWithdrawal,
    channels: rows.map((row) => ({
      channel: row.slug,
      name: row.name,
      retainMonths: row.retain_months ?? ctx.config.records.retainMonths,
      custom: row.retain_months !== null,
      allowWithdrawal: row.allow_withdrawal === null || row.allow_withdrawal === undefined ? null : row.allow_withdrawal === 1,
      withdrawalInForce: withdrawalAllowed(row.allow_withdrawal, ctx.config.records.reporterWithdrawal),
    })),
  };
}

/** Sets a channel's retention period and withdrawal setting (admins only), audited. */
export async function setRetentionPolicy(ctx: AppContext, principal: StaffPrincipal, slug: string, input: { retainMonths: number; allowWithdrawal: boolean | null }) {
  if (principal.role !== 'admin') throw new Forbidden('admin_only', 'Only an admin can change this.');
  const channel = await findChannelBySlug(ctx.db, slug);
  if (!channel) throw new NotFound('channel_not_found', 'There is no such channel.');
  const at = ctx.clock.now();
  await inTransaction(ctx, async (tx) => {
    await saveRetentionPolicy(tx, {
      channel_id: channel.id,
      retain_months: input.retainMonths,
      allow_withdrawal: input.allowWithdrawal === null ? null : input.allowWithdrawal ? 1 : 0,
      updated_at: at.toISOString(),
      updated_by: principal.userId,
    });
    await recordAudit(tx, ctx.dialect, at, {
      actor: { type: 'staff', id: principal.userId },
      action: 'retention.policy.set',
      targetId: channel.id,
      details: { retainMonths: input.retainMonths, allowWithdrawal: input.allowWithdrawal },
    });
  });
  return { channel: slug, retainMonths: input.retainMonths, allowWithdrawal: input.allowWithdrawal };
}

/** A case's records view: retention date, holds and exports (metadata only), for oversight, admins and holders of its key. */
export async function caseRecords(ctx: AppContext, principal: StaffPrincipal, idOrRef: string) {
  const found = await findCaseMetadata(ctx.db, idOrRef);
  if (!found) throw new CaseNotFound();
  const allowed = principal.role === 'oversight' || principal.role === 'admin' || (await holdsActiveGrant(ctx.db, found.id, principal.userId));
  if (!allowed) throw new CaseNotFound();
  const at = ctx.clock.now();
  const months = await retentionMonthsFor(ctx, found.channel_id);
  return inTransaction(ctx, async (tx) => {
    const holds = await listHoldsForCase(tx, found.id);
    const exports = await listExportsForCase(tx, found.id);
    await recordAudit(tx, ctx.dialect, at, { actor: { type: 'staff', id: principal.userId }, action: 'case.records.read', caseId: found.id });
    return {
      caseId: found.id,
      ref: found.ref,
      status: found.status,
      closedAt: found.closed_at,
      retainMonths: months,
      retainUntil: retainUntil(found.closed_at, months)?.toISOString() ?? null,
      withdrawnAt: found.withdrawn_at,
      onHold: holds.some((hold) => hold.lifted_at === null),
      holds: holds.map((hold) => ({
        id: hold.id,
        reason: hold.reason,
        setBy: hold.set_by,
        setAt: hold.set_at,
        liftedBy: hold.lifted_by,
        liftedAt: hold.lifted_at,
        liftReason: hold.lift_reason,
      })),
      exports: exports.map((row) => {
        const { caseId: _caseId, ...view } = exportView(row);
        return view;
      }),
    };
  });
}

/** Places a legal hold (oversight or admin, with a reason), audited. */
export async function placeLegalHold(ctx: AppContext, principal: StaffPrincipal, idOrRef: string, reason: string) {
  requireRecordsOfficer(principal);
  const found = await findCaseMetadata(ctx.db, idOrRef);
  if (!found) throw new CaseNotFound();
  const at = ctx.clock.now();
  const id = randomUUID();
  await inTransaction(ctx, async (tx) => {
    await insertHold(tx, { id, case_id: found.id, reason, set_by: principal.userId, set_at: at.toISOString(), lifted_by: null, lifted_at: null, lift_reason: null });
    await recordAudit(tx, ctx.dialect, at, { actor: { type: 'staff', id: principal.userId }, action: 'case.hold.set', caseId: found.id, targetId: id });
  });
  return { id, caseId: found.id, ref: found.ref, reason, setAt: at.toISOString() };
}

/** Lifts a legal hold (oversight or admin, with a reason), audited. A withdrawn or expired case is then shredded by the next sweep. */
export async function liftLegalHold(ctx: AppContext, principal: StaffPrincipal, idOrRef: string, holdId: string, reason: string) {
  requireRecordsOfficer(principal);
  const found = await findCaseMetadata(ctx.db, idOrRef);
  if (!found) throw new CaseNotFound();
  const at = ctx.clock.now();
  await inTransaction(ctx, async (tx) => {
    const hold = await findHold(tx, found.id, holdId);
    if (!hold) throw new NotFound('hold_not_found', 'There is no such hold on this case.');
    if (!(await markHoldLifted(tx, holdId, principal.userId, at.toISOString(), reason))) throw new Conflict('hold_already_lifted', 'This hold was already lifted.');
    await recordAudit(tx, ctx.dialect, at, { actor: { type: 'staff', id: principal.userId }, action: 'case.hold.lift', caseId: found.id, targetId: holdId });
  });
  return { id: holdId, liftedAt: at.toISOString() };
}

export async function listLegalHolds(ctx: AppContext, principal: StaffPrincipal) {
  requireRecordsOfficer(principal);
  const rows = await listActiveHolds(ctx.db);
  return { items: rows.map((row) => ({ id: row.id, caseId: row.case_id, ref: row.ref, status: row.status, reason: row.reason, setBy: row.set_by, setAt: row.set_at })) };
}

/** Shreds one case inside the caller's transaction; answers the attachment files to delete once it commits. */
async function shredInTransaction(tx: Tx, ctx: AppContext, caseId: string, reason: 'retention' | 'withdrawal', actor: AuditActor, at: Date): Promise<string[]> {
  if ((await countActiveHolds(tx, caseId)) > 0) throw new CaseOnHold();
  const row = await tx.selectFrom('cases').select(['id', 'ref', 'channel_id']).where('id', '=', caseId).executeTakeFirst();
  if (!row) throw new CaseNotFound();
  const files = (await listAttachmentFiles(tx, caseId)).map((file) => file.storage_name);
  const shredded = await deleteCaseEverywhere(tx, ctx.dialect, caseId);
  await insertDisposal(tx, { case_id: caseId, ref: row.ref, channel_id: row.channel_id, reason, disposed_at: at.toISOString() });
  await recordAudit(tx, ctx.dialect, at, {
    actor,
    action: 'case.shred',
    caseId,
    details: { reason, wrappedKeysDestroyed: shredded.wrappedKeys, rowsDeleted: shredded.rows, attachmentFiles: files.length },
  });
  return files;
}

async function removeFiles(ctx: AppContext, caseId: string, files: readonly string[]): Promise<void> {
  for (const name of files) {
    try {
      await removeSealedFile(ctx.config.attachments.dir, name);
    } catch (error) {
      // The file key is gone with the case: what is left is unreadable; the orphan sweep removes it later.
      ctx.logger.warn({ op: 'case.shred', caseId, errType: (error as Error).name }, 'an attachment file could not be deleted');
    }
  }
}

/** Shreds one case now (the sweep, a withdrawal). Refused with CaseOnHold under a legal hold. */
export async function shredCase(ctx: AppContext, caseId: string, reason: 'retention' | 'withdrawal', actor: AuditActor = { type: 'system', id: 'retention' }): Promise<void> {
  const at = ctx.clock.now();
  const files = await inTransaction(ctx, (tx) => shredInTransaction(tx, ctx, caseId, reason, actor, at));
  await removeFiles(ctx, caseId, files);
  ctx.logger.info({ op: 'case.shred', caseId, reason }, 'case shredded');
}

/** One pass of the retention sweep: shreds every case that is due (up to `limit`), then compacts storage. */
export async function runRetentionSweep(ctx: AppContext, limit = 200): Promise<{ shredded: number }> {
  const now = ctx.clock.now();
  let shredded = 0;
  for (const channel of await listChannelRetention(ctx.db)) {
    const months = channel.retain_months ?? ctx.config.records.retainMonths;
    // A day's margin for month arithmetic; the exact rule decides below.
    const cutoff = new Date(expiredBefore(now, months).getTime() + 86_400_000).toISOString();
    for (const candidate of await listShredCandidates(ctx.db, channel.id, cutoff, limit - shredded)) {
      const reason = shredReason(
        { status: candidate.status, closedAt: candidate.closed_at, withdrawnAt: candidate.withdrawn_at, retainMonths: months, activeHolds: 0 },
        now,
      );
      if (!reason) continue;
      try {
        await shredCase(ctx, candidate.id, reason);
        shredded += 1;
      } catch (error) {
        if (!(error instanceof CaseOnHold)) throw error; // a hold placed a moment ago wins
      }
    }
    if (shredded >= limit) break;
  }
  if (shredded > 0) await compactAfterShredding(ctx.db, ctx.dialect);
  return { shredded };
}

/** Whether the reporter of this case may withdraw it (the channel's setting, else the installation's). */
export async function reporterMayWithdraw(ctx: AppContext, caseId: string): Promise<boolean> {
  const row = await ctx.db.selectFrom('cases').select('channel_id').where('id', '=', caseId).executeTakeFirst();
  if (!row) return false;
  return withdrawalAllowed((await findRetentionPolicy(ctx.db, row.channel_id))?.allow_withdrawal, ctx.config.records.reporterWithdrawal);
}

/**
 * The reporter withdraws the report, where allowed: the case is shredded now, or, under a legal
 * hold, marked withdrawn and shredded as soon as the hold is lifted. Either way the reporter's
 * sessions end.
 */
export async function withdrawAsReporter(ctx: AppContext, principal: ReporterPrincipal): Promise<{ state: 'shredded' | 'held' }> {
  const { caseId } = principal;
  if (!(await reporterMayWithdraw(ctx, caseId))) throw new WithdrawalNotAllowed();
  const at = ctx.clock.now();
  const actor: AuditActor = { type: 'reporter', caseId };
  const outcome = await inTransaction(ctx, async (tx) => {
    const held = (await countActiveHolds(tx, caseId)) > 0;
    await recordAudit(tx, ctx.dialect, at, { actor, action: 'case.withdraw', caseId, details: { held } });
    if (held) {
      await tx.updateTable('cases').set({ withdrawn_at: at.toISOString(), updated_at: at.toISOString() }).where('id', '=', caseId).execute();
      await tx.deleteFrom('sessions').where('kind', '=', 'reporter').where('subject_id', '=', caseId).execute();
      return { state: 'held' as const, files: [] as string[] };
    }
    return { state: 'shredded' as const, files: await shredInTransaction(tx, ctx, caseId, 'withdrawal', actor, at) };
  });
  await removeFiles(ctx, caseId, outcome.files);
  if (outcome.state === 'shredded') await compactAfterShredding(ctx.db, ctx.dialect);
  ctx.logger.info({ op: 'case.withdraw', caseId, state: outcome.state }, 'report withdrawn');
  return { state: outcome.state };
}
