/**
 * The clocks of one case as a state machine: how case events start, stop and reset them, how a
 * pause moves a deadline, and what a sweep owes a clock (a warning, a breach). Pure: the caller
 * passes "now", the policy and the stored clocks, and writes back what comes out.
 */
import { NO_DEADLINE } from '../kernel/clock.js';
import { clockSpan, dueAfter, type ClockKind, type CompleteClockPolicy, type HolidayList } from './clock.rules.js';

export const CLOCK_STATES = ['running', 'met', 'breached', 'paused'] as const;
export type ClockStatus = (typeof CLOCK_STATES)[number];

/** One clock of a case, as stored (times are ISO-8601 UTC text). */
export interface ClockState {
  kind: ClockKind;
  state: ClockStatus;
  /** 1 for the first run; a reset (idle activity, an appeal, a new investigation) starts the next cycle. */
  cycle: number;
  startedAt: string;
  dueAt: string;
  /** When what the clock waited for happened. Set on a breached clock too, when it was done late. */
  metAt: string | null;
  breachedAt: string | null;
  pausedAt: string | null;
  pauseReason: string | null;
  /** Time spent paused in this cycle; already added to dueAt. */
  pausedMs: number;
  warned50At: string | null;
  warned80At: string | null;
}

export type CaseClockEvent =
  | { kind: 'received' }
  | { kind: 'acknowledged' }
  | { kind: 'feedback' }
  | { kind: 'activity' }
  | { kind: 'investigation-started' }
  | { kind: 'findings' }
  | { kind: 'closed' }
  | { kind: 'reopened' };

export interface ClockTiming {
  policy: CompleteClockPolicy;
  holidays: HolidayList;
}

export type ClockSet = ReadonlyMap<ClockKind, ClockState>;

function startClock(kind: ClockKind, at: Date, cycle: number, timing: ClockTiming): ClockState {
  return {
    kind,
    state: 'running',
    cycle,
    startedAt: at.toISOString(),
    dueAt: dueAfter(at, clockSpan(kind, timing.policy), timing.policy.dayKind, timing.holidays).toISOString(),
    metAt: null,
    breachedAt: null,
    pausedAt: null,
    pauseReason: null,
    pausedMs: 0,
    warned50At: null,
    warned80At: null,
  };
}

/** What the clock waited for happened: a running or paused clock is met; a breached one records that it was done late. */
function meet(clock: ClockState | undefined, at: Date): ClockState | undefined {
  if (!clock) return clock;
  const when = at.toISOString();
  if (clock.state === 'running' || clock.state === 'paused') return { ...clock, state: 'met', metAt: when, pausedAt: null, pauseReason: null };
  if (clock.state === 'breached' && clock.metAt === null) return { ...clock, metAt: when };
  return clock;
}

function restart(kind: ClockKind, clock: ClockState | undefined, at: Date, timing: ClockTiming): ClockState {
  return startClock(kind, at, (clock?.cycle ?? 0) + 1, timing);
}

/** Work on the case resets the idle alarm, unless it is paused or the case is closed (idle met). */
function touchIdle(clock: ClockState | undefined, at: Date, timing: ClockTiming): ClockState | undefined {
  if (!clock) return clock;
  if (clock.state === 'running' || (clock.state === 'breached' && clock.metAt === null)) return restart('idle', clock, at, timing);
  return clock;
}

/**
 * Applies one case event to the case's clocks and answers the new set. Clocks the event does not
 * concern come back unchanged (the same objects), so the caller can write only what changed.
 *
 * - received: acknowledge, feedback and the idle alarm start.
 * - acknowledged / feedback: that clock is met; the idle alarm resets.
 * - activity: the idle alarm resets; an appeal's acknowledge clock (cycle > 1) is met, since the
 *   appeal has been picked up.
 * - investigation-started: the investigation clock starts (a new cycle if it ran before).
 * - findings: the investigation is over; its clock is met, the idle alarm resets.
 * - closed: every clock is met (a breached one records when it was finally done).
 * - reopened (an appeal): acknowledge, feedback and the idle alarm start a new cycle.
 */
export function applyClockEvent(clocks: ClockSet, event: CaseClockEvent, at: Date, timing: ClockTiming): Map<ClockKind, ClockState> {
  const next = new Map(clocks);
  const set = (kind: ClockKind, clock: ClockState | undefined) => {
    if (clock) next.set(kind, clock);
  };
  switch (event.kind) {
    case 'received':
      for (const kind of ['acknowledge', 'feedback', 'idle'] as const) {
        if (!clocks.has(kind)) set(kind, startClock(kind, at, 1, timing));
      }
      break;
    case 'acknowledged':
      set('acknowledge', meet(clocks.get('acknowledge'), at));
      set('idle', touchIdle(clocks.get('idle'), at, timing));
      break;
    case 'feedback':
      set('feedback', meet(clocks.get('feedback'), at));
      set('idle', touchIdle(clocks.get('idle'), at, timing));
      break;
    case 'activity': {
      const acknowledge = clocks.get('acknowledge');
      if (acknowledge && acknowledge.cycle > 1) set('acknowledge', meet(acknowledge, at));
      set('idle', touchIdle(clocks.get('idle'), at, timing));
      break;
    }
    case 'investigation-started':
      set('investigation', restart('investigation', clocks.get('investigation'), at, timing));
      set('idle', touchIdle(clocks.get('idle'), at, timing));
      break;
    case 'findings':
      set('investigation', meet(clocks.get('investigation'), at));
      set('idle', touchIdle(clocks.get('idle'), at, timing));
      break;
    case 'closed':
      for (const [kind, clock] of clocks) set(kind, meet(clock, at));
      break;
    case 'reopened':
      for (const kind of ['acknowledge', 'feedback', 'idle'] as const) set(kind, restart(kind, clocks.get(kind), at, timing));
      break;
  }
  return next;
}

/** Whether a clock still waits for something: running, or breached and not yet done. */
export function isOutstanding(clock: ClockState): boolean {
  return clock.state === 'running' || (clock.state === 'breached' && clock.metAt === null);
}

/**
 * The case's next deadline, for the inbox order: the earliest due date of an outstanding clock
 * (a breached one keeps the case at the top until the work is done). Paused clocks do not count.
 */
export function caseNextDeadline(clocks: Iterable<ClockState>): string {
  let nearest = NO_DEADLINE;
  for (const clock of clocks) if (isOutstanding(clock) && clock.dueAt < nearest) nearest = clock.dueAt;
  return nearest;
}

export type PauseRefusal = 'clock_not_running' | 'clock_not_pausable';
export type ResumeRefusal = 'clock_not_paused';

/** Acknowledging takes one step and nothing outside Candor can hold it up, so it cannot be paused. */
export const PAUSABLE_KINDS: readonly ClockKind[] = ['feedback', 'investigation', 'idle'];

export function pauseClock(clock: ClockState, at: Date, reason: string): ClockState | PauseRefusal {
  if (!PAUSABLE_KINDS.includes(clock.kind)) return 'clock_not_pausable';
  if (clock.state !== 'running') return 'clock_not_running';
  return { ...clock, state: 'paused', pausedAt: at.toISOString(), pauseReason: reason };
}

/** Resuming moves the deadline (and the warnings with it) on by the time spent paused. */
export function resumeClock(clock: ClockState, at: Date): ClockState | ResumeRefusal {
  if (clock.state !== 'paused' || clock.pausedAt === null) return 'clock_not_paused';
  const pausedFor = Math.max(0, at.getTime() - new Date(clock.pausedAt).getTime());
  return {
    ...clock,
    state: 'running',
    dueAt: new Date(new Date(clock.dueAt).getTime() + pausedFor).toISOString(),
    pausedMs: clock.pausedMs + pausedFor,
    pausedAt: null,
    pauseReason: null,
  };
}

/** When a running clock has used this share (0..1) of its running time, pauses not counted. */
export function warningAt(clock: Pick<ClockState, 'startedAt' | 'dueAt' | 'pausedMs'>, share: number): string {
  const due = new Date(clock.dueAt).getTime();
  const running = due - new Date(clock.startedAt).getTime() - clock.pausedMs;
  return new Date(due - Math.round((1 - share) * running)).toISOString();
}

/** When the sweep must next look at this clock; null when it owes the clock nothing. */
export function nextCheckAt(clock: ClockState): string | null {
  if (clock.state !== 'running') return null;
  if (clock.warned50At === null) return warningAt(clock, 0.5);
  if (clock.warned80At === null) return warningAt(clock, 0.8);
  return clock.dueAt;
}

export interface SweepWork {
  /** The warning to send now, if any: only the latest one that is due, never a stale one. */
  warn: 50 | 80 | null;
  breach: boolean;
}

/**
 * What a sweep at `now` owes a clock. A breach replaces any warning not yet sent (a warning after
 * the deadline would be noise), and a late sweep sends the 80% warning without the 50% one.
 */
export function sweepWork(clock: ClockState, now: Date): SweepWork {
  if (clock.state !== 'running') return { warn: null, breach: false };
  const at = now.toISOString();
  if (at >= clock.dueAt) return { warn: null, breach: true };
  if (clock.warned80At === null && at >= warningAt(clock, 0.8)) return { warn: 80, breach: false };
  if (clock.warned50At === null && at >= warningAt(clock, 0.5)) return { warn: 50, breach: false };
  return { warn: null, breach: false };
}

/** The clock after the sweep did its work: warnings marked as sent, or the breach recorded. */
export function afterSweep(clock: ClockState, work: SweepWork, now: Date): ClockState {
  const at = now.toISOString();
  if (work.breach) {
    return { ...clock, state: 'breached', breachedAt: clock.dueAt, warned50At: clock.warned50At ?? at, warned80At: clock.warned80At ?? at };
  }
  if (work.warn === 80) return { ...clock, warned50At: clock.warned50At ?? at, warned80At: at };
  if (work.warn === 50) return { ...clock, warned50At: at };
  return clock;
}

export type MilestoneStatus = 'met' | 'late' | 'pending';

/** How a promise to the reporter stands: kept, late (done late or overdue now), or not yet due. */
export function milestoneStatus(clock: Pick<ClockState, 'state' | 'dueAt' | 'metAt'>, now: Date): MilestoneStatus {
  if (clock.metAt !== null) return clock.state === 'breached' || clock.metAt > clock.dueAt ? 'late' : 'met';
  if (clock.state === 'breached' || now.toISOString() > clock.dueAt) return 'late';
  return 'pending';
}
