import { randomUUID } from 'node:crypto';
import { recordAudit, type AuditActor } from '../audit/audit.service.js';
import { addChannelMember, findChannelBySlug } from '../channels/channel.repository.js';
import { inTransaction, type AppContext } from '../kernel/context.js';
import {
  burnPasswordKdf,
  derivePasswordKey,
  deriveRecoveryKey,
  generateRecoveryKey,
  generateUserKeyPair,
  newPasswordKdf,
  unwrapPrivateKey,
  wrapPrivateKey,
  type PasswordKdf,
  type UserPrivateKey,
} from '../kernel/crypto.js';
import type { StaffRole } from '../kernel/db-schema.js';
import { ChannelNotFound, Conflict, DecryptionFailed, Unauthenticated, ValidationFailed } from '../kernel/errors.js';
import { NewUserSchema, type NewUser } from './identity.schema.js';
import { deleteSessionsOf } from './session.repository.js';
import { endSession, openSession, startSession } from './session.service.js';
import { findUserByEmail, findUserById, insertUser, updateUserPasswordWrap } from './user.repository.js';

export interface StaffPrincipal {
  userId: string;
  role: StaffRole;
  privateKey: UserPrivateKey;
  sessionId: string;
}

/**
 * Creates a staff member with a fresh X25519 key pair. The private key is stored twice, wrapped by
 * the password (Argon2id) and by a one-time recovery key that is returned here and never stored.
 */
export async function createStaffUser(ctx: AppContext, actor: AuditActor, input: NewUser): Promise<{ id: string; recoveryKey: string }> {
  const parsed = NewUserSchema.safeParse(input);
  if (!parsed.success) {
    const fields: Record<string, string[]> = {};
    for (const issue of parsed.error.issues) (fields[issue.path.join('.') || '_'] ??= []).push(issue.message);
    throw new ValidationFailed(fields);
  }
  const user = parsed.data;
  const id = randomUUID();
  const { publicKey, privateKey } = generateUserKeyPair();
  const kdf = newPasswordKdf(ctx.config.argon2);
  const passwordKey = await derivePasswordKey(user.password, kdf);
  const recoveryKey = generateRecoveryKey();

  await inTransaction(ctx, async (tx) => {
    if (await findUserByEmail(tx, user.email)) throw new Conflict('email_taken', 'A user with this e-mail address exists.');
    const channel = user.channel === undefined ? undefined : await findChannelBySlug(tx, user.channel);
    if (user.channel !== undefined && !channel) throw new ChannelNotFound();
    const now = ctx.clock.now();
    await insertUser(tx, {
      id,
      email: user.email,
      name: user.name,
      role: user.role,
      public_key: publicKey,
      password_kdf: JSON.stringify(kdf),
      private_key_by_password: wrapPrivateKey(privateKey, passwordKey, id),
      private_key_by_recovery: wrapPrivateKey(privateKey, deriveRecoveryKey(recoveryKey), id),
      created_at: now.toISOString(),
      disabled_at: null,
    });
    if (channel) await addChannelMember(tx, channel.id, id, now.toISOString());
    await recordAudit(tx, ctx.dialect, now, {
      actor,
      action: 'user.create',
      targetId: id,
      details: { role: user.role, channelId: channel?.id ?? null },
    });
  });
  return { id, recoveryKey };
}

/** Checks a password by unwrapping the private key with it; one Argon2id run either way. */
async function unlockWithPassword(ctx: AppContext, email: string, password: string) {
  const user = await findUserByEmail(ctx.db, email);
  if (!user || user.disabled_at !== null) {
    await burnPasswordKdf(password, ctx.config.argon2);
    return null;
  }
  const kdf = JSON.parse(user.password_kdf) as PasswordKdf;
  try {
    const privateKey = unwrapPrivateKey(user.private_key_by_password, await derivePasswordKey(password, kdf), user.id);
    return { user, privateKey };
  } catch (error) {
    if (error instanceof DecryptionFailed) return { user, privateKey: null };
    throw error;
  }
}

export async function loginStaff(ctx: AppContext, email: string, password: string) {
  const unlocked = await unlockWithPassword(ctx, email, password);
  return inTransaction(ctx, async (tx) => {
    const now = ctx.clock.now();
    if (!unlocked?.privateKey) {
      // A failed attempt on a real account is audited against that account; unknown addresses are not recorded.
      if (unlocked) {
        await recordAudit(tx, ctx.dialect, now, { actor: { type: 'system' }, action: 'auth.login_failed', targetId: unlocked.user.id });
      }
      return null;
    }
    const { user, privateKey } = unlocked;
    const session = await startSession(ctx, tx, 'staff', user.id, privateKey);
    await recordAudit(tx, ctx.dialect, now, { actor: { type: 'staff', id: user.id }, action: 'auth.login' });
    return { session, user: { id: user.id, email: user.email, name: user.name, role: user.role } };
  });
}

/** Resolves a staff cookie to the signed-in person and their unwrapped private key. */
export async function authenticateStaff(ctx: AppContext, cookieValue: string | undefined): Promise<StaffPrincipal> {
  const session = await openSession<UserPrivateKey>(ctx, 'staff', cookieValue);
  const user = await findUserById(ctx.db, session.subjectId);
  if (!user || user.disabled_at !== null) throw new Unauthenticated();
  return { userId: user.id, role: user.role, privateKey: session.key, sessionId: session.id };
}

export async function logoutStaff(ctx: AppContext, cookieValue: string | undefined): Promise<void> {
  await inTransaction(ctx, async (tx) => {
    const userId = await endSession({ ...ctx, db: tx }, cookieValue);
    if (userId) await recordAudit(tx, ctx.dialect, ctx.clock.now(), { actor: { type: 'staff', id: userId }, action: 'auth.logout' });
  });
}

/** Signs this person out of every session, on every device. */
export async function logoutEverywhere(ctx: AppContext, principal: StaffPrincipal): Promise<void> {
  await inTransaction(ctx, async (tx) => {
    const ended = await deleteSessionsOf(tx, 'staff', principal.userId);
    await recordAudit(tx, ctx.dialect, ctx.clock.now(), { actor: { type: 'staff', id: principal.userId }, action: 'auth.logout_all', details: { sessionsEnded: ended } });
  });
}

export async function getStaffProfile(ctx: AppContext, userId: string) {
  const user = await findUserById(ctx.db, userId);
  if (!user) throw new Unauthenticated();
  return { id: user.id, email: user.email, name: user.name, role: user.role };
}

/** Re-wraps the private key under the new password. Cases are not re-encrypted: their keys are wrapped to the key pair. */
export async function changePassword(ctx: AppContext, principal: Pick<StaffPrincipal, 'userId' | 'sessionId'>, currentPassword: string, newPassword: string): Promise<void> {
  const { userId } = principal;
  const user = await findUserById(ctx.db, userId);
  if (!user) throw new Unauthenticated();
  const unlocked = await unlockWithPassword(ctx, user.email, currentPassword);
  if (!unlocked?.privateKey) throw new Unauthenticated('bad_credentials', 'The current password is not right.');
  const kdf = newPasswordKdf(ctx.config.argon2);
  const wrapped = wrapPrivateKey(unlocked.privateKey, await derivePasswordKey(newPassword, kdf), userId);
  await inTransaction(ctx, async (tx) => {
    await updateUserPasswordWrap(tx, userId, { passwordKdf: JSON.stringify(kdf), privateKeyByPassword: wrapped });
    // Whoever else was signed in with the old password is signed out.
    const ended = await deleteSessionsOf(tx, 'staff', userId, principal.sessionId);
    await recordAudit(tx, ctx.dialect, ctx.clock.now(), { actor: { type: 'staff', id: userId }, action: 'auth.password_change', details: { sessionsEnded: ended } });
  });
}

/** Sets a new password with the one-time recovery key (for `candor user recover`). */
export async function resetPasswordWithRecoveryKey(ctx: AppContext, email: string, recoveryKey: string, newPassword: string): Promise<void> {
  const user = await findUserByEmail(ctx.db, email);
  if (!user) throw new Unauthenticated('bad_credentials', 'Unknown user or wrong recovery key.');
  let privateKey: UserPrivateKey;
  try {
    privateKey = unwrapPrivateKey(user.private_key_by_recovery, deriveRecoveryKey(recoveryKey), user.id);
  } catch (error) {
    if (error instanceof DecryptionFailed) throw new Unauthenticated('bad_credentials', 'Unknown user or wrong recovery key.');
    throw error;
  }
  const kdf = newPasswordKdf(ctx.config.argon2);
  const wrapped = wrapPrivateKey(privateKey, await derivePasswordKey(newPassword, kdf), user.id);
  await inTransaction(ctx, async (tx) => {
    await updateUserPasswordWrap(tx, user.id, { passwordKdf: JSON.stringify(kdf), privateKeyByPassword: wrapped });
    const ended = await deleteSessionsOf(tx, 'staff', user.id);
    await recordAudit(tx, ctx.dialect, ctx.clock.now(), { actor: { type: 'system' }, action: 'auth.password_recover', targetId: user.id, details: { sessionsEnded: ended } });
  });
}
