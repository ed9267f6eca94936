/** The admin user-management API's shapes; the console imports these too. */
import { z } from 'zod';
import { ChannelSlug } from '../channels/channel.schema.js';
import { EmailSchema, StaffNameSchema, StaffRoleSchema } from '../identity/identity.schema.js';

export const USER_STATUSES = ['active', 'invited', 'disabled'] as const;

export const AdminUser = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    role: StaffRoleSchema,
    channels: z.array(z.string()).describe('Slugs of the channels whose reports this person receives (handlers)'),
    status: z.enum(USER_STATUSES).describe('invited: has not chosen a password yet (no key pair yet)'),
    totpEnabled: z.boolean(),
    lockedUntil: z.string().nullable().describe('Set while the account is locked after failed sign-ins'),
    createdAt: z.string(),
    lastLoginAt: z.string().nullable(),
    invitationExpiresAt: z.string().nullable().describe('For invited people: when their enrolment link stops working'),
  })
  .meta({ id: 'AdminUser' });
export type AdminUser = z.infer<typeof AdminUser>;

export const AdminUserList = z.object({ items: z.array(AdminUser) }).meta({ id: 'AdminUserList' });

export const CreateUserBody = z
  .strictObject({
    email: EmailSchema,
    name: StaffNameSchema,
    role: StaffRoleSchema,
    channels: z.array(ChannelSlug).max(100).optional().describe('Channel slugs (for handlers)'),
  })
  .meta({ id: 'CreateUserBody' });

export const UpdateUserBody = z
  .strictObject({
    name: StaffNameSchema.optional(),
    role: StaffRoleSchema.optional(),
    channels: z.array(ChannelSlug).max(100).optional().describe('Replaces the channel list'),
    disabled: z.boolean().optional().describe('Disabling signs the person out everywhere; their keys stay, so enabling again restores access'),
  })
  .meta({ id: 'UpdateUserBody' });

export const Enrolment = z
  .object({
    user: AdminUser,
    enrolmentUrl: z.string().describe('One-time link for the person to choose their password; pass it on privately. Shown once.'),
    enrolmentExpiresAt: z.string(),
  })
  .meta({ id: 'Enrolment' });

export const UserIdParams = z.strictObject({ id: z.uuid() });

export const SecuritySettings = z
  .strictObject({ totpRequired: z.boolean().describe('Every staff member must sign in with a second factor') })
  .meta({ id: 'SecuritySettings' });
