/**
 * Throttles staff sign-in failures per client address, in memory only, with the same mechanism as
 * the reporter's receipt throttle: the address becomes a keyed hash under a secret that lives and
 * dies with the process, and nothing is stored or logged. Each node throttles on its own. The
 * per-account lock-out (lockout.rules.ts) is the limit that holds across nodes.
 */
import type { AppContext } from '../kernel/context.js';
import { ReceiptThrottle, type ThrottlePolicy } from '../reporter/receipt.throttle.js';

/** Generous enough for an office behind one address; stops one address from trying many accounts. */
export const LOGIN_THROTTLE: ThrottlePolicy = { maxFailures: 30, windowMs: 15 * 60_000 };

export interface ClientThrottle {
  limiter: ReceiptThrottle;
  key: string;
}

const throttles = new WeakMap<AppContext, ReceiptThrottle>();

/** The sign-in throttle of this process for one running Candor, and the opaque key of this client. */
export function loginThrottleFor(ctx: AppContext, address: string): ClientThrottle {
  let limiter = throttles.get(ctx);
  if (!limiter) {
    limiter = new ReceiptThrottle(LOGIN_THROTTLE, () => ctx.clock.now().getTime());
    throttles.set(ctx, limiter);
  }
  return { limiter, key: limiter.keyFor(address) };
}
