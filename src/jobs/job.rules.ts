/** Retry timing for background jobs. Pure. */

export interface Backoff {
  /** Delay before the second attempt. */
  baseMs: number;
  /** No delay is longer than this. */
  capMs: number;
}

export const DEFAULT_BACKOFF: Backoff = { baseMs: 30_000, capMs: 60 * 60_000 };

/** Exponential backoff: the delay after the n-th failed attempt is base * 2^(n-1), capped. */
export function backoffDelayMs(failedAttempts: number, backoff: Backoff = DEFAULT_BACKOFF): number {
  const exponent = Math.max(0, Math.min(failedAttempts - 1, 30));
  return Math.min(backoff.capMs, backoff.baseMs * 2 ** exponent);
}

/** Whether a job that has failed `attempts` times may run again. */
export function mayRetry(attempts: number, maxAttempts: number): boolean {
  return attempts < maxAttempts;
}
