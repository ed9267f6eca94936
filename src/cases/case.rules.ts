/**
 * The case lifecycle as data and pure functions: which step may follow which, what each step needs,
 * and what closing requires. No I/O; the services apply what these rules allow.
 */
import { Conflict } from '../kernel/errors.js';

export const CASE_STATUSES = ['received', 'acknowledged', 'assessment', 'investigation', 'findings', 'closed', 'review'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

/** How a case ended: after findings, or at assessment as out of scope or referred elsewhere. */
export const CLOSINGS = ['findings-issued', 'out-of-scope', 'referred-elsewhere', 'appeal-dismissed'] as const;
export type Closing = (typeof CLOSINGS)[number];

export const FINDINGS = ['substantiated', 'partly-substantiated', 'not-substantiated', 'inconclusive'] as const;
export type Finding = (typeof FINDINGS)[number];

const TRANSITIONS: Record<CaseStatus, readonly CaseStatus[]> = {
  received: ['acknowledged'],
  acknowledged: ['assessment'],
  assessment: ['investigation', 'closed'],
  investigation: ['findings'],
  findings: ['closed'],
  closed: ['review'],
  // An appeal is reviewed: the investigation may be reopened, findings revised, or the appeal dismissed.
  review: ['investigation', 'findings', 'closed'],
};

const CLOSINGS_FROM: Partial<Record<CaseStatus, readonly Closing[]>> = {
  assessment: ['out-of-scope', 'referred-elsewhere'],
  findings: ['findings-issued'],
  review: ['appeal-dismissed'],
};

export function isCaseStatus(value: string): value is CaseStatus {
  return (CASE_STATUSES as readonly string[]).includes(value);
}

export function canTransition(from: CaseStatus, to: CaseStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** The steps open to a case now, for the console to offer. */
export function nextSteps(from: CaseStatus): readonly CaseStatus[] {
  return TRANSITIONS[from];
}

export function closingsFrom(from: CaseStatus): readonly Closing[] {
  return CLOSINGS_FROM[from] ?? [];
}

/** Throws `invalid_transition` (409) when the lifecycle does not allow the step. */
export function assertTransition(from: string, to: CaseStatus): void {
  if (!isCaseStatus(from) || !canTransition(from, to)) {
    throw new Conflict('invalid_transition', `A case that is ${from} cannot become ${to}.`);
  }
}

export interface CaseFacts {
  status: CaseStatus;
  /** When feedback was last given to the reporter (since the latest reopening), if ever. */
  feedbackGivenAt: string | null;
  reopenedAt: string | null;
  /** Findings recorded per allegation; null where none yet. */
  allegationFindings: (Finding | null)[];
  closedAt: string | null;
}

export interface TransitionCommand {
  to: CaseStatus;
  closing?: Closing;
  reason: string;
}

export type TransitionRefusal =
  | 'invalid_transition'
  | 'closing_required'
  | 'invalid_closing'
  | 'feedback_required'
  | 'findings_incomplete'
  | 'reason_required';

/** Decides whether a step may be taken; answers the refusal code, or null when it may. */
export function checkTransition(facts: CaseFacts, command: TransitionCommand): TransitionRefusal | null {
  if (!canTransition(facts.status, command.to)) return 'invalid_transition';
  if (command.reason.trim() === '') return 'reason_required';
  if (command.to === 'closed') {
    if (!command.closing) return 'closing_required';
    if (!closingsFrom(facts.status).includes(command.closing)) return 'invalid_closing';
    const feedbackSinceReopen = facts.feedbackGivenAt !== null && (facts.reopenedAt === null || facts.feedbackGivenAt > facts.reopenedAt);
    if (!feedbackSinceReopen) return 'feedback_required';
    if (command.closing === 'findings-issued' && facts.allegationFindings.some((finding) => finding === null)) return 'findings_incomplete';
  } else if (command.closing) {
    return 'invalid_closing';
  }
  return null;
}

export const REFUSAL_MESSAGES: Record<TransitionRefusal, string> = {
  invalid_transition: 'The lifecycle does not allow this step from the current status.',
  closing_required: 'Say how the case closes.',
  invalid_closing: 'That kind of closing does not fit this step.',
  feedback_required: 'Give the reporter feedback before closing the case.',
  findings_incomplete: 'Record a finding for every allegation before closing.',
  reason_required: 'Record why this step is taken.',
};

/** Whether an appeal is still possible: within `windowDays` of closing. */
export function appealOpen(closedAt: string | null, now: Date, windowDays: number): boolean {
  if (closedAt === null) return false;
  return now.getTime() - new Date(closedAt).getTime() <= windowDays * 86_400_000;
}
