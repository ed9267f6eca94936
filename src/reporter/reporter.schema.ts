import { z } from 'zod';
import { AttachmentSummary } from '../attachments/attachment.schema.js';

export const ReporterSessionBody = z
  .strictObject({ receipt: z.string().max(100) })
  .meta({ id: 'ReporterSessionBody' });

export const ReporterCase = z
  .object({
    caseRef: z.string(),
    status: z.string(),
    receivedAt: z.string(),
    feedbackAt: z.string().nullable(),
    escalated: z.boolean().describe('The case went up to the next level because a promised date was missed'),
    closedAt: z.string().nullable(),
    appealUntil: z.string().nullable().describe('Until when the reporter may appeal a closed case'),
    acknowledgeBy: z.string(),
    acknowledgedAt: z.string().nullable(),
    feedbackBy: z.string(),
    messages: z.array(z.object({ from: z.enum(['reporter', 'handler']), body: z.string(), at: z.string() })),
    attachments: z.array(AttachmentSummary),
  })
  .meta({ id: 'ReporterCase' });
