/**
 * Moving a case through its lifecycle, and the work recorded on it: each step with who, when and
 * why; feedback to the reporter; allegations and findings; internal notes; tasks; assignment.
 * Every change writes its audit entry and tells the clocks, in the same transaction.
 */
import { randomUUID } from 'node:crypto';
import { recordAudit } from '../audit/audit.service.js';
import { addCalendarDays } from '../clocks/clock.rules.js';
import { recordCaseEvent, type CaseEvent } from '../clocks/clock.service.js';
import type { StaffPrincipal } from '../identity/identity.service.js';
import { NO_DEADLINE } from '../kernel/clock.js';
import { inTransaction, type AppContext } from '../kernel/context.js';
import { evidenceSha256, unwrapCaseKeyForUser, type CaseKey } from '../kernel/crypto.js';
import type { Tx } from '../kernel/database.js';
import { CaseNotFound, Conflict, DomainError, ValidationFailed } from '../kernel/errors.js';
import type { ReporterPrincipal } from '../reporter/reporter.service.js';
import { sealCaseText, sealMessage } from './case.content.js';
import { findCaseById, findReadableCase, insertMessage } from './case.repository.js';
import { appealOpen, checkTransition, isCaseStatus, REFUSAL_MESSAGES, type CaseStatus, type Closing, type Finding } from './case.rules.js';
import {
  holdsActiveGrant,
  insertAllegation,
  insertNote,
  insertTask,
  insertTransition,
  moveCase,
  listAllegations,
  nextAllegationPosition,
  recordFinding,
  setTaskDone,
  updateCase,
  updateInboxDeadline,
} from './lifecycle.repository.js';

type Actor = { type: 'staff'; id: string } | { type: 'reporter'; caseId: string };

/** Loads a case for someone who may work on it, with its key; for anyone else it does not exist. */
export async function openForWork(tx: Tx, principal: StaffPrincipal, caseId: string) {
  const row = await findReadableCase(tx, caseId, principal.userId);
  if (!row) throw new CaseNotFound();
  return { row, caseKey: unwrapCaseKeyForUser(row.wrapped_key, principal.privateKey, caseId) };
}

async function setNextDeadline(tx: Tx, caseId: string, at: string): Promise<void> {
  await updateCase(tx, caseId, { next_deadline_at: at });
  await updateInboxDeadline(tx, caseId, at);
}

interface StepInput {
  to: CaseStatus;
  closing?: Closing;
  reason: string;
}

/** Applies one lifecycle step to a loaded case: rules, record, status, deadlines, clocks, audit. */
export async function applyStep(
  ctx: AppContext,
  tx: Tx,
  actor: Actor,
  row: { id: string; status: string; feedback_given_at: string | null; reopened_at: string | null; closed_at: string | null; acknowledge_by: string; feedback_by: string },
  caseKey: CaseKey,
  step: StepInput,
  at: Date,
) {
  if (!isCaseStatus(row.status)) throw new Conflict('invalid_transition', `A case that is ${row.status} cannot change.`);
  const allegations = await listAllegations(tx, row.id);
  const refusal = checkTransition(
    {
      status: row.status,
      feedbackGivenAt: row.feedback_given_at,
      reopenedAt: row.reopened_at,
      allegationFindings: allegations.map((allegation) => allegation.finding as Finding | null),
      closedAt: row.closed_at,
    },
    step,
  );
  if (refusal === 'reason_required') throw new ValidationFailed({ reason: [REFUSAL_MESSAGES.reason_required] });
  if (refusal) throw new Conflict(refusal, REFUSAL_MESSAGES[refusal]);

  const when = at.toISOString();
  await insertTransition(tx, {
    id: randomUUID(),
    case_id: row.id,
    from_status: row.status,
    to_status: step.to,
    closing: step.closing ?? null,
    reason_sealed: sealCaseText(caseKey, row.id, 'transition', step.reason.trim()),
    actor_type: actor.type,
    actor_id: actor.type === 'staff' ? actor.id : null,
    at: when,
  });

  const events: CaseEvent[] = [{ kind: 'activity' }];
  const changes =
    step.to === 'acknowledged'
      ? { status: 'acknowledged', acknowledged_at: when, updated_at: when }
      : step.to === 'closed'
        ? { status: 'closed', closed_at: when, closing: step.closing ?? null, updated_at: when }
        : step.to === 'review'
          ? { status: 'review', closed_at: null, closing: null, reopened_at: when, updated_at: when }
          : { status: step.to, updated_at: when };
  if (!(await moveCase(tx, row.id, row.status, changes))) {
    throw new Conflict('invalid_transition', 'The case changed meanwhile; reload it and try again.');
  }
  if (step.to === 'acknowledged') {
    await setNextDeadline(tx, row.id, row.feedback_given_at ? NO_DEADLINE : row.feedback_by);
    events.push({ kind: 'acknowledged' });
  } else if (step.to === 'closed') {
    await setNextDeadline(tx, row.id, NO_DEADLINE);
    events.push({ kind: 'closed' });
  } else if (step.to === 'review') {
    // An appeal must be picked up promptly: it runs against the acknowledgement period again.
    await setNextDeadline(tx, row.id, addCalendarDays(at, ctx.config.clocks.acknowledgeDays).toISOString());
    events.push({ kind: 'reopened' });
  } else {
    if (step.to === 'investigation') events.push({ kind: 'investigation-started' });
    if (step.to === 'findings') events.push({ kind: 'findings' });
  }
  for (const event of events) await recordCaseEvent(tx, ctx, row.id, at, event);
  await recordAudit(tx, ctx.dialect, at, {
    actor,
    action: 'case.transition',
    caseId: row.id,
    details: { from: row.status, to: step.to, closing: step.closing ?? null },
  });
  return { id: row.id, status: step.to, closing: step.closing ?? null, at: when };
}

/** One recorded step of the lifecycle, by a handler who may read the case. */
export async function transitionCase(ctx: AppContext, principal: StaffPrincipal, caseId: string, step: StepInput) {
  const at = ctx.clock.now();
  return inTransaction(ctx, async (tx) => {
    const { row, caseKey } = await openForWork(tx, principal, caseId);
    return applyStep(ctx, tx, { type: 'staff', id: principal.userId }, row, caseKey, step, at);
  });
}

/** Acknowledges receipt: the first step, which stops the acknowledgement clock. */
export function acknowledgeCase(ctx: AppContext, principal: StaffPrincipal, caseId: string) {
  return transitionCase(ctx, principal, caseId, { to: 'acknowledged', reason: 'Receipt acknowledged to the reporter.' });
}

/** Feedback to the reporter: a message they read, which also stops the feedback clock. */
export async function giveFeedback(ctx: AppContext, principal: StaffPrincipal, caseId: string, body: string) {
  const at = ctx.clock.now();
  const when = at.toISOString();
  return inTransaction(ctx, async (tx) => {
    const { row, caseKey } = await openForWork(tx, principal, caseId);
    if (row.status === 'received') throw new Conflict('invalid_transition', 'Acknowledge the report before giving feedback.');
    const messageId = randomUUID();
    await insertMessage(tx, { id: messageId, case_id: caseId, author: 'handler', author_user_id: principal.userId, body_sealed: sealMessage(caseKey, caseId, body), created_at: when });
    await updateCase(tx, caseId, { feedback_given_at: when, updated_at: when });
    if (row.status !== 'closed') await setNextDeadline(tx, caseId, NO_DEADLINE);
    await recordCaseEvent(tx, ctx, caseId, at, { kind: 'feedback' });
    await recordAudit(tx, ctx.dialect, at, { actor: { type: 'staff', id: principal.userId }, action: 'case.feedback', caseId, targetId: messageId, details: { sha256: evidenceSha256(body) } });
    return { id: messageId, from: 'handler' as const, body, at: when };
  });
}

/** The reporter appeals a closed case, within the appeal window: it goes back to review. */
export async function appealAsReporter(ctx: AppContext, principal: ReporterPrincipal, reason: string) {
  const at = ctx.clock.now();
  return inTransaction(ctx, async (tx) => {
    const row = await findCaseById(tx, principal.caseId);
    if (!row) throw new CaseNotFound();
    if (row.status !== 'closed') throw new Conflict('invalid_transition', 'Only a closed case can be appealed.');
    if (!appealOpen(row.closed_at, at, ctx.config.cases.appealWindowDays)) {
      throw new Conflict('appeal_window_closed', `An appeal must be made within ${ctx.config.cases.appealWindowDays} days of closing.`);
    }
    return applyStep(ctx, tx, { type: 'reporter', caseId: row.id }, row, principal.caseKey, { to: 'review', reason }, at);
  });
}

export async function addAllegation(ctx: AppContext, principal: StaffPrincipal, caseId: string, summary: string) {
  const at = ctx.clock.now();
  return inTransaction(ctx, async (tx) => {
    const { row, caseKey } = await openForWork(tx, principal, caseId);
    if (row.status === 'closed') throw new Conflict('case_closed', 'The case is closed.');
    const id = randomUUID();
    const position = await nextAllegationPosition(tx, caseId);
    await insertAllegation(tx, { id, case_id: caseId, position, summary_sealed: sealCaseText(caseKey, caseId, 'allegation', summary), finding: null, standard: null, reasoning_sealed: null, decided_at: null, decided_by: null, created_at: at.toISOString() });
    await recordCaseEvent(tx, ctx, caseId, at, { kind: 'activity' });
    await recordAudit(tx, ctx.dialect, at, { actor: { type: 'staff', id: principal.userId }, action: 'case.allegation.create', caseId, targetId: id, details: { position } });
    return { id, position, summary, finding: null, standard: null, reasoning: null, decidedAt: null };
  });
}

/** A finding on one allegation, against the configured standard of proof. */
export async function recordAllegationFinding(ctx: AppContext, principal: StaffPrincipal, caseId: string, allegationId: string, input: { finding: Finding; reasoning: string }) {
  const at = ctx.clock.now();
  return inTransaction(ctx, async (tx) => {
    const { row, caseKey } = await openForWork(tx, principal, caseId);
    if (row.status !== 'investigation' && row.status !== 'findings' && row.status !== 'review') {
      throw new Conflict('invalid_transition', 'Findings are recorded during investigation, findings or review.');
    }
    const standard = row.channel_standard ?? ctx.config.cases.standardOfProof;
    const ok = await recordFinding(tx, caseId, allegationId, { finding: input.finding, standard, reasoning: sealCaseText(caseKey, caseId, 'finding', input.reasoning), at: at.toISOString(), by: principal.userId });
    if (!ok) throw new DomainError('allegation_not_found', 'No such allegation on this case.', 404);
    await recordCaseEvent(tx, ctx, caseId, at, { kind: 'activity' });
    await recordAudit(tx, ctx.dialect, at, { actor: { type: 'staff', id: principal.userId }, action: 'case.finding', caseId, targetId: allegationId, details: { finding: input.finding, standard } });
    return { id: allegationId, finding: input.finding, standard, reasoning: input.reasoning, decidedAt: at.toISOString() };
  });
}

/** An internal note: never shown to the reporter. */
export async function addNote(ctx: AppContext, principal: StaffPrincipal, caseId: string, body: string) {
  const at = ctx.clock.now();
  return inTransaction(ctx, async (tx) => {
    const { caseKey } = await openForWork(tx, principal, caseId);
    const id = randomUUID();
    await insertNote(tx, { id, case_id: caseId, author_id: principal.userId, body_sealed: sealCaseText(caseKey, caseId, 'note', body), created_at: at.toISOString() });
    await recordCaseEvent(tx, ctx, caseId, at, { kind: 'activity' });
    await recordAudit(tx, ctx.dialect, at, { actor: { type: 'staff', id: principal.userId }, action: 'case.note.create', caseId, targetId: id });
    return { id, authorId: principal.userId, body, at: at.toISOString() };
  });
}

export async function addTask(ctx: AppContext, principal: StaffPrincipal, caseId: string, input: { title: string; ownerId?: string; dueAt?: string }) {
  const at = ctx.clock.now();
  return inTransaction(ctx, async (tx) => {
    const { caseKey } = await openForWork(tx, principal, caseId);
    if (input.ownerId && !(await holdsActiveGrant(tx, caseId, input.ownerId))) {
      throw new ValidationFailed({ ownerId: ['the owner must be someone who can read this case'] });
    }
    const id = randomUUID();
    await insertTask(tx, { id, case_id: caseId, title_sealed: sealCaseText(caseKey, caseId, 'task', input.title), owner_id: input.ownerId ?? null, due_at: input.dueAt ?? null, done_at: null, created_by: principal.userId, created_at: at.toISOString() });
    await recordCaseEvent(tx, ctx, caseId, at, { kind: 'activity' });
    await recordAudit(tx, ctx.dialect, at, { actor: { type: 'staff', id: principal.userId }, action: 'case.task.create', caseId, targetId: id, details: { dueAt: input.dueAt ?? null } });
    return { id, title: input.title, ownerId: input.ownerId ?? null, dueAt: input.dueAt ?? null, doneAt: null };
  });
}

export async function completeTask(ctx: AppContext, principal: StaffPrincipal, caseId: string, taskId: string, done: boolean) {
  const at = ctx.clock.now();
  return inTransaction(ctx, async (tx) => {
    await openForWork(tx, principal, caseId);
    if (!(await setTaskDone(tx, caseId, taskId, done ? at.toISOString() : null))) throw new DomainError('task_not_found', 'No such task on this case.', 404);
    await recordCaseEvent(tx, ctx, caseId, at, { kind: 'activity' });
    await recordAudit(tx, ctx.dialect, at, { actor: { type: 'staff', id: principal.userId }, action: done ? 'case.task.done' : 'case.task.reopen', caseId, targetId: taskId });
    return { id: taskId, doneAt: done ? at.toISOString() : null };
  });
}

/** Gives the case to one handler who can read it. */
export async function assignCase(ctx: AppContext, principal: StaffPrincipal, caseId: string, assigneeId: string | null) {
  const at = ctx.clock.now();
  return inTransaction(ctx, async (tx) => {
    await openForWork(tx, principal, caseId);
    if (assigneeId !== null && !(await holdsActiveGrant(tx, caseId, assigneeId))) {
      throw new ValidationFailed({ assigneeId: ['the assignee must be someone who can read this case'] });
    }
    await updateCase(tx, caseId, { assignee_id: assigneeId, updated_at: at.toISOString() });
    await recordAudit(tx, ctx.dialect, at, { actor: { type: 'staff', id: principal.userId }, action: 'case.assign', caseId, targetId: assigneeId });
    return { id: caseId, assigneeId };
  });
}
