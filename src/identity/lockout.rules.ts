/** Account lock-out after failed sign-ins, as pure rules (no I/O). */

export interface LockoutPolicy {
  /** Failed sign-ins in a row that lock the account. */
  maxFailures: number;
  /** How long the first lock lasts; each further lock before a successful sign-in lasts twice as long. */
  firstLockMs: number;
  /** The longest a lock lasts. */
  maxLockMs: number;
}

export const STAFF_LOCKOUT: LockoutPolicy = { maxFailures: 5, firstLockMs: 15 * 60_000, maxLockMs: 24 * 60 * 60_000 };

/** Whether the account is locked at `now`. */
export function isLocked(lockedUntil: string | null, now: Date): boolean {
  return lockedUntil !== null && lockedUntil > now.toISOString();
}

/** How long the next lock lasts, given how many locks came before it since the last successful sign-in. */
export function lockDurationMs(previousLockouts: number, policy: LockoutPolicy = STAFF_LOCKOUT): number {
  const doublings = Math.min(Math.max(previousLockouts, 0), 20);
  return Math.min(policy.firstLockMs * 2 ** doublings, policy.maxLockMs);
}

export type FailureOutcome = { lock: false } | { lock: true; lockedUntil: string; lockouts: number };

/** What one more failure does, given the failure count after it and the locks before it. */
export function afterFailure(failedLogins: number, previousLockouts: number, now: Date, policy: LockoutPolicy = STAFF_LOCKOUT): FailureOutcome {
  if (failedLogins < policy.maxFailures) return { lock: false };
  return { lock: true, lockedUntil: new Date(now.getTime() + lockDurationMs(previousLockouts, policy)).toISOString(), lockouts: previousLockouts + 1 };
}
