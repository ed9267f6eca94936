import { route } from '../kernel/http/route.js';
import { baseUrlFromRequest } from '../setup/links.js';
import { AdminUser, AdminUserList, CreateUserBody, Enrolment, SecuritySettings, UpdateUserBody, UserIdParams } from './admin.schema.js';
import {
  getSecuritySettings,
  inviteUserAsAdmin,
  listStaffForAdmin,
  reissueEnrolmentAsAdmin,
  setSecuritySettings,
  unlockUserAsAdmin,
  updateUserAsAdmin,
  withdrawInvitationAsAdmin,
} from './admin.service.js';

const adminOnly = { status: 403, code: 'admin_only' } as const;
const notFound = { status: 404, code: 'user_not_found' } as const;

export const adminRoutes = [
  route({
    method: 'GET',
    url: '/api/v1/admin/users',
    summary: 'Staff accounts and open invitations (admin)',
    tags: ['admin'],
    auth: 'staff',
    response: AdminUserList,
    errors: [adminOnly],
    handler: async ({ ctx, principal }) => ({ items: await listStaffForAdmin(ctx, principal) }),
  }),
  route({
    method: 'POST',
    url: '/api/v1/admin/users',
    summary: 'Invite a staff member: answers a one-time link for them to choose their password (admin)',
    tags: ['admin'],
    auth: 'staff',
    body: CreateUserBody,
    status: 201,
    response: Enrolment,
    errors: [adminOnly, { status: 409, code: 'email_taken' }, { status: 400, code: 'unknown_channel' }],
    handler: ({ ctx, principal, body, request }) => inviteUserAsAdmin(ctx, principal, body, baseUrlFromRequest(ctx.config, request)),
  }),
  route({
    method: 'PATCH',
    url: '/api/v1/admin/users/:id',
    summary: "Change a staff member's name, role, channels, or disable them (admin)",
    tags: ['admin'],
    auth: 'staff',
    params: UserIdParams,
    body: UpdateUserBody,
    response: AdminUser,
    errors: [
      adminOnly,
      notFound,
      { status: 400, code: 'unknown_channel' },
      { status: 409, code: 'holds_case_keys' },
      { status: 409, code: 'last_admin' },
      { status: 409, code: 'cannot_disable_self' },
      { status: 409, code: 'user_not_enrolled' },
    ],
    handler: ({ ctx, principal, params, body }) => updateUserAsAdmin(ctx, principal, params.id, body),
  }),
  route({
    method: 'DELETE',
    url: '/api/v1/admin/users/:id',
    summary: 'Withdraw an invitation that was not accepted yet (accounts are disabled, never deleted) (admin)',
    tags: ['admin'],
    auth: 'staff',
    params: UserIdParams,
    status: 204,
    errors: [adminOnly, notFound, { status: 409, code: 'user_enrolled' }],
    handler: async ({ ctx, principal, params }) => {
      await withdrawInvitationAsAdmin(ctx, principal, params.id);
      return null;
    },
  }),
  route({
    method: 'POST',
    url: '/api/v1/admin/users/:id/unlock',
    summary: 'Lift a lock-out after failed sign-ins (admin)',
    tags: ['admin'],
    auth: 'staff',
    params: UserIdParams,
    response: AdminUser,
    errors: [adminOnly, notFound],
    handler: ({ ctx, principal, params }) => unlockUserAsAdmin(ctx, principal, params.id),
  }),
  route({
    method: 'POST',
    url: '/api/v1/admin/users/:id/enrolment',
    summary: 'A new enrolment link for someone invited who has not enrolled yet; the old link stops working (admin)',
    tags: ['admin'],
    auth: 'staff',
    params: UserIdParams,
    response: Enrolment,
    errors: [adminOnly, notFound],
    handler: ({ ctx, principal, params, request }) => reissueEnrolmentAsAdmin(ctx, principal, params.id, baseUrlFromRequest(ctx.config, request)),
  }),
  route({
    method: 'GET',
    url: '/api/v1/admin/security',
    summary: 'Sign-in rules for staff (admin)',
    tags: ['admin'],
    auth: 'staff',
    response: SecuritySettings,
    errors: [adminOnly],
    handler: ({ ctx, principal }) => getSecuritySettings(ctx, principal),
  }),
  route({
    method: 'PUT',
    url: '/api/v1/admin/security',
    summary: 'Set the sign-in rules for staff, e.g. require a second factor of everyone (admin)',
    tags: ['admin'],
    auth: 'staff',
    body: SecuritySettings,
    response: SecuritySettings,
    errors: [adminOnly, { status: 409, code: 'enrol_first' }],
    handler: ({ ctx, principal, body }) => setSecuritySettings(ctx, principal, body),
  }),
];
