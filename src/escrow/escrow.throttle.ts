/**
 * Limits how many entries one client may lodge, in memory only (like receipt.throttle.ts): the
 * address becomes a keyed hash under a secret that dies with the process, and nothing is stored
 * or logged. Each node counts on its own. This slows one person lodging many entries about
 * someone; it cannot stop a determined one (see docs/threat-model.md, Escrow).
 */
import { randomBytes } from 'node:crypto';
import type { AppContext } from '../kernel/context.js';
import { throttleKey } from '../kernel/crypto.js';
import { DomainError } from '../kernel/errors.js';

export class TooManyEntries extends DomainError {
  constructor() {
    super('too_many_entries', 'Too many entries from here lately. Please try again later.', 429);
  }
}

export interface LodgingPolicy {
  maxEntries: number;
  windowMs: number;
}

export class LodgingThrottle {
  readonly #secret = randomBytes(32);
  readonly #lodged = new Map<string, number[]>();

  constructor(
    private readonly policy: LodgingPolicy,
    private readonly now: () => number = Date.now,
  ) {}

  keyFor(address: string): string {
    return throttleKey(this.#secret, address);
  }

  #recent(key: string, now: number): number[] {
    return (this.#lodged.get(key) ?? []).filter((at) => now - at < this.policy.windowMs);
  }

  /** Throws TooManyEntries when this client has lodged its share lately. */
  check(key: string): void {
    if (this.#recent(key, this.now()).length >= this.policy.maxEntries) throw new TooManyEntries();
  }

  record(key: string): void {
    const now = this.now();
    this.#lodged.set(key, [...this.#recent(key, now), now]);
    if (this.#lodged.size > 100_000) {
      for (const [other] of this.#lodged) if (this.#recent(other, now).length === 0) this.#lodged.delete(other);
    }
  }
}

const throttles = new WeakMap<object, LodgingThrottle>();

/** The lodging throttle of this process for one running Candor (CANDOR_ESCROW_LODGINGS_PER_HOUR per client). */
export function lodgingThrottleFor(ctx: AppContext): LodgingThrottle {
  let throttle = throttles.get(ctx);
  if (!throttle) {
    throttle = new LodgingThrottle({ maxEntries: ctx.config.escrow.lodgingsPerHour, windowMs: 60 * 60_000 });
    throttles.set(ctx, throttle);
  }
  return throttle;
}
