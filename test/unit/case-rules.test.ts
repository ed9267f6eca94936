import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { CASE_STATUSES, assertTransition, canTransition, type CaseStatus } from '../../src/cases/case.rules.js';
import { Conflict } from '../../src/kernel/errors.js';

/** The lifecycle as the product describes it; every other step must be refused. */
const ALLOWED: ReadonlyArray<[CaseStatus, CaseStatus]> = [
  ['received', 'acknowledged'],
  ['acknowledged', 'assessment'],
  ['assessment', 'investigation'],
  ['assessment', 'closed'],
  ['investigation', 'findings'],
  ['findings', 'closed'],
];
const isAllowed = (from: CaseStatus, to: CaseStatus) => ALLOWED.some(([f, t]) => f === from && t === to);

const ALL_PAIRS = CASE_STATUSES.flatMap((from) => CASE_STATUSES.map((to) => [from, to] as [CaseStatus, CaseStatus]));

function thrownBy(run: () => void): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('canTransition', () => {
  test.each(ALL_PAIRS)('%s -> %s', (from, to) => {
    expect(canTransition(from, to)).toBe(isAllowed(from, to));
  });

  test('a closed case has no way out, not even to closed', () => {
    for (const to of CASE_STATUSES) expect(canTransition('closed', to), to).toBe(false);
  });
});

describe('assertTransition', () => {
  test('allows the steps of the lifecycle', () => {
    for (const [from, to] of ALLOWED) expect(() => assertTransition(from, to)).not.toThrow();
  });

  test('refuses a skipped step with a 409 invalid_transition that names both states', () => {
    const error = thrownBy(() => assertTransition('received', 'closed'));
    expect(error).toBeInstanceOf(Conflict);
    expect(error).toMatchObject({ code: 'invalid_transition', status: 409 });
    expect((error as Error).message).toBe('A case that is received cannot become closed.');
  });

  test('refuses every step out of closed', () => {
    for (const to of CASE_STATUSES) expect(thrownBy(() => assertTransition('closed', to)), to).toMatchObject({ code: 'invalid_transition' });
  });

  test('refuses a status that is not part of the lifecycle, even one named like an object property', () => {
    for (const from of ['', 'open', 'CLOSED', 'toString', 'constructor', '__proto__']) {
      expect(thrownBy(() => assertTransition(from, 'acknowledged')), from).toMatchObject({ code: 'invalid_transition' });
    }
  });

  test('property: agrees with canTransition for every pair of statuses', () => {
    for (const [from, to] of ALL_PAIRS) {
      expect(thrownBy(() => assertTransition(from, to)) === undefined, `${from} -> ${to}`).toBe(canTransition(from, to));
    }
  });
});

describe('walking the lifecycle', () => {
  test('property: any sequence of attempted steps from received stays inside CASE_STATUSES, and closed is final', () => {
    // Attempts include strings that are no status at all, as a request body could carry.
    const attempt = fc.oneof(fc.constantFrom(...CASE_STATUSES), fc.string({ maxLength: 12 }));
    fc.assert(
      fc.property(fc.array(attempt, { maxLength: 40 }), (attempts) => {
        let status: string = 'received';
        for (const to of attempts) {
          const before = status;
          const refused = thrownBy(() => assertTransition(before, to as CaseStatus));
          if (refused === undefined) status = to;

          expect(CASE_STATUSES).toContain(status);
          expect(status).toBe(isAllowed(before as CaseStatus, to as CaseStatus) ? to : before);
          if (before === 'closed') expect(status).toBe('closed');
        }
      }),
      { numRuns: 1000 },
    );
  });

  test('both roads to closed are reachable from received', () => {
    const walk = (steps: CaseStatus[]) =>
      steps.reduce<CaseStatus>((status, to) => {
        assertTransition(status, to);
        return to;
      }, 'received');
    expect(walk(['acknowledged', 'assessment', 'closed'])).toBe('closed');
    expect(walk(['acknowledged', 'assessment', 'investigation', 'findings', 'closed'])).toBe('closed');
  });
});
