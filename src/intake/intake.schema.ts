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

export const SAFETY_ANSWERS = ['yes', 'no', 'unsure', 'rather-not-say'] as const;

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
    subjects: z
      .array(
        z.strictObject({
          name: z.string().trim().min(1).max(200),
          organisation: z.string().trim().max(200).optional().describe('For people outside the company, e.g. a client'),
          relationship: z.string().trim().max(200).optional().describe("Their relationship to the reporter, e.g. 'my manager'"),
          email: z.email().max(320).optional().describe('Their work address, if known: matched against the directory and staff to keep the report from them'),
        }),
      )
      .max(20)
      .optional()
      .describe('Who did it: one or more people, inside or outside the company'),
    witnesses: z
      .array(z.strictObject({ name: z.string().trim().min(1).max(200), contact: z.string().trim().max(200).optional() }))
      .max(20)
      .optional(),
    excluded: z
      .array(z.strictObject({ name: z.string().trim().min(1).max(200), email: z.email().max(320).optional() }))
      .max(20)
      .optional()
      .describe('People who must not see this report: matched against staff and the directory (every match is excluded)'),
    supporters: z
      .array(z.strictObject({ name: z.string().trim().min(1).max(200), contact: z.string().trim().max(200).optional() }))
      .max(50)
      .optional()
      .describe('People who stood by the reporter: protected against retaliation like witnesses'),
    outcome: z.string().trim().max(20_000).optional().describe('What the reporter would like to happen'),
    safeNow: z.enum(SAFETY_ANSWERS).optional(),
    questionnaireVersion: z.number().int().min(0).optional().describe('The questionnaire version the answers were given under'),
    answers: z
      .record(z.string().max(40), z.string().max(20_000))
      .refine((answers) => Object.keys(answers).length <= 40, 'too many answers')
      .optional()
      .describe("Answers to the channel's custom questions, by question id"),
    identity: z
      .strictObject({
        name: z.string().trim().min(1).max(200),
        email: z.email().max(320).optional(),
        phone: z.string().trim().max(50).optional(),
      })
      .optional(),
    notifyEmail: z
      .email()
      .max(320)
      .optional()
      .describe('An address for content-free notices only ("there is news about your report"); kept apart from the report, sealed under a server key'),
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
