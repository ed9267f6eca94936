import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { STAFF_LOCKOUT, afterFailure, isLocked, lockDurationMs } from '../../src/identity/lockout.rules.js';

const NOW = new Date('2026-03-02T10:00:00.000Z');
const MINUTE = 60_000;

describe('lock-out rules', () => {
  it('locks at the fifth failure in a row, not before', () => {
    for (let failures = 1; failures < 5; failures += 1) expect(afterFailure(failures, 0, NOW)).toEqual({ lock: false });
    expect(afterFailure(5, 0, NOW)).toEqual({ lock: true, lockedUntil: '2026-03-02T10:15:00.000Z', lockouts: 1 });
  });

  it('doubles each further lock until a successful sign-in, up to a day', () => {
    expect([0, 1, 2, 3].map((previous) => lockDurationMs(previous) / MINUTE)).toEqual([15, 30, 60, 120]);
    expect(lockDurationMs(10)).toBe(STAFF_LOCKOUT.maxLockMs);
    expect(lockDurationMs(1_000)).toBe(24 * 60 * MINUTE);
  });

  it('never locks for less than the first lock or more than the longest', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000 }), (previous) => {
        const duration = lockDurationMs(previous);
        return duration >= STAFF_LOCKOUT.firstLockMs && duration <= STAFF_LOCKOUT.maxLockMs && lockDurationMs(previous + 1) >= duration;
      }),
    );
  });

  it('is locked strictly before the end of the lock', () => {
    expect(isLocked(null, NOW)).toBe(false);
    expect(isLocked('2026-03-02T10:00:00.001Z', NOW)).toBe(true);
    expect(isLocked('2026-03-02T10:00:00.000Z', NOW)).toBe(false);
  });
});
