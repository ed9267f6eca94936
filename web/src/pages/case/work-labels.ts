/** Words for the lifecycle's closings and findings, and for what the case's audit trail records. */
import type { Finding } from '../../api/schema.js';
import { clockLabel, statusLabel } from '../../labels.js';

export const CLOSING_LABELS: Record<string, string> = {
  'findings-issued': 'Findings issued',
  'out-of-scope': 'Out of scope',
  'referred-elsewhere': 'Referred elsewhere',
  'appeal-dismissed': 'Appeal dismissed',
};

export const FINDING_LABELS: Record<Finding, string> = {
  substantiated: 'Substantiated',
  'partly-substantiated': 'Partly substantiated',
  'not-substantiated': 'Not substantiated',
  inconclusive: 'Inconclusive',
};

export function closingLabel(closing: string): string {
  return CLOSING_LABELS[closing] ?? closing;
}

export function findingLabel(finding: string): string {
  return (FINDING_LABELS as Record<string, string>)[finding] ?? finding;
}

const str = (value: unknown): string => (typeof value === 'string' ? value : '');

/** One audit entry as a sentence; `null` hides it (entries that only say the case was listed). */
export function describeAuditEntry(action: string, details: Record<string, unknown>): { text: string; kind: string } | null {
  switch (action) {
    case 'report.submit':
      return { text: 'Report received', kind: 'received' };
    case 'case.read':
      return { text: 'Opened', kind: 'view' };
    case 'case.clocks.read':
      return { text: 'Clocks viewed', kind: 'view' };
    case 'attachment.read':
      return { text: 'Attachment downloaded', kind: 'view' };
    case 'reporter.case.read':
    case 'reporter.milestones.read':
      return { text: 'The reporter looked at the case', kind: 'view' };
    case 'reporter.sign_in':
      return { text: 'The reporter signed in with the receipt', kind: 'view' };
    case 'reporter.sign_out':
      return null;
    case 'case.transition': {
      const to = str(details.to);
      const closing = str(details.closing);
      return { text: `Moved to ${statusLabel(to).toLowerCase()}${closing ? ` (${closingLabel(closing).toLowerCase()})` : ''}`, kind: 'transition' };
    }
    case 'case.acknowledge':
      return { text: 'Receipt acknowledged', kind: 'transition' };
    case 'case.message.create':
      return { text: 'Message to the reporter', kind: 'message' };
    case 'reporter.message.create':
      return { text: 'Message from the reporter', kind: 'message' };
    case 'case.feedback':
      return { text: 'Feedback given to the reporter', kind: 'message' };
    case 'case.note.create':
      return { text: 'Internal note added', kind: 'work' };
    case 'case.task.create':
      return { text: 'Task added', kind: 'work' };
    case 'case.task.done':
    case 'case.task.update':
      return { text: 'Task updated', kind: 'work' };
    case 'case.allegation.create':
      return { text: 'Allegation recorded', kind: 'work' };
    case 'case.finding':
      return { text: `Finding recorded${str(details.finding) ? `: ${findingLabel(str(details.finding)).toLowerCase()}` : ''}`, kind: 'work' };
    case 'case.assign':
      return { text: details.assigneeId ? 'Assigned' : 'Assignment removed', kind: 'work' };
    case 'attachment.create':
      return { text: 'File added', kind: 'work' };
    case 'clock.pause':
      return { text: `${clockLabel(str(details.kind))} clock paused${str(details.reason) ? `: ${str(details.reason)}` : ''}`, kind: 'clock' };
    case 'clock.resume':
      return { text: `${clockLabel(str(details.kind))} clock resumed`, kind: 'clock' };
    case 'clock.warning':
      return { text: `${clockLabel(str(details.kind))} clock warning${details.threshold ? ` (${String(details.threshold)}% of the time gone)` : ''}`, kind: 'clock' };
    case 'clock.breach':
      return { text: `${clockLabel(str(details.kind))} deadline missed`, kind: 'breach' };
    case 'case.escalate':
    case 'case.escalated':
      return { text: 'Escalated up the ladder', kind: 'escalation' };
    case 'case.escalate.exhausted':
      return { text: 'Deadline missed with no rung left on the ladder', kind: 'escalation' };
    case 'case.records.read':
      return { text: 'Records viewed', kind: 'view' };
    case 'case.hold.set':
      return { text: 'Legal hold placed', kind: 'records' };
    case 'case.hold.lift':
      return { text: 'Legal hold lifted', kind: 'records' };
    case 'case.export.request':
      return { text: 'Referral bundle requested', kind: 'records' };
    case 'case.export.approve':
      return { text: 'Referral bundle approved', kind: 'records' };
    case 'case.export.refuse':
      return { text: 'Referral bundle refused', kind: 'records' };
    case 'case.export.download':
      return { text: 'Referral bundle exported', kind: 'records' };
    case 'case.withdraw':
      return { text: 'The reporter withdrew the report', kind: 'records' };
    case 'case.shred':
      return { text: `Shredded (${str(details.reason) === 'withdrawal' ? 'withdrawn by the reporter' : 'retention period over'})`, kind: 'records' };
    case 'audit.read':
      return { text: 'Audit trail read', kind: 'view' };
    default:
      return { text: action.replace(/[._]/g, ' '), kind: 'other' };
  }
}
