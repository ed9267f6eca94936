/**
 * Words for the names the API uses. Each table is keyed by the server's own type, so a state,
 * category or clock added there fails the type check until it has words here.
 */
import type { CaseStatus, ClockKind, ReportCategory } from './api/schema.js';

const STATUS_LABELS: Record<CaseStatus, string> & Record<string, string> = {
  received: 'Received',
  acknowledged: 'Acknowledged',
  assessment: 'Assessment',
  investigation: 'Investigation',
  findings: 'Findings',
  closed: 'Closed',
  review: 'Review (appeal)',
};

export const CATEGORY_LABELS: Record<ReportCategory, string> & Record<string, string> = {
  'sexual-assault': 'Sexual assault',
  'sexual-harassment': 'Sexual harassment',
  harassment: 'Harassment',
  discrimination: 'Discrimination',
  bullying: 'Bullying',
  retaliation: 'Retaliation',
  'violence-threats': 'Violence or threats',
  fraud: 'Fraud',
  'health-safety': 'Health and safety',
  other: 'Other',
};

export const CLOCK_LABELS: Record<ClockKind, string> & Record<string, string> = {
  acknowledge: 'Acknowledge',
  feedback: 'Feedback',
  investigation: 'Investigation',
  idle: 'Activity',
};

export function statusLabel(status: string): string {
  return STATUS_LABELS[status] ?? status;
}

export function categoryLabel(category: string): string {
  return CATEGORY_LABELS[category] ?? category;
}

export function clockLabel(kind: string): string {
  return CLOCK_LABELS[kind] ?? kind;
}

export const CASE_STATUS_ORDER = Object.keys(STATUS_LABELS) as CaseStatus[];
export const CATEGORY_ORDER = Object.keys(CATEGORY_LABELS) as ReportCategory[];
