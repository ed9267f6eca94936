/**
 * API tokens for machine identities. Today one role, `hr-system`: an HR system that keeps the
 * directory in sync, reports adverse HR events and asks the pre-action check. A token reaches
 * those endpoints only (routes declared with `auth: 'hr-system'`); it is never a staff session and
 * opens no case. Made by an admin (API) or the operator (`candor token create`), shown once,
 * stored as a SHA-256 hash.
 */
import { randomUUID } from 'node:crypto';
import { recordAudit, type AuditActor } from '../audit/audit.service.js';
import { inTransaction, type AppContext } from '../kernel/context.js';
import { hashApiToken, hashesMatch, newApiToken } from '../kernel/crypto.js';
import { Forbidden, NotFound, Unauthenticated } from '../kernel/errors.js';
import type { StaffPrincipal } from './identity.service.js';

export const API_TOKEN_ROLES = ['hr-system'] as const;
export type ApiTokenRole = (typeof API_TOKEN_ROLES)[number];

export interface HrSystemPrincipal {
  tokenId: string;
  role: ApiTokenRole;
}

/** How a token's actions appear in the audit log. */
export function tokenActor(principal: HrSystemPrincipal): AuditActor {
  return { type: 'system', id: `token:${principal.tokenId}` };
}

function requireAdmin(principal: StaffPrincipal): AuditActor {
  if (principal.role !== 'admin') throw new Forbidden('admin_only', 'Only an admin can do this.');
  return { type: 'staff', id: principal.userId };
}

export async function createApiToken(ctx: AppContext, actor: AuditActor, input: { name: string; role: ApiTokenRole }) {
  const token = newApiToken();
  const id = randomUUID();
  const at = ctx.clock.now();
  await inTransaction(ctx, async (tx) => {
    await tx
      .insertInto('api_tokens')
      .values({ id, name: input.name, role: input.role, token_hash: hashApiToken(token)!, created_by: actor.type === 'reporter' ? 'reporter' : (actor.id ?? 'system'), created_at: at.toISOString(), last_used_at: null, revoked_at: null })
      .execute();
    await recordAudit(tx, ctx.dialect, at, { actor, action: 'token.create', targetId: id, details: { role: input.role } });
  });
  return { id, name: input.name, role: input.role, token, createdAt: at.toISOString() };
}

export function createApiTokenAsAdmin(ctx: AppContext, principal: StaffPrincipal, input: { name: string; role: ApiTokenRole }) {
  return createApiToken(ctx, requireAdmin(principal), input);
}

export async function listApiTokens(ctx: AppContext, principal: StaffPrincipal | null) {
  if (principal) requireAdmin(principal);
  const rows = await ctx.db.selectFrom('api_tokens').select(['id', 'name', 'role', 'created_at', 'last_used_at', 'revoked_at']).orderBy('created_at').execute();
  return { items: rows.map((row) => ({ id: row.id, name: row.name, role: row.role, createdAt: row.created_at, lastUsedAt: row.last_used_at, revokedAt: row.revoked_at })) };
}

export async function revokeApiToken(ctx: AppContext, actor: AuditActor, id: string) {
  const at = ctx.clock.now();
  await inTransaction(ctx, async (tx) => {
    const result = await tx.updateTable('api_tokens').set({ revoked_at: at.toISOString() }).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) throw new NotFound('token_not_found', 'No such active token.');
    await recordAudit(tx, ctx.dialect, at, { actor, action: 'token.revoke', targetId: id });
  });
}

export function revokeApiTokenAsAdmin(ctx: AppContext, principal: StaffPrincipal, id: string) {
  return revokeApiToken(ctx, requireAdmin(principal), id);
}

/** Resolves `Authorization: Bearer <token>` to the token's principal; anything else is 401. */
export async function authenticateApiToken(ctx: AppContext, header: string | undefined): Promise<HrSystemPrincipal> {
  const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  const hash = match ? hashApiToken(match[1]!) : null;
  if (!hash) throw new Unauthenticated('unauthenticated', 'This endpoint needs an API token (Authorization: Bearer ...).');
  const row = await ctx.db.selectFrom('api_tokens').select(['id', 'role', 'token_hash', 'revoked_at', 'last_used_at']).where('token_hash', '=', hash).executeTakeFirst();
  if (!row || row.revoked_at !== null || !hashesMatch(row.token_hash, hash)) throw new Unauthenticated('unauthenticated', 'The API token is not valid.');
  const now = ctx.clock.now().toISOString();
  // Written at most once a minute, so a busy HR system does not make every call a write.
  if (!row.last_used_at || row.last_used_at.slice(0, 16) !== now.slice(0, 16)) {
    await ctx.db.updateTable('api_tokens').set({ last_used_at: now }).where('id', '=', row.id).execute();
  }
  return { tokenId: row.id, role: row.role };
}
