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
import type { Tx } from '../kernel/database.js';
import type { StaffRole, UsersTable } from '../kernel/db-schema.js';
import { ChannelNotFound, Conflict, DecryptionFailed, Unauthenticated, ValidationFailed } from '../kernel/errors.js';
import { TotpEnrolmentRequired } from './identity.errors.js';
import { NewUserSchema, type NewUser } from './identity.schema.js';
import { findPendingInvitationByEmail } from './invitation.repository.js';
import { deleteSessionsOf } from './session.repository.js';
import { endSession, openSession } from './session.service.js';
import { readStaffPolicy } from './staff-policy.js';
import { findUserByEmail, findUserById, insertUser, updateUserPasswordWrap, type UserRow } from './user.repository.js';

export interface StaffPrincipal {
  userId: string;
  role: StaffRole;
  privateKey: UserPrivateKey;
  sessionId: string;
}

/** A new account's row, made outside any transaction (key generation and Argon2id take a while). */
export interface PreparedAccount {
  row: Pick<UsersTable, 'id' | 'email' | 'name' | 'role' | 'public_key' | 'password_kdf' | 'private_key_by_password' | 'private_key_by_recovery'>;
  recoveryKey: string;
  /** In memory only: lets the caller open a first session for the new account at once. */
  privateKey: UserPrivateKey;
}

/**
 * Makes a fresh X25519 key pair for a new account. The private key is wrapped twice, by the password
 * (Argon2id) and by a one-time recovery key that is returned here and never stored.
 */
export async function prepareAccount(ctx: AppContext, input: { id?: string; email: string; name: string; role: StaffRole; password: string }): Promise<PreparedAccount> {
  const id = input.id ?? randomUUID();
  const { publicKey, privateKey } = generateUserKeyPair();
  const kdf = newPasswordKdf(ctx.config.argon2);
  const passwordKey = await derivePasswordKey(input.password, kdf);
  const recoveryKey = generateRecoveryKey();
  return {
    row: {
      id,
      email: input.email,
      name: input.name,
      role: input.role,
      public_key: publicKey,
      password_kdf: JSON.stringify(kdf),
      private_key_by_password: wrapPrivateKey(privateKey, passwordKey, id),
      private_key_by_recovery: wrapPrivateKey(privateKey, deriveRecoveryKey(recoveryKey), id),
    },
    recoveryKey,
    privateKey,
  };
}

/** Stores a prepared account and its channel memberships, in the caller's transaction. */
export async function insertAccount(tx: Tx, account: PreparedAccount, channelIds: readonly string[], at: string): Promise<void> {
  if (await findUserByEmail(tx, account.row.email)) throw new Conflict('email_taken', 'A user with this e-mail address exists.');
  await insertUser(tx, { ...account.row, created_at: at, disabled_at: null });
  for (const channelId of channelIds) await addChannelMember(tx, channelId, account.row.id, at);
}

function validNewUser(input: NewUser): NewUser {
  const parsed = NewUserSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const fields: Record<string, string[]> = {};
  for (const issue of parsed.error.issues) (fields[issue.path.join('.') || '_'] ??= []).push(issue.message);
  throw new ValidationFailed(fields);
}

/** Creates a staff member with a password (the command line, tests, the first-run wizard's admin). */
export async function createStaffUser(ctx: AppContext, actor: AuditActor, input: NewUser): Promise<{ id: string; recoveryKey: string }> {
  const user = validNewUser(input);
  const account = await prepareAccount(ctx, user);
  await inTransaction(ctx, async (tx) => {
    if (await findPendingInvitationByEmail(tx, user.email, ctx.clock.now().toISOString())) {
      throw new Conflict('email_taken', 'This e-mail address has an open invitation.');
    }
    const channel = user.channel === undefined ? undefined : await findChannelBySlug(tx, user.channel);
    if (user.channel !== undefined && !channel) throw new ChannelNotFound();
    const now = ctx.clock.now();
    await insertAccount(tx, account, channel ? [channel.id] : [], now.toISOString());
    await recordAudit(tx, ctx.dialect, now, {
      actor,
      action: 'user.create',
      targetId: account.row.id,
      details: { role: user.role, channelId: channel?.id ?? null },
    });
  });
  return { id: account.row.id, recoveryKey: account.recoveryKey };
}

/** Checks a password by unwrapping the private key with it: one Argon2id run, whether or not the account exists. */
export async function unlockWithPassword(ctx: AppContext, user: UserRow | undefined, password: string): Promise<UserPrivateKey | null> {
  if (!user || user.disabled_at !== null) {
    await burnPasswordKdf(password, ctx.config.argon2);
    return null;
  }
  const kdf = JSON.parse(user.password_kdf) as PasswordKdf;
  try {
    return unwrapPrivateKey(user.private_key_by_password, await derivePasswordKey(password, kdf), user.id);
  } catch (error) {
    if (error instanceof DecryptionFailed) return null;
    throw error;
  }
}

export interface AuthenticateOptions {
  /** The route stays open to someone who must still set up a required second factor (enrolment, sign-out, profile). */
  allowWithoutSecondFactor?: boolean;
}

/** Resolves a staff cookie to the signed-in person and their unwrapped private key. */
export async function authenticateStaff(ctx: AppContext, cookieValue: string | undefined, options: AuthenticateOptions = {}): Promise<StaffPrincipal> {
  const session = await openSession<UserPrivateKey>(ctx, 'staff', cookieValue);
  const user = await findUserById(ctx.db, session.subjectId);
  if (!user || user.disabled_at !== null) throw new Unauthenticated();
  if (!options.allowWithoutSecondFactor && user.totp_confirmed_at === null && (await readStaffPolicy(ctx.db)).totpRequired) {
    throw new TotpEnrolmentRequired();
  }
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

export function presentStaff(user: Pick<UserRow, 'id' | 'email' | 'name' | 'role' | 'totp_confirmed_at'>, totpRequired: boolean) {
  return { id: user.id, email: user.email, name: user.name, role: user.role, totpEnabled: user.totp_confirmed_at !== null, totpRequired };
}

export async function getStaffProfile(ctx: AppContext, userId: string) {
  const user = await findUserById(ctx.db, userId);
  if (!user) throw new Unauthenticated();
  return presentStaff(user, (await readStaffPolicy(ctx.db)).totpRequired);
}

/** Re-wraps the private key under the new password. Cases are not re-encrypted: their keys are wrapped to the key pair. */
export async function changePassword(ctx: AppContext, principal: Pick<StaffPrincipal, 'userId' | 'sessionId'>, currentPassword: string, newPassword: string): Promise<void> {
  const { userId } = principal;
  const user = await findUserById(ctx.db, userId);
  if (!user) throw new Unauthenticated();
  const privateKey = await unlockWithPassword(ctx, user, currentPassword);
  if (!privateKey) throw new Unauthenticated('bad_credentials', 'The current password is not right.');
  const kdf = newPasswordKdf(ctx.config.argon2);
  const wrapped = wrapPrivateKey(privateKey, await derivePasswordKey(newPassword, kdf), userId);
  await inTransaction(ctx, async (tx) => {
    await updateUserPasswordWrap(tx, userId, { passwordKdf: JSON.stringify(kdf), privateKeyByPassword: wrapped });
    // Whoever else was signed in with the old password is signed out.
    const ended = await deleteSessionsOf(tx, 'staff', userId, principal.sessionId);
    await recordAudit(tx, ctx.dialect, ctx.clock.now(), { actor: { type: 'staff', id: userId }, action: 'auth.password_change', details: { sessionsEnded: ended } });
  });
}

/**
 * Sets a new password with the one-time recovery key (for `candor user reset-password`). The
 * second factor stays as it was: its secret is sealed under the key pair, which does not change.
 */
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
