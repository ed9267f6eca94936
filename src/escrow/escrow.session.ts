/**
 * A reporter's return visit to an escrow entry: signed in with the entry's receipt, held in a
 * session of its own (table escrow_sessions, cookie candor_escrow), so that a report's session and
 * an entry's session can never stand in for each other. As with report sessions, the entry key is
 * stored sealed under a secret that only the cookie holds.
 */
import type { AppContext } from '../kernel/context.js';
import {
  hashSessionSecret,
  newSessionToken,
  openEntryKeyForSession,
  parseSessionToken,
  sealEntryKeyForSession,
  sessionSecretMatches,
  type EntryKey,
} from '../kernel/crypto.js';
import type { Queryable } from '../kernel/database.js';
import { Unauthenticated } from '../kernel/errors.js';
import { deleteEscrowSession, deleteExpiredEscrowSessions, findEscrowSession, insertEscrowSession } from './escrow.repository.js';

export const ESCROW_COOKIE = 'candor_escrow';

export interface EscrowPrincipal {
  entryId: string;
  entryKey: EntryKey;
  sessionId: string;
}

export async function startEscrowSession(ctx: AppContext, db: Queryable, entryId: string, entryKey: EntryKey): Promise<{ token: string; expiresAt: Date }> {
  const token = newSessionToken();
  const now = ctx.clock.now();
  const expiresAt = new Date(now.getTime() + ctx.config.session.reporterTtlMinutes * 60_000);
  await deleteExpiredEscrowSessions(db, now.toISOString());
  await insertEscrowSession(db, {
    id: token.id,
    entry_id: entryId,
    secret_hash: hashSessionSecret(token.secret),
    sealed_key: sealEntryKeyForSession(entryKey, token),
    created_at: now.toISOString(),
    expires_at: expiresAt.toISOString(),
  });
  return { token: token.token, expiresAt };
}

/** The entry and its key for a cookie, or Unauthenticated. */
export async function authenticateEscrow(ctx: AppContext, cookieValue: string | undefined): Promise<EscrowPrincipal> {
  const token = cookieValue ? parseSessionToken(cookieValue) : null;
  if (!token) throw new Unauthenticated();
  const row = await findEscrowSession(ctx.db, token.id);
  if (!row || !sessionSecretMatches(token.secret, row.secret_hash)) throw new Unauthenticated();
  if (row.expires_at <= ctx.clock.now().toISOString()) {
    await deleteEscrowSession(ctx.db, row.id);
    throw new Unauthenticated('session_expired', 'Your session has ended. Please sign in again.');
  }
  return { entryId: row.entry_id, entryKey: openEntryKeyForSession(row.sealed_key, token), sessionId: row.id };
}

/** Ends the session of a cookie; returns its entry id, or null if there was none. */
export async function endEscrowSession(db: Queryable, cookieValue: string | undefined): Promise<string | null> {
  const token = cookieValue ? parseSessionToken(cookieValue) : null;
  if (!token) return null;
  const row = await findEscrowSession(db, token.id);
  if (!row || !sessionSecretMatches(token.secret, row.secret_hash)) return null;
  await deleteEscrowSession(db, row.id);
  return row.entry_id;
}
