/**
 * Sessions live in the database, never in a node's memory, so any node can serve the next request.
 * The key a session needs (a staff private key, a reporter's case key) is stored sealed under a
 * secret that exists only in the cookie: the database alone opens nothing.
 */
import type { AppContext } from '../kernel/context.js';
import {
  hashSessionSecret,
  newSessionToken,
  openKeyForSession,
  parseSessionToken,
  sealKeyForSession,
  sessionSecretMatches,
  type CaseKey,
  type UserPrivateKey,
} from '../kernel/crypto.js';
import type { Queryable } from '../kernel/database.js';
import type { SessionsTable } from '../kernel/db-schema.js';
import { Unauthenticated } from '../kernel/errors.js';
import { deleteSession, findSession, insertSession, touchSession } from './session.repository.js';

/** A staff session's last-seen time is written at most this often, so not every request writes. */
const TOUCH_EVERY_MS = 60_000;

export type SessionKind = SessionsTable['kind'];

export interface OpenedSession<K> {
  id: string;
  subjectId: string;
  key: K;
}

export async function startSession(
  ctx: AppContext,
  db: Queryable,
  kind: SessionKind,
  subjectId: string,
  key: UserPrivateKey | CaseKey,
): Promise<{ token: string; expiresAt: Date }> {
  const token = newSessionToken();
  const now = ctx.clock.now();
  const ttlMinutes = kind === 'staff' ? ctx.config.session.staffTtlMinutes : ctx.config.session.reporterTtlMinutes;
  const expiresAt = new Date(now.getTime() + ttlMinutes * 60_000);
  await insertSession(db, {
    id: token.id,
    kind,
    subject_id: subjectId,
    secret_hash: hashSessionSecret(token.secret),
    sealed_key: sealKeyForSession(key, token),
    created_at: now.toISOString(),
    expires_at: expiresAt.toISOString(),
    last_seen_at: now.toISOString(),
  });
  return { token: token.token, expiresAt };
}

/** Opens a session from its cookie value, or throws Unauthenticated. */
export async function openSession<K extends UserPrivateKey | CaseKey>(
  ctx: AppContext,
  kind: SessionKind,
  cookieValue: string | undefined,
): Promise<OpenedSession<K>> {
  const token = cookieValue ? parseSessionToken(cookieValue) : null;
  if (!token) throw new Unauthenticated();
  const row = await findSession(ctx.db, token.id);
  if (!row || row.kind !== kind || !sessionSecretMatches(token.secret, row.secret_hash)) throw new Unauthenticated();
  const now = ctx.clock.now();
  if (row.expires_at <= now.toISOString()) {
    await deleteSession(ctx.db, row.id);
    throw new Unauthenticated('session_expired', 'Your session has ended. Please sign in again.');
  }
  if (kind === 'staff') {
    // Idle timeout: a staff session left alone ends, however long it had left.
    const lastSeen = new Date(row.last_seen_at ?? row.created_at).getTime();
    const idleMinutes = ctx.config.session.staffIdleMinutes;
    if (now.getTime() - lastSeen >= idleMinutes * 60_000) {
      await deleteSession(ctx.db, row.id);
      throw new Unauthenticated('session_expired', `You were signed out after ${idleMinutes} minutes without activity. Please sign in again.`);
    }
    if (now.getTime() - lastSeen >= TOUCH_EVERY_MS) await touchSession(ctx.db, row.id, now.toISOString());
  }
  return { id: row.id, subjectId: row.subject_id, key: openKeyForSession<K>(row.sealed_key, token) };
}

export async function endSession(ctx: AppContext, cookieValue: string | undefined): Promise<string | null> {
  const token = cookieValue ? parseSessionToken(cookieValue) : null;
  if (!token) return null;
  const row = await findSession(ctx.db, token.id);
  if (!row || !sessionSecretMatches(token.secret, row.secret_hash)) return null;
  await deleteSession(ctx.db, row.id);
  return row.subject_id;
}
