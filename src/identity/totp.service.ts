/**
 * The staff second factor: TOTP (RFC 6238, six digits, 30 s, one step of drift either way) with
 * ten single-use recovery codes. The secret is sealed under a key derived from the user's private
 * key: enrolment happens in a signed-in session (which holds the private key), and sign-in checks
 * the code after the password has unwrapped the private key but before any session exists.
 */
import QRCode from 'qrcode';
import { recordAudit } from '../audit/audit.service.js';
import { inTransaction, type AppContext } from '../kernel/context.js';
import {
  checkTotpCode,
  generateStaffRecoveryCodes,
  generateTotpSecret,
  hashStaffRecoveryCode,
  normalizeStaffRecoveryCode,
  openTotpSecret,
  sealTotpSecret,
  totpProvisioningUri,
  totpSecretText,
  type UserPrivateKey,
} from '../kernel/crypto.js';
import type { Tx } from '../kernel/database.js';
import type { UsersTable } from '../kernel/db-schema.js';
import { Conflict, Unauthenticated } from '../kernel/errors.js';
import { AccountLocked, SecondFactorRejected, badCredentials, type SecondFactorFailure } from './identity.errors.js';
import { unlockWithPassword, type StaffPrincipal } from './identity.service.js';
import { isLocked } from './lockout.rules.js';
import { recordLoginFailure } from './lockout.service.js';
import { deleteSessionsOf } from './session.repository.js';
import {
  claimTotpStep,
  clearTotp,
  confirmTotp,
  countUnusedRecoveryCodes,
  findUserById,
  replaceRecoveryCodes,
  storePendingTotp,
  useRecoveryCode,
} from './user.repository.js';

const ISSUER = 'Candor';

export interface SecondFactorInput {
  totp?: string | undefined;
  recoveryCode?: string | undefined;
}

export type SecondFactorResult = { ok: true; method: 'totp' | 'recovery_code' } | { ok: false; failure: SecondFactorFailure | 'missing' };

/**
 * Checks a second factor inside the caller's transaction and, if it is right, uses it up: the
 * code's time step (and every earlier one) is refused from then on, a recovery code works once.
 */
export async function verifySecondFactor(
  ctx: AppContext,
  tx: Tx,
  user: Pick<UsersTable, 'id' | 'totp_sealed'>,
  privateKey: UserPrivateKey,
  input: SecondFactorInput,
): Promise<SecondFactorResult> {
  const now = ctx.clock.now();
  if (input.totp !== undefined && input.totp !== '') {
    if (!user.totp_sealed) return { ok: false, failure: 'bad_totp' };
    const step = checkTotpCode(openTotpSecret(privateKey, user.id, user.totp_sealed), input.totp, now);
    if (step === null) return { ok: false, failure: 'bad_totp' };
    if (!(await claimTotpStep(tx, user.id, step))) return { ok: false, failure: 'totp_reused' };
    return { ok: true, method: 'totp' };
  }
  if (input.recoveryCode !== undefined && input.recoveryCode !== '') {
    const code = normalizeStaffRecoveryCode(input.recoveryCode);
    if (!code || !(await useRecoveryCode(tx, user.id, hashStaffRecoveryCode(privateKey, user.id, code), now.toISOString()))) {
      return { ok: false, failure: 'bad_recovery_code' };
    }
    const remaining = await countUnusedRecoveryCodes(tx, user.id);
    await recordAudit(tx, ctx.dialect, now, { actor: { type: 'staff', id: user.id }, action: 'auth.recovery_code.use', details: { remaining } });
    return { ok: true, method: 'recovery_code' };
  }
  return { ok: false, failure: 'missing' };
}

async function signedInUser(ctx: AppContext, principal: StaffPrincipal) {
  const user = await findUserById(ctx.db, principal.userId);
  if (!user) throw new Unauthenticated();
  return user;
}

/** Starts enrolment: a fresh secret, sealed and stored as pending until a code from it is confirmed. */
export async function startTotpEnrolment(ctx: AppContext, principal: StaffPrincipal) {
  const user = await signedInUser(ctx, principal);
  if (user.totp_confirmed_at !== null) throw new Conflict('totp_already_enabled', 'A second factor is set up already. Turn it off first to set up a new one.');
  const secret = generateTotpSecret();
  await inTransaction(ctx, async (tx) => {
    await storePendingTotp(tx, user.id, sealTotpSecret(principal.privateKey, user.id, secret));
    await recordAudit(tx, ctx.dialect, ctx.clock.now(), { actor: { type: 'staff', id: user.id }, action: 'auth.totp.enrol' });
  });
  const otpauthUrl = totpProvisioningUri(secret, user.email, ISSUER);
  const qrSvg = await QRCode.toString(otpauthUrl, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  return { otpauthUrl, qrSvg, qrDataUrl: `data:image/svg+xml;base64,${Buffer.from(qrSvg).toString('base64')}`, secret: totpSecretText(secret) };
}

async function issueRecoveryCodes(tx: Tx, userId: string, privateKey: UserPrivateKey, at: string): Promise<string[]> {
  const codes = generateStaffRecoveryCodes();
  await replaceRecoveryCodes(tx, userId, codes.map((code) => hashStaffRecoveryCode(privateKey, userId, code)), at);
  return codes;
}

/**
 * Confirms enrolment with a code from the app. From now on sign-in needs a code; the ten recovery
 * codes are returned once. Other sessions of this person end (they began without the second factor).
 */
export async function confirmTotpEnrolment(ctx: AppContext, principal: StaffPrincipal, code: string): Promise<{ recoveryCodes: string[] }> {
  const user = await signedInUser(ctx, principal);
  if (user.totp_confirmed_at !== null) throw new Conflict('totp_already_enabled', 'A second factor is set up already.');
  if (!user.totp_sealed) throw new Conflict('totp_not_started', 'Start the set-up first.');
  const now = ctx.clock.now();
  const step = checkTotpCode(openTotpSecret(principal.privateKey, user.id, user.totp_sealed), code, now);
  if (step === null) throw new SecondFactorRejected('bad_totp');
  return inTransaction(ctx, async (tx) => {
    // The confirming code's step is recorded as used, so the same code cannot sign in afterwards.
    if (!(await confirmTotp(tx, user.id, now.toISOString(), step))) throw new Conflict('totp_not_started', 'Start the set-up first.');
    const recoveryCodes = await issueRecoveryCodes(tx, user.id, principal.privateKey, now.toISOString());
    const ended = await deleteSessionsOf(tx, 'staff', user.id, principal.sessionId);
    await recordAudit(tx, ctx.dialect, now, { actor: { type: 'staff', id: user.id }, action: 'auth.totp.enable', details: { sessionsEnded: ended } });
    return { recoveryCodes };
  });
}

/** Ten new recovery codes in place of the old ones, against a current code. */
export async function regenerateRecoveryCodes(ctx: AppContext, principal: StaffPrincipal, code: string): Promise<{ recoveryCodes: string[] }> {
  const user = await signedInUser(ctx, principal);
  if (user.totp_confirmed_at === null) throw new Conflict('totp_not_enabled', 'No second factor is set up.');
  return inTransaction(ctx, async (tx) => {
    const checked = await verifySecondFactor(ctx, tx, user, principal.privateKey, { totp: code });
    if (!checked.ok) throw new SecondFactorRejected(checked.failure === 'missing' ? 'bad_totp' : checked.failure);
    const now = ctx.clock.now();
    const recoveryCodes = await issueRecoveryCodes(tx, user.id, principal.privateKey, now.toISOString());
    await recordAudit(tx, ctx.dialect, now, { actor: { type: 'staff', id: user.id }, action: 'auth.recovery_codes.regenerate' });
    return { recoveryCodes };
  });
}

/** Turns the second factor off: needs the password and a current code (or a recovery code). Failures count toward lock-out. */
export async function disableTotp(ctx: AppContext, principal: StaffPrincipal, input: { password: string } & SecondFactorInput): Promise<void> {
  const user = await signedInUser(ctx, principal);
  if (user.totp_confirmed_at === null) throw new Conflict('totp_not_enabled', 'No second factor is set up.');
  // A locked account takes no more password guesses, not even from a signed-in session.
  if (isLocked(user.locked_until, ctx.clock.now())) throw new AccountLocked(user.locked_until!);
  const privateKey = await unlockWithPassword(ctx, user, input.password);
  if (!privateKey) {
    await recordLoginFailure(ctx, user, 'password');
    throw badCredentials();
  }
  const outcome = await inTransaction(ctx, async (tx) => {
    const checked = await verifySecondFactor(ctx, tx, user, privateKey, input);
    if (!checked.ok) return checked;
    await clearTotp(tx, user.id);
    await recordAudit(tx, ctx.dialect, ctx.clock.now(), { actor: { type: 'staff', id: user.id }, action: 'auth.totp.disable', details: { with: checked.method } });
    return checked;
  });
  if (!outcome.ok) {
    const failure = outcome.failure === 'missing' ? 'bad_totp' : outcome.failure;
    await recordLoginFailure(ctx, user, failure);
    throw new SecondFactorRejected(failure);
  }
}
