/**
 * TEMPORARY: what GET /api/v1/cases/:id returns beyond CaseDetail's zod schema (the work view of
 * src/cases/case.work-view.ts, and the case's clocks), typed here by hand until the schema
 * describes it; then this file goes and ./schema.ts infers it all. The clocks reuse the clock
 * schema's types.
 */
import type { CaseClocks, CaseDetail, CaseStatus } from './schema.js';

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
  closedAt: string | null;
  clocks: CaseClocks['clocks'];
  escalations: CaseClocks['escalations'];
}

export type CaseWithWork = CaseDetail & CaseWork;
