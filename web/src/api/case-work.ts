/**
 * TEMPORARY: the work the case API returns with a case (src/cases/case.work-view.ts), typed by hand
 * until CaseDetail's zod schema describes it; then this file goes and ./schema.ts infers it.
 */
import type { CaseDetail, CaseStatus } from './schema.js';

export interface CaseWork {
  closing: string | null;
  feedbackGivenAt: string | null;
  assigneeId: string | null;
  nextSteps: CaseStatus[];
  closings: string[];
  readers: { id: string; name: string }[];
  transitions: { from: string; to: string; closing: string | null; reason: string; by: string; at: string }[];
  allegations: {
    id: string;
    position: number;
    summary: string;
    finding: string | null;
    standard: string | null;
    reasoning: string | null;
    decidedAt: string | null;
  }[];
  notes: { id: string; authorId: string; authorName: string | null; body: string; at: string }[];
  tasks: { id: string; title: string; ownerId: string | null; dueAt: string | null; doneAt: string | null }[];
  timeline: { at: string; action: string; actor: string; details: Record<string, unknown> }[];
}

export type CaseWithWork = CaseDetail & CaseWork;
