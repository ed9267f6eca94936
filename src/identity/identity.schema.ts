import { z } from 'zod';

export const STAFF_ROLES = ['admin', 'handler', 'oversight', 'analyst', 'counselor'] as const;
export const StaffRoleSchema = z.enum(STAFF_ROLES);

export const PasswordSchema = z
  .string()
  .min(12, 'must be at least 12 characters')
  .max(1024, 'must be at most 1024 characters');

export const EmailSchema = z.string().trim().toLowerCase().pipe(z.email('must be an e-mail address').max(320));

export const StaffNameSchema = z.string().trim().min(1, 'is required').max(200);

export const NewUserSchema = z.strictObject({
  email: EmailSchema,
  name: StaffNameSchema,
  role: StaffRoleSchema,
  password: PasswordSchema,
  channel: z.string().optional(),
});
export type NewUser = z.infer<typeof NewUserSchema>;

const TotpCode = z.string().trim().max(20).describe('The six-digit code the authenticator app shows');
const RecoveryCode = z.string().trim().max(40).describe('One of the ten single-use recovery codes given at enrolment');

export const LoginBody = z
  .strictObject({
    email: z.string().trim().toLowerCase().max(320),
    password: z.string().max(1024),
    totp: TotpCode.optional(),
    recoveryCode: RecoveryCode.optional(),
  })
  .meta({ id: 'LoginBody' });
export type LoginInput = z.infer<typeof LoginBody>;

export const StaffMe = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    role: StaffRoleSchema,
    totpEnabled: z.boolean().describe('Whether this account signs in with a second factor'),
    totpRequired: z.boolean().describe('Whether an admin requires a second factor of all staff; with totpEnabled false, only enrolment is open'),
  })
  .meta({ id: 'StaffUser' });

export const ChangePasswordBody = z
  .strictObject({ currentPassword: z.string().max(1024), newPassword: PasswordSchema })
  .meta({ id: 'ChangePasswordBody' });

export const TotpEnrolment = z
  .object({
    otpauthUrl: z.string().describe('otpauth://totp/... for authenticator apps'),
    qrSvg: z.string().describe('The otpauth URL as a QR code, an SVG document'),
    qrDataUrl: z.string().describe('The same QR code as a data: URL, for an <img>'),
    secret: z.string().describe('The secret in base32, for typing in by hand'),
  })
  .meta({ id: 'TotpEnrolment' });

export const TotpConfirmBody = z.strictObject({ code: TotpCode }).meta({ id: 'TotpConfirmBody' });

export const RecoveryCodes = z
  .object({ recoveryCodes: z.array(z.string()).describe('Shown once; each signs in once in place of a code') })
  .meta({ id: 'RecoveryCodes' });

export const TotpDisableBody = z
  .strictObject({ password: z.string().max(1024), code: TotpCode.optional(), recoveryCode: RecoveryCode.optional() })
  .refine((body) => body.code !== undefined || body.recoveryCode !== undefined, { message: 'give a code or a recovery code', path: ['code'] })
  .meta({ id: 'TotpDisableBody' });
