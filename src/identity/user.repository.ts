import type { Insertable, Selectable } from 'kysely';
import type { Queryable } from '../kernel/database.js';
import type { StaffRole, UsersTable } from '../kernel/db-schema.js';

export type UserRow = Selectable<UsersTable>;

export async function insertUser(db: Queryable, user: Insertable<UsersTable>): Promise<void> {
  await db.insertInto('users').values(user).execute();
}

export function findUserByEmail(db: Queryable, email: string) {
  return db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
}

export function findUserById(db: Queryable, id: string) {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function countUsers(db: Queryable): Promise<number> {
  const row = await db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Active users of a role, with their public keys (for wrapping case keys to them). */
export function listActiveUsersByRole(db: Queryable, role: StaffRole) {
  return db
    .selectFrom('users')
    .select(['id', 'public_key'])
    .where('role', '=', role)
    .where('disabled_at', 'is', null)
    .orderBy('id')
    .execute();
}

export async function updateUserPasswordWrap(
  db: Queryable,
  userId: string,
  wrap: { passwordKdf: string; privateKeyByPassword: Buffer },
): Promise<void> {
  await db
    .updateTable('users')
    .set({ password_kdf: wrap.passwordKdf, private_key_by_password: wrap.privateKeyByPassword })
    .where('id', '=', userId)
    .execute();
}

// --- failed sign-ins and lock-out

/** Counts one more failed sign-in and answers the new count (one statement, so concurrent failures all count). */
export async function incrementFailedLogins(db: Queryable, userId: string): Promise<{ failedLogins: number; lockouts: number }> {
  const row = await db
    .updateTable('users')
    .set((eb) => ({ failed_logins: eb('failed_logins', '+', 1) }))
    .where('id', '=', userId)
    .returning(['failed_logins', 'lockouts'])
    .executeTakeFirstOrThrow();
  return { failedLogins: Number(row.failed_logins), lockouts: Number(row.lockouts) };
}

export async function lockUser(db: Queryable, userId: string, lockedUntil: string, lockouts: number): Promise<void> {
  await db.updateTable('users').set({ locked_until: lockedUntil, lockouts, failed_logins: 0 }).where('id', '=', userId).execute();
}

/** Clears failures and any lock: after a successful sign-in, or an admin's unlock. */
export async function clearLoginFailures(db: Queryable, userId: string): Promise<void> {
  await db.updateTable('users').set({ failed_logins: 0, lockouts: 0, locked_until: null }).where('id', '=', userId).execute();
}

export async function recordLogin(db: Queryable, userId: string, at: string): Promise<void> {
  await db.updateTable('users').set({ failed_logins: 0, lockouts: 0, locked_until: null, last_login_at: at }).where('id', '=', userId).execute();
}

// --- second factor

export async function storePendingTotp(db: Queryable, userId: string, sealed: Buffer): Promise<void> {
  await db.updateTable('users').set({ totp_sealed: sealed, totp_confirmed_at: null, totp_last_step: null }).where('id', '=', userId).execute();
}

export async function confirmTotp(db: Queryable, userId: string, at: string, step: number): Promise<boolean> {
  const result = await db
    .updateTable('users')
    .set({ totp_confirmed_at: at, totp_last_step: step })
    .where('id', '=', userId)
    .where('totp_sealed', 'is not', null)
    .where('totp_confirmed_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * Accepts a TOTP time step once: succeeds only if no code of this step or a later one was accepted
 * before. One conditional update, so two requests racing with the same code cannot both win.
 */
export async function claimTotpStep(db: Queryable, userId: string, step: number): Promise<boolean> {
  const result = await db
    .updateTable('users')
    .set({ totp_last_step: step })
    .where('id', '=', userId)
    .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function clearTotp(db: Queryable, userId: string): Promise<void> {
  await db.updateTable('users').set({ totp_sealed: null, totp_confirmed_at: null, totp_last_step: null }).where('id', '=', userId).execute();
  await db.deleteFrom('staff_recovery_codes').where('user_id', '=', userId).execute();
}

export async function replaceRecoveryCodes(db: Queryable, userId: string, hashes: Buffer[], at: string): Promise<void> {
  await db.deleteFrom('staff_recovery_codes').where('user_id', '=', userId).execute();
  await db
    .insertInto('staff_recovery_codes')
    .values(hashes.map((code_hash) => ({ user_id: userId, code_hash, created_at: at, used_at: null })))
    .execute();
}

/** Marks a recovery code used; true only the first time, so each code signs in once. */
export async function useRecoveryCode(db: Queryable, userId: string, hash: Buffer, at: string): Promise<boolean> {
  const result = await db
    .updateTable('staff_recovery_codes')
    .set({ used_at: at })
    .where('user_id', '=', userId)
    .where('code_hash', '=', hash)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function countUnusedRecoveryCodes(db: Queryable, userId: string): Promise<number> {
  const row = await db
    .selectFrom('staff_recovery_codes')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', userId)
    .where('used_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

// --- administration

export async function setUserDisabled(db: Queryable, userId: string, disabledAt: string | null): Promise<void> {
  await db.updateTable('users').set({ disabled_at: disabledAt }).where('id', '=', userId).execute();
}

export async function setUserRole(db: Queryable, userId: string, role: StaffRole): Promise<void> {
  await db.updateTable('users').set({ role }).where('id', '=', userId).execute();
}

export async function setUserName(db: Queryable, userId: string, name: string): Promise<void> {
  await db.updateTable('users').set({ name }).where('id', '=', userId).execute();
}

export function listUsers(db: Queryable) {
  return db
    .selectFrom('users')
    .select(['id', 'email', 'name', 'role', 'created_at', 'disabled_at', 'totp_confirmed_at', 'locked_until', 'last_login_at'])
    .orderBy('email')
    .execute();
}

/** How many case keys (active or standby) this person holds. */
export async function countCaseGrants(db: Queryable, userId: string): Promise<number> {
  const row = await db
    .selectFrom('case_access')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', userId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function countActiveAdmins(db: Queryable): Promise<number> {
  const row = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('role', '=', 'admin')
    .where('disabled_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
