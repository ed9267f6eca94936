/**
 * Words for the case lifecycle's states. Keyed by the server's own type: a state added there fails
 * the type check until it has words here.
 */
import type { CaseStatus } from './api/schema.js';

const STATUS_LABELS: Record<CaseStatus, string> & Record<string, string> = {
  received: 'Received',
  acknowledged: 'Acknowledged',
  assessment: 'Assessment',
  investigation: 'Investigation',
  findings: 'Findings',
  closed: 'Closed',
  review: 'Review (appeal)',
};

export function statusLabel(status: string): string {
  return STATUS_LABELS[status] ?? status;
}
