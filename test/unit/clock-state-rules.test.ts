import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  afterSweep,
  applyClockEvent,
  caseNextDeadline,
  isOutstanding,
  milestoneStatus,
  nextCheckAt,
  pauseClock,
  resumeClock,
  sweepWork,
  warningAt,
  type CaseClockEvent,
  type ClockState,
  type ClockTiming,
} from '../../src/clocks/clock-state.rules.js';
import { completePolicy, type ClockKind } from '../../src/clocks/clock.rules.js';
import { NO_DEADLINE } from '../../src/kernel/clock.js';

const DAY = 86_400_000;
const timing: ClockTiming = { policy: completePolicy({ acknowledgeDays: 7, feedbackMonths: 3 }), holidays: new Set() };
const start = new Date('2026-01-05T09:00:00.000Z');
const later = (days: number) => new Date(start.getTime() + days * DAY);
const received = () => applyClockEvent(new Map(), { kind: 'received' }, start, timing);

describe('case events drive the clocks', () => {
  test('a new report starts acknowledge (7 days), feedback (3 months) and the idle alarm (14 days)', () => {
    const clocks = received();
    expect([...clocks.keys()].sort()).toEqual(['acknowledge', 'feedback', 'idle']);
    expect(clocks.get('acknowledge')).toMatchObject({ state: 'running', cycle: 1, dueAt: '2026-01-12T09:00:00.000Z' });
    expect(clocks.get('feedback')?.dueAt).toBe('2026-04-05T09:00:00.000Z');
    expect(clocks.get('idle')?.dueAt).toBe('2026-01-19T09:00:00.000Z');
    expect(caseNextDeadline(clocks.values())).toBe('2026-01-12T09:00:00.000Z');
  });

  test('acknowledging meets the acknowledge clock and resets the idle alarm; the inbox then runs on the idle alarm', () => {
    const clocks = applyClockEvent(received(), { kind: 'acknowledged' }, later(2), timing);
    expect(clocks.get('acknowledge')).toMatchObject({ state: 'met', metAt: later(2).toISOString() });
    expect(clocks.get('idle')).toMatchObject({ state: 'running', cycle: 2, dueAt: later(16).toISOString() });
    expect(caseNextDeadline(clocks.values())).toBe(later(16).toISOString());
  });

  test('a clock done after its breach stays breached and records when it was done', () => {
    const breached = received();
    const acknowledge = breached.get('acknowledge')!;
    breached.set('acknowledge', afterSweep(acknowledge, sweepWork(acknowledge, later(8)), later(8)));
    expect(breached.get('acknowledge')).toMatchObject({ state: 'breached', breachedAt: acknowledge.dueAt });
    expect(caseNextDeadline(breached.values())).toBe(acknowledge.dueAt);
    const done = applyClockEvent(breached, { kind: 'acknowledged' }, later(9), timing);
    expect(done.get('acknowledge')).toMatchObject({ state: 'breached', metAt: later(9).toISOString() });
    expect(milestoneStatus(done.get('acknowledge')!, later(9))).toBe('late');
  });

  test('an appeal restarts acknowledge, feedback and idle; the first activity meets the appeal acknowledge clock', () => {
    let clocks = applyClockEvent(received(), { kind: 'acknowledged' }, later(1), timing);
    clocks = applyClockEvent(clocks, { kind: 'feedback' }, later(30), timing);
    clocks = applyClockEvent(clocks, { kind: 'closed' }, later(40), timing);
    expect(caseNextDeadline(clocks.values())).toBe(NO_DEADLINE);
    clocks = applyClockEvent(clocks, { kind: 'reopened' }, later(45), timing);
    expect(clocks.get('acknowledge')).toMatchObject({ state: 'running', cycle: 2, dueAt: later(52).toISOString() });
    expect(clocks.get('feedback')).toMatchObject({ state: 'running', cycle: 2 });
    clocks = applyClockEvent(clocks, { kind: 'activity' }, later(46), timing);
    expect(clocks.get('acknowledge')).toMatchObject({ state: 'met', metAt: later(46).toISOString() });
  });

  test('events a clock does not wait for leave it as it was (the same object)', () => {
    const before = received();
    const after = applyClockEvent(before, { kind: 'activity' }, later(1), timing);
    expect(after.get('acknowledge')).toBe(before.get('acknowledge'));
    expect(after.get('feedback')).toBe(before.get('feedback'));
    expect(after.get('idle')).not.toBe(before.get('idle'));
  });
});

const events: fc.Arbitrary<CaseClockEvent> = fc.constantFrom(
  { kind: 'received' },
  { kind: 'acknowledged' },
  { kind: 'feedback' },
  { kind: 'activity' },
  { kind: 'investigation-started' },
  { kind: 'findings' },
  { kind: 'closed' },
  { kind: 'reopened' },
);
type Step = { event: CaseClockEvent } | { sweep: true } | { pause: ClockKind } | { resume: ClockKind };
const steps: fc.Arbitrary<{ step: Step; hours: number }> = fc.record({
  step: fc.oneof(
    events.map((event) => ({ event })),
    fc.constant({ sweep: true as const }),
    fc.constantFrom<ClockKind>('acknowledge', 'feedback', 'investigation', 'idle').map((kind) => ({ pause: kind })),
    fc.constantFrom<ClockKind>('acknowledge', 'feedback', 'investigation', 'idle').map((kind) => ({ resume: kind })),
  ),
  hours: fc.integer({ min: 0, max: 24 * 40 }),
});

function run(sequence: { step: Step; hours: number }[], check: (clocks: Map<ClockKind, ClockState>, step: Step, at: Date) => void) {
  let clocks = received();
  let at = start;
  for (const { step, hours } of sequence) {
    at = new Date(at.getTime() + hours * 3_600_000);
    if ('event' in step) clocks = applyClockEvent(clocks, step.event, at, timing);
    else if ('sweep' in step) {
      for (const [kind, clock] of clocks) clocks.set(kind, afterSweep(clock, sweepWork(clock, at), at));
    } else if ('pause' in step) {
      const clock = clocks.get(step.pause);
      const paused = clock && pauseClock(clock, at, 'waiting for the reporter');
      if (paused && typeof paused !== 'string') clocks.set(step.pause, paused);
    } else {
      const clock = clocks.get(step.resume);
      const resumed = clock && resumeClock(clock, at);
      if (resumed && typeof resumed !== 'string') clocks.set(step.resume, resumed);
    }
    check(clocks, step, at);
  }
}

describe('properties over any sequence of events, sweeps, pauses and resumes', () => {
  test('clocks stop when what they wait for happens, and a closed case has nothing outstanding', () => {
    fc.assert(
      fc.property(fc.array(steps, { maxLength: 40 }), (sequence) => {
        run(sequence, (clocks, step) => {
          if (!('event' in step)) return;
          const { kind } = step.event;
          const notWaiting = (clock: ClockState | undefined) => clock === undefined || (clock.state !== 'running' && clock.state !== 'paused');
          if (kind === 'acknowledged') expect(notWaiting(clocks.get('acknowledge'))).toBe(true);
          if (kind === 'feedback') expect(notWaiting(clocks.get('feedback'))).toBe(true);
          if (kind === 'findings') expect(notWaiting(clocks.get('investigation'))).toBe(true);
          if (kind === 'closed') {
            for (const clock of clocks.values()) expect(isOutstanding(clock) || clock.state === 'paused').toBe(false);
            expect(caseNextDeadline(clocks.values())).toBe(NO_DEADLINE);
          }
        });
      }),
      { numRuns: 400 },
    );
  });

  test('every clock is consistent: due after start, met/breached/paused with their times, warnings only once, next check only when running', () => {
    fc.assert(
      fc.property(fc.array(steps, { maxLength: 40 }), (sequence) => {
        run(sequence, (clocks, _step, at) => {
          for (const clock of clocks.values()) {
            expect(clock.dueAt > clock.startedAt).toBe(true);
            expect(clock.state !== 'met' || clock.metAt !== null).toBe(true);
            expect(clock.state !== 'breached' || clock.breachedAt === clock.dueAt).toBe(true);
            expect(clock.state === 'paused').toBe(clock.pausedAt !== null);
            expect(clock.state === 'paused').toBe(clock.pauseReason !== null);
            expect(clock.kind === 'acknowledge' && clock.state === 'paused').toBe(false);
            expect(nextCheckAt(clock) !== null).toBe(clock.state === 'running');
            if (clock.warned80At !== null) expect(clock.warned50At).not.toBeNull();
            expect(clock.pausedMs).toBeGreaterThanOrEqual(0);
            // A running clock swept at `at` is never left overdue.
            if (clock.state === 'running') {
              const swept = afterSweep(clock, sweepWork(clock, at), at);
              if (at.toISOString() >= clock.dueAt) expect(swept.state).toBe('breached');
            }
          }
          const deadline = caseNextDeadline(clocks.values());
          const outstanding = [...clocks.values()].filter(isOutstanding);
          expect(deadline).toBe(outstanding.length === 0 ? NO_DEADLINE : outstanding.map((clock) => clock.dueAt).sort()[0]);
        });
      }),
      { numRuns: 400 },
    );
  });
});

describe('warnings, breach and pauses', () => {
  const clock = () => received().get('acknowledge')!;

  test('50% and 80% of a 7-day clock fall at 3.5 and 5.6 days; the sweep sends each once, then breaches', () => {
    const running = clock();
    expect(warningAt(running, 0.5)).toBe(new Date(start.getTime() + 3.5 * DAY).toISOString());
    expect(warningAt(running, 0.8)).toBe(new Date(start.getTime() + 5.6 * DAY).toISOString());
    expect(sweepWork(running, later(3))).toEqual({ warn: null, breach: false });
    const at50 = new Date(start.getTime() + 3.5 * DAY);
    expect(sweepWork(running, at50)).toEqual({ warn: 50, breach: false });
    const warned = afterSweep(running, { warn: 50, breach: false }, at50);
    expect(sweepWork(warned, later(4))).toEqual({ warn: null, breach: false });
    expect(nextCheckAt(warned)).toBe(warningAt(running, 0.8));
    const warned80 = afterSweep(warned, sweepWork(warned, later(6)), later(6));
    expect(warned80.warned80At).toBe(later(6).toISOString());
    expect(nextCheckAt(warned80)).toBe(running.dueAt);
    expect(sweepWork(warned80, later(7))).toEqual({ warn: null, breach: true });
  });

  test('a sweep that comes late sends only the latest warning, and after the deadline none at all', () => {
    expect(sweepWork(clock(), later(6))).toEqual({ warn: 80, breach: false });
    const late = afterSweep(clock(), { warn: 80, breach: false }, later(6));
    expect(late.warned50At).toBe(later(6).toISOString());
    expect(sweepWork(clock(), later(30))).toEqual({ warn: null, breach: true });
  });

  test('a pause needs a running clock (not acknowledge); resuming moves the deadline and the warnings by the pause', () => {
    const feedback = received().get('feedback')!;
    expect(pauseClock(clock(), later(1), 'why')).toBe('clock_not_pausable');
    const paused = pauseClock(feedback, later(10), 'reporter asked us to wait') as ClockState;
    expect(paused.state).toBe('paused');
    expect(nextCheckAt(paused)).toBeNull();
    expect(pauseClock(paused, later(11), 'again')).toBe('clock_not_running');
    expect(resumeClock(feedback, later(11))).toBe('clock_not_paused');
    const resumed = resumeClock(paused, later(24)) as ClockState;
    expect(resumed.dueAt).toBe(new Date(new Date(feedback.dueAt).getTime() + 14 * DAY).toISOString());
    expect(resumed.pausedMs).toBe(14 * DAY);
    expect(new Date(warningAt(resumed, 0.5)).getTime() - new Date(warningAt(feedback, 0.5)).getTime()).toBe(14 * DAY);
  });

  test('milestones: met on time, late when done late or overdue, pending before the date', () => {
    expect(milestoneStatus({ state: 'running', dueAt: later(7).toISOString(), metAt: null }, later(3))).toBe('pending');
    expect(milestoneStatus({ state: 'running', dueAt: later(7).toISOString(), metAt: null }, later(8))).toBe('late');
    expect(milestoneStatus({ state: 'met', dueAt: later(7).toISOString(), metAt: later(6).toISOString() }, later(30))).toBe('met');
    expect(milestoneStatus({ state: 'breached', dueAt: later(7).toISOString(), metAt: later(9).toISOString() }, later(30))).toBe('late');
  });
});
