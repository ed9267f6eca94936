/**
 * The seam between the case lifecycle and the case clocks, and what the clocks show. Case services
 * call `recordCaseEvent` inside the transaction of every change, so clocks start, stop and reset
 * with what they wait for; the inbox order (next_deadline_at) follows the nearest outstanding clock.
 */
import { refreshCaseStats } from '../analytics/stats.service.js';
import { recordAudit } from '../audit/audit.service.js';
import { findActiveGrants } from '../cases/case.repository.js';
import type { StaffPrincipal } from '../identity/identity.service.js';
import type { Config } from '../kernel/config.js';
import { inTransaction, type AppContext } from '../kernel/context.js';
import type { Queryable, Tx } from '../kernel/database.js';
import { CaseNotFound, Conflict, DomainError, Forbidden } from '../kernel/errors.js';
import { queueReporterNotice } from '../notifications/notification.service.js';
import {
  applyClockEvent,
  caseNextDeadline,
  milestoneStatus,
  nextCheckAt,
  pauseClock,
  resumeClock,
  type ClockState,
  type ClockStatus,
  type ClockTiming,
  type MilestoneStatus,
} from './clock-state.rules.js';
import {
  findCaseClock,
  findCaseForClocks,
  insertCaseClocks,
  listCaseClocks,
  listChannelHolidays,
  listChannelPolicies,
  listEscalations,
  listPausedClocks,
  rowToClock,
  saveCaseClock,
  setCaseNextDeadline,
} from './clock.repository.js';
import { choosePolicy, CLOCK_KINDS, initialDeadlines, type ClockKind } from './clock.rules.js';

export type CaseEvent =
  | { kind: 'acknowledged' }
  | { kind: 'feedback' }
  | { kind: 'activity' }
  | { kind: 'investigation-started' }
  /** The investigation is over (findings recorded, or the case moved to findings): its target is met. */
  | { kind: 'findings' }
  | { kind: 'closed' }
  | { kind: 'reopened' };

const STATS_EVENTS = new Set<CaseEvent['kind']>(['acknowledged', 'closed', 'reopened', 'investigation-started', 'findings']);

export class ClockNotFound extends DomainError {
  constructor() {
    super('clock_not_found', 'This case has no such clock.', 404);
  }
}

/** The policy and holidays that time a case of this channel and category. */
export async function loadClockTiming(db: Queryable, config: Pick<Config, 'clocks'>, channelId: string, category: string): Promise<ClockTiming> {
  const [policies, holidays] = await Promise.all([listChannelPolicies(db, channelId), listChannelHolidays(db, channelId)]);
  return { policy: choosePolicy(policies, category, config.clocks), holidays: new Set(holidays) };
}

/** The acknowledgement and feedback dates to promise a new report, under its channel's policy for its category. */
export async function initialCaseDeadlines(ctx: AppContext, channelId: string, category: string, receivedAt: Date) {
  const timing = await loadClockTiming(ctx.db, ctx.config, channelId, category);
  return { ...initialDeadlines(receivedAt, timing.policy, timing.holidays), timing };
}

export interface NewCaseClocks {
  receivedAt: Date;
  /** The dates the reporter was promised: the first clocks run to exactly these. */
  acknowledgeBy: Date;
  feedbackBy: Date;
  /** The next deadline the case was stored with. */
  nextDeadlineAt: string;
  /** The timing the promised dates came from (initialCaseDeadlines). */
  timing: ClockTiming;
}

/** Starts a new case's clocks, inside the intake transaction. */
export async function startCaseClocks(tx: Tx, caseId: string, opened: NewCaseClocks): Promise<void> {
  const started = applyClockEvent(new Map(), { kind: 'received' }, opened.receivedAt, opened.timing);
  const promised = { acknowledge: opened.acknowledgeBy.toISOString(), feedback: opened.feedbackBy.toISOString() } as const;
  for (const kind of ['acknowledge', 'feedback'] as const) {
    const clock = started.get(kind);
    if (clock) started.set(kind, { ...clock, dueAt: promised[kind] });
  }
  await insertCaseClocks(tx, caseId, [...started.values()].map((clock) => ({ clock, nextCheckAt: nextCheckAt(clock) })), opened.receivedAt.toISOString());
  const deadline = caseNextDeadline(started.values());
  if (deadline !== opened.nextDeadlineAt) await setCaseNextDeadline(tx, caseId, deadline);
}

async function writeClocks(tx: Tx, caseId: string, before: ReadonlyMap<ClockKind, ClockState>, after: ReadonlyMap<ClockKind, ClockState>, at: string, currentDeadline: string) {
  for (const [kind, clock] of after) {
    if (clock !== before.get(kind)) await saveCaseClock(tx, caseId, clock, nextCheckAt(clock), at);
  }
  const deadline = caseNextDeadline(after.values());
  if (deadline !== currentDeadline) await setCaseNextDeadline(tx, caseId, deadline);
}

/** Starts, stops or resets the case's clocks for what just happened (inside the caller's transaction). */
export async function recordCaseEvent(tx: Tx, ctx: AppContext, caseId: string, at: Date, event: CaseEvent): Promise<void> {
  const row = await findCaseForClocks(tx, caseId);
  if (!row) throw new CaseNotFound();
  const before = new Map((await listCaseClocks(tx, caseId)).map((stored) => [stored.kind, rowToClock(stored)] as const));
  const timing = await loadClockTiming(tx, ctx.config, row.channel_id, row.category);
  const after = applyClockEvent(before, { kind: event.kind }, at, timing);
  await writeClocks(tx, caseId, before, after, at.toISOString(), row.next_deadline_at);
  // The statistics row follows every step that changes a figure (intake writes its own, cheaply).
  if (STATS_EVENTS.has(event.kind)) await refreshCaseStats(tx, caseId, at);
  if (event.kind === 'acknowledged' || event.kind === 'feedback' || event.kind === 'closed') {
    await queueReporterNotice(tx, ctx, caseId, at, `${event.kind}:${at.toISOString()}`);
  }
}

// --- what the clocks show -----------------------------------------------------------------------

/** What staff see of a clock: its state and times, not its bookkeeping (cycle, paused time, warnings). */
export type ClockView = Pick<ClockState, 'kind' | 'state' | 'startedAt' | 'dueAt' | 'metAt' | 'breachedAt' | 'pausedAt' | 'pauseReason'>;

function toView(clock: ClockState): ClockView {
  const { kind, state, startedAt, dueAt, metAt, breachedAt, pausedAt, pauseReason } = clock;
  return { kind, state, startedAt, dueAt, metAt, breachedAt, pausedAt, pauseReason };
}

const byKind = (a: ClockState, b: ClockState) => CLOCK_KINDS.indexOf(a.kind) - CLOCK_KINDS.indexOf(b.kind);

/** The case's clocks for the staff case page (metadata: no access check here; the caller has done it). */
export async function clockViewsForCase(db: Queryable, caseId: string): Promise<ClockView[]> {
  return (await listCaseClocks(db, caseId)).map(rowToClock).sort(byKind).map(toView);
}

export interface EscalationView {
  rung: number;
  outcome: 'escalated' | 'skipped';
  clockKind: string;
  at: string;
  activated: number;
  withoutKey: number;
}

/** How far the case climbed the ladder, for the staff case page. */
export async function escalationsForCase(db: Queryable, caseId: string): Promise<EscalationView[]> {
  return (await listEscalations(db, caseId)).map((row) => ({
    rung: Number(row.rung),
    outcome: row.outcome,
    clockKind: row.clock_kind,
    at: row.at,
    activated: Number(row.activated),
    withoutKey: Number(row.without_key),
  }));
}

export interface ReporterMilestone {
  /** The date Candor promised (moved on by any pause). */
  promisedBy: string;
  status: MilestoneStatus;
  /** When it was done, on time or late. */
  doneAt: string | null;
}

export interface ReporterMilestones {
  acknowledge: ReporterMilestone | null;
  feedback: ReporterMilestone | null;
  /** Whether a missed deadline has taken the case to someone higher up. No names, no rung. */
  escalated: boolean;
}

/** What the reporter's view shows of the clocks: the promised dates, whether they were kept, and "escalated". */
export async function reporterMilestones(db: Queryable, caseId: string, now: Date): Promise<ReporterMilestones> {
  const [clocks, escalations] = await Promise.all([listCaseClocks(db, caseId), listEscalations(db, caseId)]);
  const milestone = (kind: ClockKind): ReporterMilestone | null => {
    const row = clocks.find((clock) => clock.kind === kind);
    if (!row) return null;
    const clock = rowToClock(row);
    return { promisedBy: clock.dueAt, status: milestoneStatus(clock, now), doneAt: clock.metAt };
  };
  return {
    acknowledge: milestone('acknowledge'),
    feedback: milestone('feedback'),
    escalated: escalations.some((row) => row.outcome === 'escalated'),
  };
}

// --- pausing ------------------------------------------------------------------------------------

async function requireReadable(tx: Tx, principal: StaffPrincipal, caseId: string): Promise<void> {
  if ((await findActiveGrants(tx, principal.userId, [caseId])).length === 0) throw new CaseNotFound();
}

const REFUSALS: Record<string, string> = {
  clock_not_running: 'Only a running clock can be paused.',
  clock_not_pausable: 'The acknowledgement clock cannot be paused: acknowledging takes one step.',
  clock_not_paused: 'The clock is not paused.',
};

async function changeClock(
  ctx: AppContext,
  principal: StaffPrincipal,
  caseId: string,
  kind: ClockKind,
  change: (clock: ClockState, at: Date) => ClockState | string,
  audit: (before: ClockState, after: ClockState) => { action: string; details: Record<string, string | number | null> },
): Promise<ClockView> {
  const at = ctx.clock.now();
  return inTransaction(ctx, async (tx) => {
    await requireReadable(tx, principal, caseId);
    const caseRow = await findCaseForClocks(tx, caseId);
    const stored = await findCaseClock(tx, caseId, kind);
    if (!caseRow || !stored) throw new ClockNotFound();
    const before = rowToClock(stored);
    const after = change(before, at);
    if (typeof after === 'string') throw new Conflict(after, REFUSALS[after] ?? after);
    const all = new Map((await listCaseClocks(tx, caseId)).map((row) => [row.kind, rowToClock(row)] as const));
    const next = new Map(all).set(kind, after);
    await saveCaseClock(tx, caseId, after, nextCheckAt(after), at.toISOString(), principal.userId);
    const deadline = caseNextDeadline(next.values());
    if (deadline !== caseRow.next_deadline_at) await setCaseNextDeadline(tx, caseId, deadline);
    const entry = audit(before, after);
    await recordAudit(tx, ctx.dialect, at, { actor: { type: 'staff', id: principal.userId }, action: entry.action, caseId, details: entry.details });
    return toView(after);
  });
}

/**
 * Pauses a clock, with a reason that is kept in the clear (so oversight sees it without the case
 * key) and in the audit log. The deadline moves on by the time spent paused.
 */
export function pauseCaseClock(ctx: AppContext, principal: StaffPrincipal, caseId: string, kind: ClockKind, reason: string): Promise<ClockView> {
  return changeClock(
    ctx,
    principal,
    caseId,
    kind,
    (clock, at) => pauseClock(clock, at, reason),
    (before) => ({ action: 'clock.pause', details: { kind, cycle: before.cycle, reason, dueAt: before.dueAt } }),
  );
}

export function resumeCaseClock(ctx: AppContext, principal: StaffPrincipal, caseId: string, kind: ClockKind): Promise<ClockView> {
  return changeClock(
    ctx,
    principal,
    caseId,
    kind,
    (clock, at) => resumeClock(clock, at),
    (before, after) => ({ action: 'clock.resume', details: { kind, cycle: before.cycle, pausedMs: after.pausedMs - before.pausedMs, dueAt: after.dueAt } }),
  );
}

/** The case's clocks and escalations for someone who may read it (audited as a read). */
export async function getCaseClocks(ctx: AppContext, principal: StaffPrincipal, caseId: string) {
  return inTransaction(ctx, async (tx) => {
    await requireReadable(tx, principal, caseId);
    const result = { clocks: await clockViewsForCase(tx, caseId), escalations: await escalationsForCase(tx, caseId) };
    await recordAudit(tx, ctx.dialect, ctx.clock.now(), { actor: { type: 'staff', id: principal.userId }, action: 'case.clocks.read', caseId });
    return result;
  });
}

/**
 * Every paused clock, across all cases, for oversight: a pause is how a deadline could be dodged,
 * so oversight sees each one with its reason and who paused it, without opening the case.
 */
export async function listClockPausesForOversight(ctx: AppContext, principal: StaffPrincipal) {
  if (principal.role !== 'oversight') throw new Forbidden('oversight_only', 'Only oversight can see every paused clock.');
  return inTransaction(ctx, async (tx) => {
    const rows = await listPausedClocks(tx, 1_000);
    await recordAudit(tx, ctx.dialect, ctx.clock.now(), { actor: { type: 'staff', id: principal.userId }, action: 'clock.pauses.list', details: { count: rows.length } });
    return {
      items: rows.map((row) => ({
        caseId: row.case_id,
        caseRef: row.ref,
        kind: row.kind,
        dueAt: row.due_at,
        pausedAt: row.paused_at ?? '',
        reason: row.pause_reason ?? '',
        pausedBy: row.paused_by ? { id: row.paused_by, name: row.paused_by_name ?? '' } : null,
      })),
    };
  });
}

/** The reporter's own view of the clocks (audited like any read of the case). */
export async function getReporterMilestones(ctx: AppContext, principal: { caseId: string }): Promise<ReporterMilestones> {
  const now = ctx.clock.now();
  return inTransaction(ctx, async (tx) => {
    const milestones = await reporterMilestones(tx, principal.caseId, now);
    await recordAudit(tx, ctx.dialect, now, { actor: { type: 'reporter', caseId: principal.caseId }, action: 'reporter.milestones.read' });
    return milestones;
  });
}
