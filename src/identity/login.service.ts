/**
 * Staff sign-in: password (which unwraps the private key), then the second factor if the account
 * has one, with lock-out per account (in the database, so it holds across nodes) and throttling per
 * client address (in memory, never stored or logged).
 */
import { recordAudit } from '../audit/audit.service.js';
import { inTransaction, type AppContext } from '../kernel/context.js';
import { AccountLocked, SecondFactorFailed, TotpRequired, badCredentials, type SecondFactorFailure } from './identity.errors.js';
import type { LoginInput } from './identity.schema.js';
import { presentStaff, unlockWithPassword } from './identity.service.js';
import { isLocked } from './lockout.rules.js';
import { recordLoginFailure } from './lockout.service.js';
import type { ClientThrottle } from './login.throttle.js';
import { startSession } from './session.service.js';
import { readStaffPolicy } from './staff-policy.js';
import { verifySecondFactor } from './totp.service.js';
import { findUserByEmail, recordLogin, type UserRow } from './user.repository.js';

async function fail(ctx: AppContext, user: UserRow, reason: 'password' | SecondFactorFailure, client?: ClientThrottle): Promise<never> {
  client?.limiter.recordFailure(client.key);
  const lockedUntil = await recordLoginFailure(ctx, user, reason);
  if (lockedUntil) throw new AccountLocked(lockedUntil);
  throw reason === 'password' ? badCredentials() : new SecondFactorFailed(reason);
}

/**
 * Signs a staff member in and starts a session. Throws `bad_credentials` for a wrong address or
 * password (the two look alike), `totp_required` when the password is right but the account needs
 * a code, `bad_totp` / `totp_reused` / `bad_recovery_code` for a wrong second factor,
 * `account_locked` while the account is locked, and `too_many_attempts` for a throttled address.
 */
export async function loginStaff(ctx: AppContext, input: LoginInput, client?: ClientThrottle) {
  client?.limiter.check(client.key);
  const user = await findUserByEmail(ctx.db, input.email);
  if (user && user.disabled_at === null && isLocked(user.locked_until, ctx.clock.now())) {
    // No password check while locked: a lock that still answered "right" or "wrong" would not stop guessing.
    client?.limiter.recordFailure(client.key);
    throw new AccountLocked(user.locked_until!);
  }
  const privateKey = await unlockWithPassword(ctx, user, input.password);
  if (!privateKey || !user) {
    // Unknown addresses are not recorded anywhere; a real account's failure is counted and audited.
    if (user && user.disabled_at === null) return fail(ctx, user, 'password', client);
    client?.limiter.recordFailure(client.key);
    throw badCredentials();
  }
  const needsSecondFactor = user.totp_confirmed_at !== null;
  if (needsSecondFactor && !input.totp && !input.recoveryCode) throw new TotpRequired();

  const outcome = await inTransaction(ctx, async (tx) => {
    const now = ctx.clock.now();
    let method: 'totp' | 'recovery_code' | 'none' = 'none';
    if (needsSecondFactor) {
      const checked = await verifySecondFactor(ctx, tx, user, privateKey, input);
      if (!checked.ok) return { ok: false as const, failure: checked.failure === 'missing' ? ('bad_totp' as const) : checked.failure };
      method = checked.method;
    }
    await recordLogin(tx, user.id, now.toISOString());
    const session = await startSession(ctx, tx, 'staff', user.id, privateKey);
    await recordAudit(tx, ctx.dialect, now, { actor: { type: 'staff', id: user.id }, action: 'auth.login', details: { secondFactor: method } });
    return { ok: true as const, session };
  });
  if (!outcome.ok) return fail(ctx, user, outcome.failure, client);
  const policy = await readStaffPolicy(ctx.db);
  return { session: outcome.session, user: presentStaff(user, policy.totpRequired) };
}
