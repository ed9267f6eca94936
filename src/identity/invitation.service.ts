/**
 * Invitations: an admin (or the first-run wizard) names a person, role and channels; the person
 * opens a one-time link and chooses their own password, and only then is their key pair made. The
 * admin never knows the password and never sees the recovery key.
 */
import { randomUUID } from 'node:crypto';
import { recordAudit, type AuditActor } from '../audit/audit.service.js';
import { findChannelById, findChannelBySlug } from '../channels/channel.repository.js';
import { inTransaction, type AppContext } from '../kernel/context.js';
import { hashOneTimeToken, newOneTimeToken, parseOneTimeToken } from '../kernel/crypto.js';
import type { Tx } from '../kernel/database.js';
import type { StaffRole } from '../kernel/db-schema.js';
import { ChannelNotFound, Conflict, DomainError, NotFound, ValidationFailed } from '../kernel/errors.js';
import { insertAccount, prepareAccount } from './identity.service.js';
import { PasswordSchema } from './identity.schema.js';
import {
  findInvitationById,
  findInvitationByTokenHash,
  insertInvitation,
  markInvitationAccepted,
  replaceInvitationToken,
  revokeInvitationsFor,
} from './invitation.repository.js';
import { findUserByEmail } from './user.repository.js';

/** How long an invitation link stays valid. */
export const INVITATION_TTL_MS = 7 * 24 * 60 * 60_000;

export class InvitationInvalid extends DomainError {
  constructor() {
    super('invitation_invalid', 'This link cannot be used: it was used already, it has expired, or it was withdrawn. Ask an admin for a new one.', 404);
  }
}

export interface Invitation {
  id: string;
  /** The one-time token for the link /enrol/<token>: returned once, only its hash is stored. */
  token: string;
  expiresAt: string;
}

export const invitationPath = (token: string) => `/enrol/${token}`;

/** Channel slugs to ids, refusing any that do not exist. */
export async function channelIdsFor(tx: Tx, slugs: readonly string[]): Promise<string[]> {
  const ids: string[] = [];
  for (const slug of new Set(slugs)) {
    const channel = await findChannelBySlug(tx, slug);
    if (!channel) throw new ChannelNotFound();
    ids.push(channel.id);
  }
  return ids;
}

/** Invites a person; an earlier open invitation for the same address is withdrawn. */
export async function inviteStaff(
  ctx: AppContext,
  actor: AuditActor,
  input: { email: string; name: string; role: StaffRole; channels?: readonly string[] },
  tx?: Tx,
): Promise<Invitation> {
  const work = async (db: Tx): Promise<Invitation> => {
    const now = ctx.clock.now();
    if (await findUserByEmail(db, input.email)) throw new Conflict('email_taken', 'A user with this e-mail address exists.');
    const channelIds = await channelIdsFor(db, input.channels ?? []);
    await revokeInvitationsFor(db, input.email, now.toISOString());
    const id = randomUUID();
    const token = newOneTimeToken();
    const expiresAt = new Date(now.getTime() + INVITATION_TTL_MS).toISOString();
    await insertInvitation(db, {
      id,
      email: input.email,
      name: input.name,
      role: input.role,
      channels: JSON.stringify(channelIds),
      token_hash: hashOneTimeToken('invitation', token),
      created_by: actor.type === 'staff' ? actor.id : null,
      created_at: now.toISOString(),
      expires_at: expiresAt,
      accepted_at: null,
      revoked_at: null,
    });
    await recordAudit(db, ctx.dialect, now, { actor, action: 'user.invite', targetId: id, details: { role: input.role, channels: channelIds.length } });
    return { id, token, expiresAt };
  };
  return tx ? work(tx) : inTransaction(ctx, work);
}

/** A fresh link for an invitation that was not accepted yet (the old link stops working). */
export async function reissueInvitation(ctx: AppContext, actor: AuditActor, id: string): Promise<Invitation> {
  return inTransaction(ctx, async (tx) => {
    const invitation = await findInvitationById(tx, id);
    if (!invitation || invitation.accepted_at !== null || invitation.revoked_at !== null) throw new NotFound('user_not_found', 'No such user or invitation.');
    const now = ctx.clock.now();
    const token = newOneTimeToken();
    const expiresAt = new Date(now.getTime() + INVITATION_TTL_MS).toISOString();
    await replaceInvitationToken(tx, id, hashOneTimeToken('invitation', token), expiresAt);
    await recordAudit(tx, ctx.dialect, now, { actor, action: 'user.invite.reissue', targetId: id });
    return { id, token, expiresAt };
  });
}

/** The invitation a link names, if it can still be accepted; otherwise InvitationInvalid. */
export async function openInvitation(ctx: AppContext, tokenText: string) {
  const token = parseOneTimeToken(tokenText);
  if (!token) throw new InvitationInvalid();
  const invitation = await findInvitationByTokenHash(ctx.db, hashOneTimeToken('invitation', token));
  const now = ctx.clock.now().toISOString();
  if (!invitation || invitation.accepted_at !== null || invitation.revoked_at !== null || invitation.expires_at <= now) throw new InvitationInvalid();
  return { id: invitation.id, email: invitation.email, name: invitation.name, role: invitation.role, expiresAt: invitation.expires_at };
}

/**
 * Accepts an invitation: makes the key pair, wraps it under the chosen password and a new recovery
 * key (returned once, to the person themselves), and creates the account with the invited role and
 * channels. The link works once.
 */
export async function acceptInvitation(ctx: AppContext, tokenText: string, password: string): Promise<{ id: string; email: string; recoveryKey: string }> {
  const invitation = await openInvitation(ctx, tokenText);
  const checked = PasswordSchema.safeParse(password);
  if (!checked.success) throw new ValidationFailed({ password: checked.error.issues.map((issue) => issue.message) });
  const account = await prepareAccount(ctx, { id: invitation.id, email: invitation.email, name: invitation.name, role: invitation.role, password });
  await inTransaction(ctx, async (tx) => {
    const now = ctx.clock.now();
    const row = await findInvitationById(tx, invitation.id);
    if (!row || !(await markInvitationAccepted(tx, invitation.id, now.toISOString()))) throw new InvitationInvalid();
    // A channel deleted since the invitation is skipped rather than failing the person's enrolment.
    const channelIds: string[] = [];
    for (const channelId of JSON.parse(row.channels) as string[]) if (await findChannelById(tx, channelId)) channelIds.push(channelId);
    await insertAccount(tx, account, channelIds, now.toISOString());
    await recordAudit(tx, ctx.dialect, now, {
      actor: { type: 'staff', id: invitation.id },
      action: 'user.enrol',
      targetId: invitation.id,
      details: { role: row.role, channels: channelIds.length },
    });
  });
  return { id: invitation.id, email: invitation.email, recoveryKey: account.recoveryKey };
}
