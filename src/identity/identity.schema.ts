import { z } from 'zod';

export const STAFF_ROLES = ['admin', 'handler', 'oversight', 'analyst', 'counselor'] as const;
export const StaffRoleSchema = z.enum(STAFF_ROLES);

export const PasswordSchema = z
  .string()
  .min(12, 'must be at least 12 characters')
  .max(1024, 'must be at most 1024 characters');

export const EmailSchema = z.string().trim().toLowerCase().pipe(z.email('must be an e-mail address').max(320));

export const NewUserSchema = z.strictObject({
  email: EmailSchema,
  name: z.string().trim().min(1, 'is required').max(200),
  role: StaffRoleSchema,
  password: PasswordSchema,
  channel: z.string().optional(),
});
export type NewUser = z.infer<typeof NewUserSchema>;

export const LoginBody = z
  .strictObject({
    email: z.string().trim().toLowerCase().max(320),
    password: z.string().max(1024),
  })
  .meta({ id: 'LoginBody' });

export const StaffMe = z
  .object({ id: z.string(), email: z.string(), name: z.string(), role: StaffRoleSchema })
  .meta({ id: 'StaffUser' });

export const ChangePasswordBody = z
  .strictObject({ currentPassword: z.string().max(1024), newPassword: PasswordSchema })
  .meta({ id: 'ChangePasswordBody' });
