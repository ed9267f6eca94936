import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { ladderUserIds, planEscalation } from '../../src/clocks/escalation.rules.js';

const grants = (entries: [string, boolean][]) => new Map(entries.map(([id, active]) => [id, { active }]));

describe('planEscalation', () => {
  const ladder = [
    { rung: 1, userIds: ['lead-a', 'lead-b'] },
    { rung: 2, userIds: ['oversight-1'] },
  ];

  test('the first escalation activates the first rung’s standby grants', () => {
    const plan = planEscalation(ladder, 0, grants([['handler', true], ['lead-a', false], ['lead-b', false], ['oversight-1', false]]));
    expect(plan).toEqual({ reached: 1, steps: [{ rung: 1, activate: ['lead-a', 'lead-b'], alreadyActive: [], withoutKey: [], outcome: 'escalated' }] });
  });

  test('the next escalation goes one rung higher', () => {
    const plan = planEscalation(ladder, 1, grants([['lead-a', true], ['oversight-1', false]]));
    expect(plan.reached).toBe(2);
    expect(plan.steps).toEqual([{ rung: 2, activate: ['oversight-1'], alreadyActive: [], withoutKey: [], outcome: 'escalated' }]);
  });

  test('a rung whose people hold no key (added to the ladder after intake) is recorded and passed over', () => {
    const plan = planEscalation(ladder, 0, grants([['oversight-1', false]]));
    expect(plan.reached).toBe(2);
    expect(plan.steps).toEqual([
      { rung: 1, activate: [], alreadyActive: [], withoutKey: ['lead-a', 'lead-b'], outcome: 'skipped' },
      { rung: 2, activate: ['oversight-1'], alreadyActive: [], withoutKey: [], outcome: 'escalated' },
    ]);
  });

  test('past the top of the ladder nothing is left', () => {
    expect(planEscalation(ladder, 2, grants([['oversight-1', true]]))).toEqual({ reached: null, steps: [] });
    expect(planEscalation([], 0, grants([]))).toEqual({ reached: null, steps: [] });
  });

  test('property: never reaches a rung at or below the highest passed; only key holders are activated; skipped rungs have no key holder', () => {
    const ids = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f');
    fc.assert(
      fc.property(
        fc.array(fc.array(ids, { maxLength: 3 }), { maxLength: 5 }),
        fc.integer({ min: 0, max: 5 }),
        fc.array(fc.tuple(ids, fc.boolean()), { maxLength: 6 }),
        (rungs, highest, holderList) => {
          const holders = grants(holderList);
          const plan = planEscalation(rungs.map((userIds, index) => ({ rung: index + 1, userIds })), highest, holders);
          for (const step of plan.steps) {
            expect(step.rung).toBeGreaterThan(highest);
            for (const id of step.activate) expect(holders.get(id)?.active).toBe(false);
            for (const id of step.withoutKey) expect(holders.has(id)).toBe(false);
            if (step.outcome === 'skipped') expect(step.activate.length + step.alreadyActive.length).toBe(0);
          }
          expect(plan.steps.filter((step) => step.outcome === 'escalated').length).toBe(plan.reached === null ? 0 : 1);
          if (plan.reached !== null) expect(plan.steps.at(-1)?.rung).toBe(plan.reached);
        },
      ),
      { numRuns: 1000 },
    );
  });
});

test('ladderUserIds names everyone once, oversight resolved', () => {
  expect(ladderUserIds([{ kind: 'users', userIds: ['a', 'b'] }, { kind: 'users', userIds: ['b'] }, { kind: 'oversight' }], ['o1', 'a'])).toEqual(['a', 'b', 'o1']);
});
