/** Retention and withdrawal as pure rules: when a closed case expires, and whether it may be shredded now. */
import { addCalendarMonths } from '../clocks/clock.rules.js';

export interface RetentionFacts {
  status: string;
  closedAt: string | null;
  withdrawnAt: string | null;
  retainMonths: number;
  activeHolds: number;
}

/** The moment a closed case's retention ends; null while the case is open. */
export function retainUntil(closedAt: string | null, retainMonths: number): Date | null {
  return closedAt ? addCalendarMonths(new Date(closedAt), retainMonths) : null;
}

/** Why a case is shredded now, or null when it must be kept. A legal hold always keeps it. */
export function shredReason(facts: RetentionFacts, now: Date): 'retention' | 'withdrawal' | null {
  if (facts.activeHolds > 0) return null;
  if (facts.withdrawnAt) return 'withdrawal';
  if (facts.status !== 'closed') return null;
  const until = retainUntil(facts.closedAt, facts.retainMonths);
  return until && until.getTime() <= now.getTime() ? 'retention' : null;
}

/** The latest closing time that has expired by `now` for a retention period: cases closed before it are due. */
export function expiredBefore(now: Date, retainMonths: number): Date {
  return addCalendarMonths(now, -retainMonths);
}

/** Whether the reporter may withdraw: the channel's own setting, else the installation's. */
export function withdrawalAllowed(channelSetting: number | null | undefined, installationDefault: boolean): boolean {
  return channelSetting === null || channelSetting === undefined ? installationDefault : channelSetting === 1;
}
