import { z } from 'zod';

export const REPORT_CATEGORIES = [
  'sexual-assault',
  'sexual-harassment',
  'harassment',
  'discrimination',
  'bullying',
  'retaliation',
  'violence-threats',
  'fraud',
  'health-safety',
  'other',
] as const;

/** A long account must fit: an 8,000-word account is about 60,000 characters. */
export const NARRATIVE_MAX = 100_000;

export const SubmitReportBody = z
  .strictObject({
    channel: z.string().min(1).max(64).optional().describe('Channel slug; `general` when left out.'),
    category: z.enum(REPORT_CATEGORIES),
    narrative: z.string().trim().min(1, 'please tell us what happened').max(NARRATIVE_MAX),
    occurredAt: z.string().trim().max(200).optional().describe('When it happened: a date, a range or "around ..."'),
    location: z.string().trim().max(1000).optional(),
    anonymity: z.enum(['anonymous', 'confidential', 'named']),
    identity: z
      .strictObject({
        name: z.string().trim().min(1).max(200),
        email: z.email().max(320).optional(),
        phone: z.string().trim().max(50).optional(),
      })
      .optional(),
  })
  .superRefine((report, issues) => {
    if (report.anonymity === 'anonymous' && report.identity !== undefined) {
      issues.addIssue({ code: 'custom', path: ['identity'], message: 'leave identity out of an anonymous report' });
    }
    if (report.anonymity !== 'anonymous' && report.identity === undefined) {
      issues.addIssue({ code: 'custom', path: ['identity'], message: `a ${report.anonymity} report needs a name` });
    }
  })
  .meta({ id: 'SubmitReportBody' });
export type SubmitReport = z.infer<typeof SubmitReportBody>;

export const SubmitReportResponse = z
  .object({
    receipt: z.string().describe('Shown once. 20 digits in groups of four; cannot be recovered.'),
    caseRef: z.string(),
    acknowledgeBy: z.iso.datetime(),
    feedbackBy: z.iso.datetime(),
  })
  .meta({ id: 'SubmitReportResponse' });
