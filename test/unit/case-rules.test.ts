/** The case lifecycle rules: which steps exist, what closing needs, and invariants under any sequence of commands. */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  appealOpen,
  assertTransition,
  canTransition,
  CASE_STATUSES,
  checkTransition,
  CLOSINGS,
  closingsFrom,
  FINDINGS,
  type CaseFacts,
  type CaseStatus,
  type Closing,
  type Finding,
} from '../../src/cases/case.rules.js';

const LIFECYCLE: [CaseStatus, CaseStatus][] = [
  ['received', 'acknowledged'],
  ['acknowledged', 'assessment'],
  ['assessment', 'investigation'],
  ['assessment', 'closed'],
  ['investigation', 'findings'],
  ['findings', 'closed'],
  ['closed', 'review'],
  ['review', 'investigation'],
  ['review', 'findings'],
  ['review', 'closed'],
];

const facts = (status: CaseStatus, extra: Partial<CaseFacts> = {}): CaseFacts => ({
  status,
  feedbackGivenAt: null,
  reopenedAt: null,
  allegationFindings: [],
  closedAt: null,
  ...extra,
});

describe('the lifecycle', () => {
  test('allows exactly the intended steps', () => {
    for (const from of CASE_STATUSES) {
      for (const to of CASE_STATUSES) {
        const intended = LIFECYCLE.some(([a, b]) => a === from && b === to);
        expect(canTransition(from, to), `${from} -> ${to}`).toBe(intended);
      }
    }
  });

  test('refuses an illegal step with a stable code, including made-up statuses', () => {
    expect(() => assertTransition('received', 'closed')).toThrow(expect.objectContaining({ code: 'invalid_transition', status: 409 }));
    expect(() => assertTransition('__proto__', 'acknowledged')).toThrow(expect.objectContaining({ code: 'invalid_transition' }));
  });

  test('closing needs a fitting kind of closing, feedback, and a finding on every allegation', () => {
    const step = (closing?: Closing) => ({ to: 'closed' as const, closing, reason: 'done' });
    expect(checkTransition(facts('findings', { feedbackGivenAt: 't1' }), step())).toBe('closing_required');
    expect(checkTransition(facts('findings', { feedbackGivenAt: 't1' }), step('out-of-scope'))).toBe('invalid_closing');
    expect(checkTransition(facts('findings'), step('findings-issued'))).toBe('feedback_required');
    expect(checkTransition(facts('findings', { feedbackGivenAt: 't1', allegationFindings: ['substantiated', null] }), step('findings-issued'))).toBe('findings_incomplete');
    expect(checkTransition(facts('findings', { feedbackGivenAt: 't1', allegationFindings: ['substantiated', 'inconclusive'] }), step('findings-issued'))).toBeNull();
    expect(checkTransition(facts('assessment', { feedbackGivenAt: 't1' }), step('referred-elsewhere'))).toBeNull();
    expect(closingsFrom('assessment')).toEqual(['out-of-scope', 'referred-elsewhere']);
  });

  test('feedback given before a reopening does not count for closing again', () => {
    const reopened = facts('review', { feedbackGivenAt: '2026-01-01T00:00:00.000Z', reopenedAt: '2026-02-01T00:00:00.000Z' });
    expect(checkTransition(reopened, { to: 'closed', closing: 'appeal-dismissed', reason: 'no new facts' })).toBe('feedback_required');
    expect(checkTransition({ ...reopened, feedbackGivenAt: '2026-02-02T00:00:00.000Z' }, { to: 'closed', closing: 'appeal-dismissed', reason: 'no new facts' })).toBeNull();
  });

  test('every step needs a reason, and only closing takes a closing', () => {
    expect(checkTransition(facts('acknowledged'), { to: 'assessment', reason: '  ' })).toBe('reason_required');
    expect(checkTransition(facts('acknowledged'), { to: 'assessment', closing: 'out-of-scope', reason: 'x' })).toBe('invalid_closing');
  });

  test('an appeal is open only within the window after closing', () => {
    const closedAt = '2026-03-01T00:00:00.000Z';
    expect(appealOpen(closedAt, new Date('2026-03-31T00:00:00.000Z'), 30)).toBe(true);
    expect(appealOpen(closedAt, new Date('2026-03-31T00:00:01.000Z'), 30)).toBe(false);
    expect(appealOpen(null, new Date(), 30)).toBe(false);
  });
});

/** A small model of a case, driven by arbitrary commands through the rules, as the services apply them. */
type Command =
  | { kind: 'step'; to: CaseStatus; closing?: Closing; reason: string }
  | { kind: 'feedback' }
  | { kind: 'allegation' }
  | { kind: 'finding'; index: number; finding: Finding };

const command: fc.Arbitrary<Command> = fc.oneof(
  fc.record({
    kind: fc.constant('step' as const),
    to: fc.constantFrom(...CASE_STATUSES),
    closing: fc.option(fc.constantFrom(...CLOSINGS), { nil: undefined }),
    reason: fc.constantFrom('', 'because'),
  }),
  fc.record({ kind: fc.constant('feedback' as const) }),
  fc.record({ kind: fc.constant('allegation' as const) }),
  fc.record({ kind: fc.constant('finding' as const), index: fc.nat(4), finding: fc.constantFrom(...FINDINGS) }),
);

describe('properties under any sequence of commands', () => {
  test('no sequence reaches an illegal state; every closed case has feedback since it was last reopened; findings are complete when closed after findings', () => {
    fc.assert(
      fc.property(fc.array(command, { maxLength: 60 }), (commands) => {
        let state: CaseFacts = facts('received');
        let closing: Closing | null = null;
        let tick = 0;
        const now = () => new Date(Date.UTC(2026, 0, 1, 0, 0, tick++)).toISOString();
        for (const next of commands) {
          if (next.kind === 'feedback') {
            if (state.status !== 'received') state = { ...state, feedbackGivenAt: now() };
          } else if (next.kind === 'allegation') {
            if (state.status !== 'closed') state = { ...state, allegationFindings: [...state.allegationFindings, null] };
          } else if (next.kind === 'finding') {
            if (['investigation', 'findings', 'review'].includes(state.status) && next.index < state.allegationFindings.length) {
              const findings = [...state.allegationFindings];
              findings[next.index] = next.finding;
              state = { ...state, allegationFindings: findings };
            }
          } else if (checkTransition(state, next) === null) {
            const at = now();
            if (next.to === 'closed') closing = next.closing ?? null;
            state = {
              ...state,
              status: next.to,
              closedAt: next.to === 'closed' ? at : next.to === 'review' ? null : state.closedAt,
              reopenedAt: next.to === 'review' ? at : state.reopenedAt,
            };
          }
          expect(CASE_STATUSES).toContain(state.status);
          if (state.status === 'closed') {
            expect(state.feedbackGivenAt).not.toBeNull();
            if (state.reopenedAt) expect(state.feedbackGivenAt! > state.reopenedAt).toBe(true);
            expect(closing).not.toBeNull();
            if (closing === 'findings-issued') expect(state.allegationFindings.every((finding) => finding !== null)).toBe(true);
          }
        }
      }),
      { numRuns: 500 },
    );
  });
});
