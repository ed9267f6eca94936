import { z } from 'zod';

export const NotifyEmailBody = z
  .strictObject({ email: z.email().max(320).describe('Where to send content-free notices ("there is news about your report")') })
  .meta({ id: 'NotifyEmailBody' });

export const NotifyEmail = z.object({ notifyEmail: z.string().nullable() }).meta({ id: 'NotifyEmail' });

export const ReporterMilestone = z.object({
  promisedBy: z.string(),
  status: z.enum(['met', 'late', 'pending']),
  doneAt: z.string().nullable(),
});

export const ReporterMilestones = z
  .object({ acknowledge: ReporterMilestone.nullable(), feedback: ReporterMilestone.nullable(), escalated: z.boolean() })
  .meta({ id: 'ReporterMilestones' });
