/** Failed sign-ins counted per account, and the lock they lead to (rules in lockout.rules.ts). */
import { recordAudit } from '../audit/audit.service.js';
import { inTransaction, type AppContext } from '../kernel/context.js';
import type { SecondFactorFailure } from './identity.errors.js';
import { afterFailure } from './lockout.rules.js';
import { incrementFailedLogins, lockUser } from './user.repository.js';

/**
 * Counts a failed attempt against an account (audited) and locks it once the failures reach the
 * policy's limit. Answers the lock's end when this failure locked it.
 */
export async function recordLoginFailure(ctx: AppContext, user: { id: string }, reason: 'password' | SecondFactorFailure): Promise<string | null> {
  return inTransaction(ctx, async (tx) => {
    const now = ctx.clock.now();
    const counts = await incrementFailedLogins(tx, user.id);
    await recordAudit(tx, ctx.dialect, now, { actor: { type: 'system' }, action: 'auth.login_failed', targetId: user.id, details: { reason } });
    const outcome = afterFailure(counts.failedLogins, counts.lockouts, now);
    if (!outcome.lock) return null;
    await lockUser(tx, user.id, outcome.lockedUntil, outcome.lockouts);
    await recordAudit(tx, ctx.dialect, now, { actor: { type: 'system' }, action: 'auth.locked', targetId: user.id, details: { until: outcome.lockedUntil, lockouts: outcome.lockouts } });
    return outcome.lockedUntil;
  });
}

