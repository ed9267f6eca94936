import type { Queryable } from '../kernel/database.js';
import type { StaffRole, UsersTable } from '../kernel/db-schema.js';

export async function insertUser(db: Queryable, user: UsersTable): Promise<void> {
  await db.insertInto('users').values(user).execute();
}

export function findUserByEmail(db: Queryable, email: string) {
  return db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
}

export function findUserById(db: Queryable, id: string) {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
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
