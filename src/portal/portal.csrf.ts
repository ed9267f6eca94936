/**
 * CSRF protection without a cookie: every portal form carries a token signed with the
 * installation's form secret, naming the form's purpose, when it was issued, and (once signed in)
 * the session it belongs to. Cross-site posts are also refused by their Origin / Sec-Fetch-Site.
 */
import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../kernel/context.js';
import { signToken, tokenSignatureMatches } from '../kernel/crypto.js';
import type { Db } from '../kernel/database.js';

const TOKEN_LIFETIME_MS = 12 * 60 * 60_000;
const secrets = new WeakMap<Db, Promise<Buffer>>();

function formSecret(db: Db): Promise<Buffer> {
  let secret = secrets.get(db);
  if (!secret) {
    secret = db
      .selectFrom('settings')
      .select('value')
      .where('key', '=', 'form_secret')
      .executeTakeFirstOrThrow()
      .then((row) => Buffer.from(row.value, 'base64'));
    secret.catch(() => secrets.delete(db));
    secrets.set(db, secret);
  }
  return secret;
}

export type FormPurpose = 'report' | 'followup' | 'case' | 'escrow' | 'escrow-return' | 'escrow-entry';

const statement = (purpose: FormPurpose, issuedAt: number, sessionId: string) => `${purpose}|${issuedAt}|${sessionId}`;

export async function issueFormToken(ctx: AppContext, purpose: FormPurpose, sessionId = ''): Promise<string> {
  const issuedAt = ctx.clock.now().getTime();
  return `${issuedAt}.${signToken(await formSecret(ctx.db), statement(purpose, issuedAt, sessionId))}`;
}

export async function formTokenIsValid(ctx: AppContext, token: unknown, purpose: FormPurpose, sessionId = ''): Promise<boolean> {
  if (typeof token !== 'string') return false;
  const match = /^(\d{1,15})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!match) return false;
  const issuedAt = Number(match[1]);
  const age = ctx.clock.now().getTime() - issuedAt;
  if (age < 0 || age > TOKEN_LIFETIME_MS) return false;
  return tokenSignatureMatches(await formSecret(ctx.db), statement(purpose, issuedAt, sessionId), match[2]!);
}

/** A browser says where a request came from; a post from another site is refused outright. */
export function isCrossSite(request: FastifyRequest): boolean {
  const site = request.headers['sec-fetch-site'];
  if (site === 'cross-site' || site === 'same-site') return true;
  const origin = request.headers.origin;
  if (typeof origin === 'string' && origin !== 'null') {
    try {
      return new URL(origin).host !== request.headers.host;
    } catch {
      return true;
    }
  }
  return false;
}
