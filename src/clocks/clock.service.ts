/**
 * The seam between the case lifecycle and the case clocks. Case services call `recordCaseEvent`
 * inside the transaction of every change, so clocks start, stop and reset with what they wait for.
 */
import type { AppContext } from '../kernel/context.js';
import type { Tx } from '../kernel/database.js';

export type CaseEvent =
  | { kind: 'received'; category: string; channelId: string }
  | { kind: 'acknowledged' }
  | { kind: 'feedback' }
  | { kind: 'activity' }
  | { kind: 'investigation-started' }
  | { kind: 'closed' }
  | { kind: 'reopened' };

/** Starts, stops or resets the case's clocks for what just happened. */
export async function recordCaseEvent(_tx: Tx, _ctx: AppContext, _caseId: string, _at: Date, _event: CaseEvent): Promise<void> {
  // The clock engine (policies, pauses, warnings, escalation) builds on this seam.
}
