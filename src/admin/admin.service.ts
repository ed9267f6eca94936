/**
 * User management for admins: invite, change role and channels, disable, unlock, and the
 * installation's second-factor rule. An admin manages accounts but holds no case key, so none of
 * this opens a case. Every change is audited (ids, roles and counts only).
 */
import { recordAudit, type AuditActor } from '../audit/audit.service.js';
import type { StaffPrincipal } from '../identity/identity.service.js';
import { channelIdsFor, invitationPath, inviteStaff, reissueInvitation } from '../identity/invitation.service.js';
import { findInvitationById, listOpenInvitations, revokeInvitation, updateInvitation } from '../identity/invitation.repository.js';
import { deleteSessionsOf } from '../identity/session.repository.js';
import { readStaffPolicy, writeStaffPolicy, type StaffPolicy } from '../identity/staff-policy.js';
import {
  clearLoginFailures,
  clearTotp,
  countActiveAdmins,
  countCaseGrants,
  findUserById,
  listUsers,
  setUserDisabled,
  setUserName,
  setUserRole,
  type UserRow,
} from '../identity/user.repository.js';
import { inTransaction, type AppContext } from '../kernel/context.js';
import type { Queryable, Tx } from '../kernel/database.js';
import type { StaffRole, StaffInvitationsTable } from '../kernel/db-schema.js';
import { Conflict, Forbidden, NotFound } from '../kernel/errors.js';
import { isLocked } from '../identity/lockout.rules.js';
import { listChannelSlugs, listMemberships, replaceMemberships } from './admin.repository.js';
import type { AdminUser } from './admin.schema.js';

/** Who manages accounts: an admin in the API, or the operator at the command line (with no account of their own). */
export interface AccountManager {
  actor: AuditActor;
  /** The manager's own account, which they cannot disable; null for the command line. */
  selfId: string | null;
}

export const COMMAND_LINE: AccountManager = { actor: { type: 'system', id: 'cli' }, selfId: null };

function asAdmin(principal: StaffPrincipal): AccountManager {
  if (principal.role !== 'admin') throw new Forbidden('admin_only', 'Only an admin can do this.');
  return { actor: { type: 'staff', id: principal.userId }, selfId: principal.userId };
}

const userNotFound = () => new NotFound('user_not_found', 'No such user or invitation.');

type UserFields = Pick<UserRow, 'id' | 'email' | 'name' | 'role' | 'created_at' | 'disabled_at' | 'totp_confirmed_at' | 'locked_until' | 'last_login_at'>;

function presentUser(user: UserFields, channels: string[], now: Date): AdminUser {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    channels,
    status: user.disabled_at === null ? 'active' : 'disabled',
    totpEnabled: user.totp_confirmed_at !== null,
    lockedUntil: isLocked(user.locked_until, now) ? user.locked_until : null,
    createdAt: user.created_at,
    lastLoginAt: user.last_login_at,
    invitationExpiresAt: null,
  };
}

function presentInvitation(invitation: StaffInvitationsTable, slugById: Map<string, string>): AdminUser {
  return {
    id: invitation.id,
    email: invitation.email,
    name: invitation.name,
    role: invitation.role,
    channels: (JSON.parse(invitation.channels) as string[]).flatMap((id) => slugById.get(id) ?? []),
    status: 'invited',
    totpEnabled: false,
    lockedUntil: null,
    createdAt: invitation.created_at,
    lastLoginAt: null,
    invitationExpiresAt: invitation.expires_at,
  };
}

async function slugsById(db: Queryable): Promise<Map<string, string>> {
  return new Map((await listChannelSlugs(db)).map((row) => [row.id, row.slug]));
}

/** One account or open invitation as the admin pages show it. */
async function loadAdminUser(ctx: AppContext, db: Queryable, id: string): Promise<AdminUser> {
  const user = await findUserById(db, id);
  if (user) {
    const channels = (await listMemberships(db)).filter((row) => row.user_id === id).map((row) => row.slug);
    return presentUser(user, channels, ctx.clock.now());
  }
  const invitation = await findInvitationById(db, id);
  if (!invitation || invitation.accepted_at !== null || invitation.revoked_at !== null) throw userNotFound();
  return presentInvitation(invitation, await slugsById(db));
}

/** Every account and every open invitation, by e-mail address. */
export async function listStaff(ctx: AppContext, by: AccountManager): Promise<AdminUser[]> {
  return inTransaction(ctx, async (tx) => {
    const now = ctx.clock.now();
    const [users, memberships, invitations, slugs] = await Promise.all([listUsers(tx), listMemberships(tx), listOpenInvitations(tx), slugsById(tx)]);
    const channelsOf = new Map<string, string[]>();
    for (const row of memberships) (channelsOf.get(row.user_id) ?? channelsOf.set(row.user_id, []).get(row.user_id)!).push(row.slug);
    const items = [
      ...users.map((user) => presentUser(user, channelsOf.get(user.id) ?? [], now)),
      ...invitations.map((invitation) => presentInvitation(invitation, slugs)),
    ].sort((a, b) => a.email.localeCompare(b.email));
    await recordAudit(tx, ctx.dialect, now, { actor: by.actor, action: 'user.list', details: { count: items.length } });
    return items;
  });
}

export const listStaffForAdmin = (ctx: AppContext, principal: StaffPrincipal) => listStaff(ctx, asAdmin(principal));

/** Invites a person: the answer carries the one-time link (shown once) for them to choose a password. */
export async function inviteUserAsAdmin(
  ctx: AppContext,
  principal: StaffPrincipal,
  input: { email: string; name: string; role: StaffRole; channels?: string[] },
  baseUrl: string,
) {
  const invitation = await inviteStaff(ctx, asAdmin(principal).actor, input);
  return { user: await loadAdminUser(ctx, ctx.db, invitation.id), enrolmentUrl: baseUrl + invitationPath(invitation.token), enrolmentExpiresAt: invitation.expiresAt };
}

/** A new link for someone invited who has not enrolled yet; the old link stops working. */
export async function reissueEnrolmentAsAdmin(ctx: AppContext, principal: StaffPrincipal, id: string, baseUrl: string) {
  const invitation = await reissueInvitation(ctx, asAdmin(principal).actor, id);
  return { user: await loadAdminUser(ctx, ctx.db, id), enrolmentUrl: baseUrl + invitationPath(invitation.token), enrolmentExpiresAt: invitation.expiresAt };
}

/** Withdraws an invitation that was not accepted yet. Accounts are never deleted: they are disabled. */
export async function withdrawInvitationAsAdmin(ctx: AppContext, principal: StaffPrincipal, id: string): Promise<void> {
  const by = asAdmin(principal);
  await inTransaction(ctx, async (tx) => {
    const invitation = await findInvitationById(tx, id);
    if (!invitation || invitation.accepted_at !== null || invitation.revoked_at !== null) {
      if (await findUserById(tx, id)) throw new Conflict('user_enrolled', 'This person has an account: disable it instead.');
      throw userNotFound();
    }
    await revokeInvitation(tx, id, ctx.clock.now().toISOString());
    await recordAudit(tx, ctx.dialect, ctx.clock.now(), { actor: by.actor, action: 'user.invite.withdraw', targetId: id });
  });
}

export interface UserChanges {
  name?: string | undefined;
  role?: StaffRole | undefined;
  channels?: string[] | undefined;
  disabled?: boolean | undefined;
}

async function updateInvited(ctx: AppContext, tx: Tx, by: AccountManager, invitation: StaffInvitationsTable, changes: UserChanges): Promise<void> {
  if (changes.disabled !== undefined) throw new Conflict('user_not_enrolled', 'This person has not enrolled yet: withdraw the invitation instead.');
  const channelIds = changes.channels === undefined ? undefined : await channelIdsFor(tx, changes.channels);
  await updateInvitation(tx, invitation.id, { name: changes.name, role: changes.role, channels: channelIds === undefined ? undefined : JSON.stringify(channelIds) });
  await recordAudit(tx, ctx.dialect, ctx.clock.now(), {
    actor: by.actor,
    action: 'user.invite.update',
    targetId: invitation.id,
    details: { role: changes.role ?? invitation.role, channels: channelIds?.length ?? null },
  });
}

async function updateEnrolled(ctx: AppContext, tx: Tx, by: AccountManager, user: UserRow, changes: UserChanges): Promise<void> {
  const now = ctx.clock.now();
  const { actor } = by;
  const losesAdmin = user.role === 'admin' && user.disabled_at === null && ((changes.role !== undefined && changes.role !== 'admin') || changes.disabled === true);
  if (losesAdmin && (await countActiveAdmins(tx)) <= 1) throw new Conflict('last_admin', 'This is the last active admin. Make someone else an admin first.');
  if (changes.disabled === true && user.id === by.selfId) throw new Conflict('cannot_disable_self', 'You cannot disable your own account.');

  if (changes.role !== undefined && changes.role !== user.role) {
    // Case keys are wrapped to this person's key pair: a change of role would leave them holding
    // keys their new role must not have (or strand cases only they can read). Hand cases over first.
    const grants = await countCaseGrants(tx, user.id);
    if (grants > 0) throw new Conflict('holds_case_keys', `This person holds the keys to ${grants} case(s). Hand those cases over, or create a separate account for the new role.`);
    await setUserRole(tx, user.id, changes.role);
    await recordAudit(tx, ctx.dialect, now, { actor, action: 'user.role_change', targetId: user.id, details: { from: user.role, to: changes.role } });
  }
  if (changes.name !== undefined && changes.name !== user.name) {
    await setUserName(tx, user.id, changes.name);
    await recordAudit(tx, ctx.dialect, now, { actor, action: 'user.rename', targetId: user.id });
  }
  if (changes.channels !== undefined) {
    const channelIds = await channelIdsFor(tx, changes.channels);
    await replaceMemberships(tx, user.id, channelIds, now.toISOString());
    await recordAudit(tx, ctx.dialect, now, { actor, action: 'user.channels', targetId: user.id, details: { channels: channelIds.length } });
  }
  if (changes.disabled === true && user.disabled_at === null) {
    await setUserDisabled(tx, user.id, now.toISOString());
    const ended = await deleteSessionsOf(tx, 'staff', user.id);
    await recordAudit(tx, ctx.dialect, now, { actor, action: 'user.disable', targetId: user.id, details: { sessionsEnded: ended } });
  } else if (changes.disabled === false && user.disabled_at !== null) {
    await setUserDisabled(tx, user.id, null);
    await recordAudit(tx, ctx.dialect, now, { actor, action: 'user.enable', targetId: user.id });
  }
}

/** Changes an account (or an open invitation): name, role, channels, disabled. */
export async function updateUser(ctx: AppContext, by: AccountManager, id: string, changes: UserChanges): Promise<AdminUser> {
  return inTransaction(ctx, async (tx) => {
    const user = await findUserById(tx, id);
    if (user) {
      await updateEnrolled(ctx, tx, by, user, changes);
    } else {
      const invitation = await findInvitationById(tx, id);
      if (!invitation || invitation.accepted_at !== null || invitation.revoked_at !== null) throw userNotFound();
      await updateInvited(ctx, tx, by, invitation, changes);
    }
    return loadAdminUser(ctx, tx, id);
  });
}

export const updateUserAsAdmin = (ctx: AppContext, principal: StaffPrincipal, id: string, changes: UserChanges) => updateUser(ctx, asAdmin(principal), id, changes);

/** Lifts a lock-out (and forgets the failures that led to it). */
export async function unlockUser(ctx: AppContext, by: AccountManager, id: string): Promise<AdminUser> {
  return inTransaction(ctx, async (tx) => {
    const user = await findUserById(tx, id);
    if (!user) throw userNotFound();
    await clearLoginFailures(tx, id);
    await recordAudit(tx, ctx.dialect, ctx.clock.now(), { actor: by.actor, action: 'user.unlock', targetId: id, details: { wasLocked: isLocked(user.locked_until, ctx.clock.now()) } });
    return loadAdminUser(ctx, tx, id);
  });
}

export const unlockUserAsAdmin = (ctx: AppContext, principal: StaffPrincipal, id: string) => unlockUser(ctx, asAdmin(principal), id);

/**
 * Removes a person's second factor and recovery codes, for someone who lost both their phone and
 * their codes. Deliberately only at the command line (the operator of the server): an admin in the
 * web console cannot strip anyone's second factor. Their sessions end.
 */
export async function resetSecondFactor(ctx: AppContext, by: AccountManager, id: string): Promise<AdminUser> {
  return inTransaction(ctx, async (tx) => {
    const user = await findUserById(tx, id);
    if (!user) throw userNotFound();
    await clearTotp(tx, id);
    const ended = await deleteSessionsOf(tx, 'staff', id);
    await recordAudit(tx, ctx.dialect, ctx.clock.now(), { actor: by.actor, action: 'auth.totp.reset', targetId: id, details: { sessionsEnded: ended } });
    return loadAdminUser(ctx, tx, id);
  });
}

export async function getSecuritySettings(ctx: AppContext, principal: StaffPrincipal): Promise<StaffPolicy> {
  asAdmin(principal);
  return readStaffPolicy(ctx.db);
}

/** Requiring a second factor takes effect at once: people without one can only enrol until they have. */
export async function setSecuritySettings(ctx: AppContext, principal: StaffPrincipal, policy: StaffPolicy): Promise<StaffPolicy> {
  const by = asAdmin(principal);
  if (policy.totpRequired) {
    const self = await findUserById(ctx.db, principal.userId);
    if (self?.totp_confirmed_at === null) throw new Conflict('enrol_first', 'Set up a second factor for your own account first: the rule applies to you too.');
  }
  return inTransaction(ctx, async (tx) => {
    await writeStaffPolicy(tx, policy);
    await recordAudit(tx, ctx.dialect, ctx.clock.now(), { actor: by.actor, action: 'settings.security.update', details: { totpRequired: policy.totpRequired } });
    return policy;
  });
}
