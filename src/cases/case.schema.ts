import { z } from 'zod';
import { AttachmentSummary } from '../attachments/attachment.schema.js';

export const MESSAGE_MAX = 20_000;

export const MessageBody = z
  .strictObject({ body: z.string().trim().min(1, 'cannot be empty').max(MESSAGE_MAX) })
  .meta({ id: 'MessageBody' });

export const CaseListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});

export const CaseIdParams = z.strictObject({ id: z.uuid() });

export const CaseSummary = z
  .object({
    id: z.string(),
    ref: z.string(),
    status: z.string(),
    category: z.string(),
    receivedAt: z.string(),
    acknowledgeBy: z.string(),
    overdue: z.boolean(),
  })
  .meta({ id: 'CaseSummary' });

export const CaseList = z
  .object({ items: z.array(CaseSummary), nextCursor: z.string().nullable() })
  .meta({ id: 'CaseList' });

export const CaseMessage = z
  .object({ id: z.string(), from: z.enum(['reporter', 'handler']), body: z.string(), at: z.string() })
  .meta({ id: 'CaseMessage' });

export const CaseDetail = z
  .object({
    id: z.string(),
    ref: z.string(),
    channel: z.string(),
    status: z.string(),
    category: z.string(),
    anonymity: z.enum(['anonymous', 'confidential', 'named']),
    receivedAt: z.string(),
    acknowledgeBy: z.string(),
    acknowledgedAt: z.string().nullable(),
    feedbackBy: z.string(),
    overdue: z.boolean(),
    narrative: z.string(),
    occurredAt: z.string().nullable(),
    location: z.string().nullable(),
    subjects: z.array(z.object({ name: z.string(), organisation: z.string().nullable(), relationship: z.string().nullable() })),
    witnesses: z.array(z.object({ name: z.string(), contact: z.string().nullable() })),
    excluded: z.array(z.object({ name: z.string() })),
    outcome: z.string().nullable(),
    safeNow: z.string().nullable(),
    questionnaireVersion: z.number().nullable(),
    answers: z.array(z.object({ id: z.string(), question: z.string(), answer: z.string() })),
    reporter: z.object({ name: z.string(), email: z.string().nullable(), phone: z.string().nullable() }).nullable(),
    messages: z.array(CaseMessage),
    attachments: z.array(AttachmentSummary),
  })
  .meta({ id: 'CaseDetail' });
