import { route } from '../kernel/http/route.js';
import { STAFF_COOKIE, clearSessionCookie, setSessionCookie } from '../kernel/http/cookies.js';
import {
  ChangePasswordBody,
  LoginBody,
  RecoveryCodes,
  StaffMe,
  TotpConfirmBody,
  TotpDisableBody,
  TotpEnrolment,
} from './identity.schema.js';
import { changePassword, getStaffProfile, logoutEverywhere, logoutStaff } from './identity.service.js';
import { loginStaff } from './login.service.js';
import { loginThrottleFor } from './login.throttle.js';
import { confirmTotpEnrolment, disableTotp, regenerateRecoveryCodes, startTotpEnrolment } from './totp.service.js';

const secondFactorErrors = [
  { status: 400, code: 'bad_totp' },
  { status: 400, code: 'totp_reused' },
] as const;

export const identityRoutes = [
  route({
    method: 'POST',
    url: '/api/v1/auth/login',
    summary: 'Staff sign-in; sets the staff session cookie. With a second factor set up, send `totp` or `recoveryCode` too',
    tags: ['staff'],
    auth: 'public',
    body: LoginBody,
    response: StaffMe,
    errors: [
      { status: 401, code: 'bad_credentials' },
      { status: 401, code: 'totp_required' },
      { status: 401, code: 'bad_totp' },
      { status: 401, code: 'totp_reused' },
      { status: 401, code: 'bad_recovery_code' },
      { status: 423, code: 'account_locked' },
      { status: 429, code: 'too_many_attempts' },
    ],
    handler: async ({ ctx, body, request, reply }) => {
      const result = await loginStaff(ctx, body, loginThrottleFor(ctx, request.ip));
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
    allowWithoutSecondFactor: true,
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
    allowWithoutSecondFactor: true,
    response: StaffMe,
    handler: ({ ctx, principal }) => getStaffProfile(ctx, principal.userId),
  }),
  route({
    method: 'POST',
    url: '/api/v1/auth/password',
    summary: 'Change the password (re-wraps the private key; cases are not re-encrypted)',
    tags: ['staff'],
    auth: 'staff',
    allowWithoutSecondFactor: true,
    body: ChangePasswordBody,
    status: 204,
    errors: [{ status: 401, code: 'bad_credentials' }],
    handler: async ({ ctx, principal, body }) => {
      await changePassword(ctx, principal, body.currentPassword, body.newPassword);
      return null;
    },
  }),
  route({
    method: 'POST',
    url: '/api/v1/auth/totp/enrol',
    summary: 'Start setting up a second factor: a new secret as a QR code and as text (replaces an unfinished set-up)',
    tags: ['staff'],
    auth: 'staff',
    allowWithoutSecondFactor: true,
    response: TotpEnrolment,
    errors: [{ status: 409, code: 'totp_already_enabled' }],
    handler: ({ ctx, principal }) => startTotpEnrolment(ctx, principal),
  }),
  route({
    method: 'POST',
    url: '/api/v1/auth/totp/confirm',
    summary: 'Finish setting up the second factor with a code from the app; answers ten single-use recovery codes, shown once',
    tags: ['staff'],
    auth: 'staff',
    allowWithoutSecondFactor: true,
    body: TotpConfirmBody,
    response: RecoveryCodes,
    errors: [
      { status: 400, code: 'bad_totp' },
      { status: 409, code: 'totp_not_started' },
      { status: 409, code: 'totp_already_enabled' },
    ],
    handler: ({ ctx, principal, body }) => confirmTotpEnrolment(ctx, principal, body.code),
  }),
  route({
    method: 'POST',
    url: '/api/v1/auth/totp/recovery-codes',
    summary: 'Replace the recovery codes with ten new ones, against a current code',
    tags: ['staff'],
    auth: 'staff',
    body: TotpConfirmBody,
    response: RecoveryCodes,
    errors: [...secondFactorErrors, { status: 409, code: 'totp_not_enabled' }],
    handler: ({ ctx, principal, body }) => regenerateRecoveryCodes(ctx, principal, body.code),
  }),
  route({
    method: 'POST',
    url: '/api/v1/auth/totp/disable',
    summary: 'Turn the second factor off, with the password and a current code or a recovery code',
    tags: ['staff'],
    auth: 'staff',
    body: TotpDisableBody,
    status: 204,
    errors: [
      { status: 401, code: 'bad_credentials' },
      ...secondFactorErrors,
      { status: 400, code: 'bad_recovery_code' },
      { status: 409, code: 'totp_not_enabled' },
      { status: 423, code: 'account_locked' },
    ],
    handler: async ({ ctx, principal, body }) => {
      await disableTotp(ctx, principal, { password: body.password, totp: body.code, recoveryCode: body.recoveryCode });
      return null;
    },
  }),
];
