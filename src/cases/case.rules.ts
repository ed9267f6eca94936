/** The case lifecycle as data and pure functions. */
import { Conflict } from '../kernel/errors.js';

export const CASE_STATUSES = ['received', 'acknowledged', 'assessment', 'investigation', 'findings', 'closed'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

const TRANSITIONS: Record<CaseStatus, readonly CaseStatus[]> = {
  received: ['acknowledged'],
  acknowledged: ['assessment'],
  assessment: ['investigation', 'closed'],
  investigation: ['findings'],
  findings: ['closed'],
  closed: [],
};

export function canTransition(from: CaseStatus, to: CaseStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** Throws `invalid_transition` (409) when the lifecycle does not allow the step. */
export function assertTransition(from: string, to: CaseStatus): void {
  if (!(CASE_STATUSES as readonly string[]).includes(from) || !canTransition(from as CaseStatus, to)) {
    throw new Conflict('invalid_transition', `A case that is ${from} cannot become ${to}.`);
  }
}
