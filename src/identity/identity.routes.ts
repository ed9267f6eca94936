import { route } from '../kernel/http/route.js';
import { STAFF_COOKIE, clearSessionCookie, setSessionCookie } from '../kernel/http/cookies.js';
import { Unauthenticated } from '../kernel/errors.js';
import { ChangePasswordBody, LoginBody, StaffMe } from './identity.schema.js';
import { changePassword, getStaffProfile, loginStaff, logoutEverywhere, logoutStaff } from './identity.service.js';

export const identityRoutes = [
  route({
    method: 'POST',
    url: '/api/v1/auth/login',
    summary: 'Staff sign-in; sets the staff session cookie',
    tags: ['staff'],
    auth: 'public',
    body: LoginBody,
    response: StaffMe,
    errors: [{ status: 401, code: 'bad_credentials' }],
    handler: async ({ ctx, body, reply }) => {
      const result = await loginStaff(ctx, body.email, body.password);
      if (!result) throw new Unauthenticated('bad_credentials', 'E-mail address or password is not right.');
      setSessionCookie(reply, ctx, STAFF_COOKIE, result.session);
      return result.user;
    },
  }),
  route({
    method: 'POST',
    url: '/api/v1/auth/logout',
    summary: 'Staff sign-out',
    tags: ['staff'],
    auth: 'public',
    status: 204,
    handler: async ({ ctx, request, reply }) => {
      await logoutStaff(ctx, request.cookies[STAFF_COOKIE]);
      clearSessionCookie(reply, STAFF_COOKIE);
      return null;
    },
  }),
  route({
    method: 'POST',
    url: '/api/v1/auth/logout-all',
    summary: 'Sign out of every session, on every device',
    tags: ['staff'],
    auth: 'staff',
    status: 204,
    handler: async ({ ctx, principal, reply }) => {
      await logoutEverywhere(ctx, principal);
      clearSessionCookie(reply, STAFF_COOKIE);
      return null;
    },
  }),
  route({
    method: 'GET',
    url: '/api/v1/auth/me',
    summary: 'The signed-in staff member',
    tags: ['staff'],
    auth: 'staff',
    response: StaffMe,
    handler: ({ ctx, principal }) => getStaffProfile(ctx, principal.userId),
  }),
  route({
    method: 'POST',
    url: '/api/v1/auth/password',
    summary: 'Change the password (re-wraps the private key; cases are not re-encrypted)',
    tags: ['staff'],
    auth: 'staff',
    body: ChangePasswordBody,
    status: 204,
    errors: [{ status: 401, code: 'bad_credentials' }],
    handler: async ({ ctx, principal, body }) => {
      await changePassword(ctx, principal, body.currentPassword, body.newPassword);
      return null;
    },
  }),
];
