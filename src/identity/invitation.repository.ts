import type { Queryable } from '../kernel/database.js';
import type { StaffInvitationsTable, StaffRole } from '../kernel/db-schema.js';

export async function insertInvitation(db: Queryable, row: StaffInvitationsTable): Promise<void> {
  await db.insertInto('staff_invitations').values(row).execute();
}

export function findInvitationByTokenHash(db: Queryable, tokenHash: Buffer) {
  return db.selectFrom('staff_invitations').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
}

export function findInvitationById(db: Queryable, id: string) {
  return db.selectFrom('staff_invitations').selectAll().where('id', '=', id).executeTakeFirst();
}

/** An invitation for this address that can still be accepted. */
export function findPendingInvitationByEmail(db: Queryable, email: string, now: string) {
  return db
    .selectFrom('staff_invitations')
    .selectAll()
    .where('email', '=', email)
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
}

/** Invitations not accepted and not withdrawn (expired ones included: an admin can send them again). */
export function listOpenInvitations(db: Queryable) {
  return db
    .selectFrom('staff_invitations')
    .selectAll()
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .orderBy('email')
    .execute();
}

/** Marks an invitation accepted; true only once, so one link makes one account. */
export async function markInvitationAccepted(db: Queryable, id: string, at: string): Promise<boolean> {
  const result = await db
    .updateTable('staff_invitations')
    .set({ accepted_at: at })
    .where('id', '=', id)
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', at)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function revokeInvitation(db: Queryable, id: string, at: string): Promise<void> {
  await db.updateTable('staff_invitations').set({ revoked_at: at }).where('id', '=', id).where('accepted_at', 'is', null).execute();
}

/** Withdraws every open invitation for an address (a new one replaces them). */
export async function revokeInvitationsFor(db: Queryable, email: string, at: string): Promise<void> {
  await db
    .updateTable('staff_invitations')
    .set({ revoked_at: at })
    .where('email', '=', email)
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .execute();
}

export async function updateInvitation(db: Queryable, id: string, changes: { role?: StaffRole; channels?: string; name?: string }): Promise<void> {
  if (Object.values(changes).every((value) => value === undefined)) return;
  await db.updateTable('staff_invitations').set(changes).where('id', '=', id).execute();
}

export async function replaceInvitationToken(db: Queryable, id: string, tokenHash: Buffer, expiresAt: string): Promise<void> {
  await db.updateTable('staff_invitations').set({ token_hash: tokenHash, expires_at: expiresAt }).where('id', '=', id).execute();
}

export async function countOpenInvitations(db: Queryable): Promise<number> {
  const row = await db
    .selectFrom('staff_invitations')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
