/**
 * Due process for the subject: when and what they were told, their response (text and the ids of
 * evidence files uploaded to the case), the outcome and sanctions, and an appeal by the subject
 * within the same window as the reporter's. Findings per allegation (lifecycle.service.ts) are
 * made against the channel's standard of proof, or the installation's. All of it is sealed under
 * the case key; only the kind of record and its time are in the clear.
 */
import { randomUUID } from 'node:crypto';
import { recordAudit } from '../audit/audit.service.js';
import { recordCaseEvent } from '../clocks/clock.service.js';
import type { StaffPrincipal } from '../identity/identity.service.js';
import { inTransaction, type AppContext } from '../kernel/context.js';
import type { CaseKey } from '../kernel/crypto.js';
import type { Queryable } from '../kernel/database.js';
import type { CaseDueProcessTable } from '../kernel/db-schema.js';
import { Conflict, ValidationFailed } from '../kernel/errors.js';
import { openDueProcess, sealDueProcess } from './case.content.js';
import { appealOpen } from './case.rules.js';
import { applyStep, openForWork } from './lifecycle.service.js';

export interface SubjectNotice { partyId: string | null; toldAt: string; what: string }
export interface SubjectResponse { partyId: string | null; receivedAt: string; text: string; attachmentIds: string[] }
export interface Outcome { outcome: string; sanctions: string[] }
export interface SubjectAppeal { partyId: string | null; reason: string }

type Kind = CaseDueProcessTable['kind'];

async function record(ctx: AppContext, principal: StaffPrincipal, caseId: string, kind: Kind, body: (caseKey: CaseKey, row: { status: string; closed_at: string | null }) => Promise<unknown> | unknown) {
  const at = ctx.clock.now();
  return inTransaction(ctx, async (tx) => {
    const { row, caseKey } = await openForWork(tx, principal, caseId);
    const content = await body(caseKey, row);
    const id = randomUUID();
    await tx.insertInto('case_due_process').values({ id, case_id: caseId, kind, body_sealed: sealDueProcess(caseKey, caseId, content), recorded_by: principal.userId, created_at: at.toISOString() }).execute();
    if (kind === 'appeal') {
      await applyStep(ctx, tx, { type: 'staff', id: principal.userId }, row, caseKey, { to: 'review', reason: `Appeal by the subject: ${(content as SubjectAppeal).reason}` }, at);
    } else {
      await recordCaseEvent(tx, ctx, caseId, at, { kind: 'activity' });
    }
    await recordAudit(tx, ctx.dialect, at, { actor: { type: 'staff', id: principal.userId }, action: `case.due_process.${kind}`, caseId, targetId: id });
    return { id, kind, ...(content as object), recordedBy: principal.userId, at: at.toISOString() };
  });
}

async function checkParty(db: Queryable, caseId: string, partyId: string | null | undefined) {
  if (!partyId) return;
  const party = await db.selectFrom('case_parties').select('id').where('id', '=', partyId).where('case_id', '=', caseId).executeTakeFirst();
  if (!party) throw new ValidationFailed({ partyId: ['no such party on this case'] });
}

export async function recordSubjectNotice(ctx: AppContext, principal: StaffPrincipal, caseId: string, input: { partyId?: string; toldAt: string; what: string }) {
  await checkParty(ctx.db, caseId, input.partyId);
  return record(ctx, principal, caseId, 'notice', () => ({ partyId: input.partyId ?? null, toldAt: input.toldAt, what: input.what }) satisfies SubjectNotice);
}

export async function recordSubjectResponse(ctx: AppContext, principal: StaffPrincipal, caseId: string, input: { partyId?: string; receivedAt?: string; text: string; attachmentIds?: string[] }) {
  await checkParty(ctx.db, caseId, input.partyId);
  const ids = [...new Set(input.attachmentIds ?? [])];
  if (ids.length > 0) {
    const found = await ctx.db.selectFrom('case_attachments').select('id').where('case_id', '=', caseId).where('id', 'in', ids).execute();
    if (found.length !== ids.length) throw new ValidationFailed({ attachmentIds: ['every attachment must be a file uploaded to this case'] });
  }
  const receivedAt = input.receivedAt ?? ctx.clock.now().toISOString();
  return record(ctx, principal, caseId, 'response', () => ({ partyId: input.partyId ?? null, receivedAt, text: input.text, attachmentIds: ids }) satisfies SubjectResponse);
}

export function recordOutcome(ctx: AppContext, principal: StaffPrincipal, caseId: string, input: { outcome: string; sanctions?: string[] }) {
  return record(ctx, principal, caseId, 'outcome', (_key, row) => {
    if (row.status !== 'findings' && row.status !== 'closed' && row.status !== 'review') {
      throw new Conflict('invalid_transition', 'An outcome is recorded once findings are made.');
    }
    return { outcome: input.outcome, sanctions: input.sanctions ?? [] } satisfies Outcome;
  });
}

/** The subject appeals a closed case (recorded by a handler), within the appeal window: the case goes to review. */
export async function recordSubjectAppeal(ctx: AppContext, principal: StaffPrincipal, caseId: string, input: { partyId?: string; reason: string }) {
  await checkParty(ctx.db, caseId, input.partyId);
  const now = ctx.clock.now();
  return record(ctx, principal, caseId, 'appeal', (_key, row) => {
    if (row.status !== 'closed') throw new Conflict('invalid_transition', 'Only a closed case can be appealed.');
    if (!appealOpen(row.closed_at, now, ctx.config.cases.appealWindowDays)) {
      throw new Conflict('appeal_window_closed', `An appeal must be made within ${ctx.config.cases.appealWindowDays} days of closing.`);
    }
    return { partyId: input.partyId ?? null, reason: input.reason } satisfies SubjectAppeal;
  });
}

/** The due-process record of a case, opened for someone who holds its key. */
export async function dueProcessView(db: Queryable, caseId: string, caseKey: CaseKey, standardOfProof: string, closedAt: string | null, appealWindowDays: number) {
  const rows = await db.selectFrom('case_due_process').selectAll().where('case_id', '=', caseId).orderBy('created_at').orderBy('id').execute();
  const open = <T>(row: (typeof rows)[number]) => ({ id: row.id, recordedBy: row.recorded_by, at: row.created_at, ...openDueProcess<T>(caseKey, caseId, row.body_sealed) });
  return {
    standardOfProof,
    appealWindowDays,
    appealOpenUntil: closedAt ? new Date(new Date(closedAt).getTime() + appealWindowDays * 86_400_000).toISOString() : null,
    notices: rows.filter((row) => row.kind === 'notice').map((row) => open<SubjectNotice>(row)),
    responses: rows.filter((row) => row.kind === 'response').map((row) => open<SubjectResponse>(row)),
    outcomes: rows.filter((row) => row.kind === 'outcome').map((row) => open<Outcome>(row)),
    appeals: rows.filter((row) => row.kind === 'appeal').map((row) => open<SubjectAppeal>(row)),
  };
}
