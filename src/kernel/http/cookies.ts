import type { FastifyReply } from 'fastify';
import type { AppContext } from '../context.js';

export const STAFF_COOKIE = 'candor_staff';
export const REPORTER_COOKIE = 'candor_reporter';

/** Session cookies: HttpOnly, SameSite=Strict (no cross-site requests carry them), Secure behind TLS. */
export function setSessionCookie(reply: FastifyReply, ctx: AppContext, name: string, session: { token: string; expiresAt: Date }): void {
  reply.setCookie(name, session.token, {
    path: '/',
    httpOnly: true,
    sameSite: 'strict',
    secure: ctx.config.session.secureCookies,
    expires: session.expiresAt,
  });
}

export function clearSessionCookie(reply: FastifyReply, name: string): void {
  reply.clearCookie(name, { path: '/' });
}
