/**
 * Throttles receipt guessing, in memory only. The client address is turned into a keyed hash with
 * a secret that lives and dies with the process, so not even memory holds the raw address; nothing
 * here is stored or logged. Each node throttles on its own, which bounds guessing per node.
 */
import { randomBytes } from 'node:crypto';
import { throttleKey } from '../kernel/crypto.js';
import { DomainError } from '../kernel/errors.js';

export class TooManyAttempts extends DomainError {
  constructor() {
    super('too_many_attempts', 'Too many tries. Please wait a few minutes and try again.', 429);
  }
}

export interface ThrottlePolicy {
  /** Failed attempts allowed per client in one window. */
  maxFailures: number;
  windowMs: number;
}

export const RECEIPT_THROTTLE: ThrottlePolicy = { maxFailures: 10, windowMs: 15 * 60_000 };

export class ReceiptThrottle {
  readonly #secret = randomBytes(32);
  readonly #failures = new Map<string, { count: number; since: number }>();

  constructor(
    private readonly policy: ThrottlePolicy = RECEIPT_THROTTLE,
    private readonly now: () => number = Date.now,
  ) {}

  /** The opaque key for a client address. */
  keyFor(address: string): string {
    return throttleKey(this.#secret, address);
  }

  /** Throws TooManyAttempts when this client has failed too often lately. */
  check(key: string): void {
    const entry = this.#failures.get(key);
    if (!entry) return;
    if (this.now() - entry.since > this.policy.windowMs) this.#failures.delete(key);
    else if (entry.count >= this.policy.maxFailures) throw new TooManyAttempts();
  }

  recordFailure(key: string): void {
    const now = this.now();
    const entry = this.#failures.get(key);
    if (!entry || now - entry.since > this.policy.windowMs) this.#failures.set(key, { count: 1, since: now });
    else entry.count += 1;
    if (this.#failures.size > 100_000) this.#sweep(now);
  }

  recordSuccess(key: string): void {
    this.#failures.delete(key);
  }

  #sweep(now: number): void {
    for (const [key, entry] of this.#failures) if (now - entry.since > this.policy.windowMs) this.#failures.delete(key);
  }
}

const throttles = new WeakMap<object, ReceiptThrottle>();

/** The throttle of this process for one running Candor (keyed by its context). */
export function receiptThrottleFor(owner: object): ReceiptThrottle {
  let throttle = throttles.get(owner);
  if (!throttle) {
    throttle = new ReceiptThrottle();
    throttles.set(owner, throttle);
  }
  return throttle;
}
