/**
 * CSRF protection for the setup and enrolment forms, as the portal does it: a token signed with the
 * installation's form secret names the form, when it was issued and (once signed in) the session.
 * Tokens are marked as setup tokens, so a portal token is never accepted here, nor the reverse.
 */
import type { FastifyRequest } from 'fastify';
import { readSetting } from '../identity/settings.repository.js';
import type { AppContext } from '../kernel/context.js';
import { signToken, tokenSignatureMatches } from '../kernel/crypto.js';
import { isCrossSite } from '../portal/portal.csrf.js';

const TOKEN_LIFETIME_MS = 12 * 60 * 60_000;

export type SetupFormPurpose = 'setup-admin' | 'setup-channel' | 'setup-people' | 'enrol';

async function formSecret(ctx: AppContext): Promise<Buffer> {
  const value = await readSetting(ctx.db, 'form_secret');
  if (!value) throw new Error('form_secret is missing: the database was not migrated');
  return Buffer.from(value, 'base64');
}

const statement = (purpose: SetupFormPurpose, issuedAt: number, binding: string) => `setup|${purpose}|${issuedAt}|${binding}`;

/** `binding` ties the form to what it acts on: the session, or the one-time link's token. */
export async function issueSetupFormToken(ctx: AppContext, purpose: SetupFormPurpose, binding: string): Promise<string> {
  const issuedAt = ctx.clock.now().getTime();
  return `${issuedAt}.${signToken(await formSecret(ctx), statement(purpose, issuedAt, binding))}`;
}

export async function setupFormTokenIsValid(ctx: AppContext, request: FastifyRequest, token: unknown, purpose: SetupFormPurpose, binding: string): Promise<boolean> {
  if (isCrossSite(request) || typeof token !== 'string') return false;
  const match = /^(\d{1,15})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!match) return false;
  const issuedAt = Number(match[1]);
  const age = ctx.clock.now().getTime() - issuedAt;
  if (age < 0 || age > TOKEN_LIFETIME_MS) return false;
  return tokenSignatureMatches(await formSecret(ctx), statement(purpose, issuedAt, binding), match[2]!);
}
