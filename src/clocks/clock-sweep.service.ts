/**
 * The clock sweep: finds the clocks that owe a warning or a breach (a range walk of the sweep
 * index, never a scan of all cases) and deals with each in its own transaction: warn the case's
 * active holders at 50% and 80%; on breach, climb the channel's escalation ladder.
 *
 * Every effect is guarded so that a sweep that runs twice (a retry, a second node) acts once:
 * the clock row is written only if it is still as it was read (cycle, state, next check), and
 * each rung a case climbs is a row keyed by (case, rung).
 */
import { refreshCaseStats } from '../analytics/stats.service.js';
import { recordAudit } from '../audit/audit.service.js';
import { inTransaction, type AppContext } from '../kernel/context.js';
import type { Tx } from '../kernel/database.js';
import { queueReporterNotice, queueStaffNotices } from '../notifications/notification.service.js';
import { afterSweep, nextCheckAt, sweepWork, type ClockState } from './clock-state.rules.js';
import {
  activateGrants,
  findCaseClock,
  findCaseForClocks,
  findLadder,
  insertEscalation,
  listActiveUserIdsByRole,
  listCaseGrants,
  listDueClocks,
  listEscalations,
  rowToClock,
  saveCaseClockIfUnchanged,
  type ClockRow,
} from './clock.repository.js';
import { parseLadder, planEscalation, type RungMembers } from './escalation.rules.js';

export interface SweepResult {
  examined: number;
  warnings: number;
  breaches: number;
  escalations: number;
  /** Clocks another sweep dealt with first. */
  lost: number;
}

/** The channel's ladder with each rung resolved to the people on it now. */
export async function resolveLadder(tx: Tx, channelId: string): Promise<RungMembers[]> {
  const ladder = parseLadder(await findLadder(tx, channelId));
  const oversight = ladder.some((rung) => rung.kind === 'oversight') ? await listActiveUserIdsByRole(tx, 'oversight') : [];
  return ladder.map((rung, index) => ({ rung: index + 1, userIds: rung.kind === 'oversight' ? oversight : rung.userIds }));
}

/** Climbs the ladder for one breached clock: activates the next rung's standby grants, audits each rung. */
async function escalate(tx: Tx, ctx: AppContext, caseRow: { id: string; ref: string; channel_id: string }, clock: ClockState, now: Date): Promise<number> {
  const [ladder, passed, grants] = await Promise.all([resolveLadder(tx, caseRow.channel_id), listEscalations(tx, caseRow.id), listCaseGrants(tx, caseRow.id)]);
  const highest = passed.reduce((max, row) => Math.max(max, Number(row.rung)), 0);
  const plan = planEscalation(ladder, highest, new Map(grants.map((grant) => [grant.user_id, { active: Number(grant.active) === 1 }])));
  const at = now.toISOString();
  for (const step of plan.steps) {
    await insertEscalation(tx, {
      case_id: caseRow.id,
      rung: step.rung,
      outcome: step.outcome,
      clock_kind: clock.kind,
      clock_cycle: clock.cycle,
      activated: step.activate.length,
      without_key: step.withoutKey.length,
      at,
    });
    await activateGrants(tx, caseRow.id, step.activate);
    await recordAudit(tx, ctx.dialect, now, {
      actor: { type: 'system', id: 'clocks' },
      action: step.outcome === 'escalated' ? 'case.escalate' : 'case.escalate.skipped',
      caseId: caseRow.id,
      details: { rung: step.rung, clock: clock.kind, cycle: clock.cycle, activated: step.activate.length, alreadyActive: step.alreadyActive.length, withoutKey: step.withoutKey.length },
    });
    if (step.outcome === 'escalated') {
      await queueStaffNotices(tx, ctx, now, {
        template: 'case.escalated',
        caseId: caseRow.id,
        ref: caseRow.ref,
        userIds: [...step.activate, ...step.alreadyActive],
        occasion: `escalated:${caseRow.id}:${step.rung}`,
      });
      await queueReporterNotice(tx, ctx, caseRow.id, now, `escalated:${step.rung}`);
    }
  }
  if (plan.reached === null) {
    await recordAudit(tx, ctx.dialect, now, {
      actor: { type: 'system', id: 'clocks' },
      action: 'case.escalate.exhausted',
      caseId: caseRow.id,
      details: { clock: clock.kind, cycle: clock.cycle, highestRung: highest },
    });
  }
  return plan.reached === null ? 0 : 1;
}

type Outcome = { kind: 'none' | 'lost' } | { kind: 'warned' } | { kind: 'breached'; escalated: number };

/** Deals with one due clock in its own transaction. Safe to call twice, or from two nodes at once. */
export async function handleDueClock(ctx: AppContext, caseId: string, kind: ClockRow['kind'], now: Date): Promise<Outcome> {
  return inTransaction(ctx, async (tx): Promise<Outcome> => {
    const stored = await findCaseClock(tx, caseId, kind);
    if (!stored) return { kind: 'lost' };
    const clock = rowToClock(stored);
    const work = sweepWork(clock, now);
    const updated = afterSweep(clock, work, now);
    const check = nextCheckAt(updated);
    if (updated === clock && check === stored.next_check_at) return { kind: 'none' };
    if (!(await saveCaseClockIfUnchanged(tx, caseId, stored, updated, check, now.toISOString()))) return { kind: 'lost' };
    if (!work.warn && !work.breach) return { kind: 'none' }; // only the next check moved
    const caseRow = await findCaseForClocks(tx, caseId);
    if (!caseRow) return { kind: 'lost' };
    const holders = (await listCaseGrants(tx, caseId)).filter((grant) => Number(grant.active) === 1).map((grant) => grant.user_id);
    if (work.warn) {
      await queueStaffNotices(tx, ctx, now, {
        template: 'deadline.warning',
        caseId,
        ref: caseRow.ref,
        dueAt: clock.dueAt,
        userIds: holders,
        occasion: `warn${work.warn}:${caseId}:${kind}:${clock.cycle}`,
      });
      await recordAudit(tx, ctx.dialect, now, {
        actor: { type: 'system', id: 'clocks' },
        action: 'clock.warning',
        caseId,
        details: { kind, cycle: clock.cycle, share: work.warn, dueAt: clock.dueAt, recipients: holders.length },
      });
      return { kind: 'warned' };
    }
    await recordAudit(tx, ctx.dialect, now, {
      actor: { type: 'system', id: 'clocks' },
      action: 'clock.breach',
      caseId,
      details: { kind, cycle: clock.cycle, dueAt: clock.dueAt },
    });
    await queueStaffNotices(tx, ctx, now, {
      template: 'deadline.missed',
      caseId,
      ref: caseRow.ref,
      dueAt: clock.dueAt,
      userIds: holders,
      occasion: `breach:${caseId}:${kind}:${clock.cycle}`,
    });
    const escalated = await escalate(tx, ctx, caseRow, clock, now);
    await refreshCaseStats(tx, caseId, now);
    return { kind: 'breached', escalated };
  });
}

export interface SweepOptions {
  /** Clocks read per index walk. */
  batchSize?: number;
  /** Walks per sweep at most; what is left waits for the next sweep. */
  maxBatches?: number;
}

/** One sweep at the context's "now". */
export async function sweepClocks(ctx: AppContext, options: SweepOptions = {}): Promise<SweepResult> {
  const now = ctx.clock.now();
  const batchSize = options.batchSize ?? 200;
  const result: SweepResult = { examined: 0, warnings: 0, breaches: 0, escalations: 0, lost: 0 };
  const failed = new Set<string>();
  // Clocks this sweep has looked at and left due (none should be); never looked at twice.
  const seen = new Set<string>();
  for (let batch = 0; batch < (options.maxBatches ?? 50); batch++) {
    const due = (await listDueClocks(ctx.db, now.toISOString(), batchSize + seen.size)).filter((row) => !seen.has(`${row.case_id}/${row.kind}`));
    if (due.length === 0) break;
    for (const row of due) {
      result.examined += 1;
      const key = `${row.case_id}/${row.kind}`;
      try {
        const outcome = await handleDueClock(ctx, row.case_id, row.kind, now);
        if (outcome.kind === 'none') seen.add(key);
        if (outcome.kind === 'lost') result.lost += 1;
        if (outcome.kind === 'warned') result.warnings += 1;
        if (outcome.kind === 'breached') {
          result.breaches += 1;
          result.escalations += outcome.escalated;
        }
      } catch (error) {
        // One clock that cannot be handled must not hold up the others; it is retried next sweep.
        failed.add(key);
        seen.add(key);
        ctx.logger.error({ op: 'clocks.sweep', caseId: row.case_id, clock: row.kind, errType: error instanceof Error ? error.name : typeof error }, 'a due clock could not be handled');
      }
    }
  }
  if (failed.size > 0) throw new Error(`${failed.size} due clock(s) could not be handled`);
  return result;
}
