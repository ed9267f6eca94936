import { z } from 'zod';
import { CASE_STATUSES, CLOSINGS, FINDINGS } from './case.rules.js';
import { AttachmentSummary } from '../attachments/attachment.schema.js';
import { CaseParty, DueProcessView, ReviewView, RoutingView } from './party.schema.js';

export const MESSAGE_MAX = 20_000;

export const MessageBody = z
  .strictObject({ body: z.string().trim().min(1, 'cannot be empty').max(MESSAGE_MAX) })
  .meta({ id: 'MessageBody' });

export const CaseListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
  status: z.enum(CASE_STATUSES).optional(),
  overdue: z.enum(['true', 'false']).optional(),
  channel: z.string().max(64).optional(),
  category: z.string().max(64).optional(),
  assignee: z.union([z.literal('me'), z.literal('none'), z.uuid()]).optional(),
  counts: z.enum(['true', 'false']).optional().describe('Also count the matching cases by status and overdue (a scan of all of them: ask once, not for every page)'),
});

export const TransitionBody = z
  .strictObject({
    to: z.enum(CASE_STATUSES),
    closing: z.enum(CLOSINGS).optional().describe('Required when closing: how the case ends'),
    reason: z.string().trim().min(1, 'record why').max(5000),
  })
  .meta({ id: 'TransitionBody' });

export const AllegationBody = z.strictObject({ summary: z.string().trim().min(1).max(5000) }).meta({ id: 'AllegationBody' });
export const FindingBody = z
  .strictObject({ finding: z.enum(FINDINGS), reasoning: z.string().trim().min(1, 'give the reasoning').max(20_000) })
  .meta({ id: 'FindingBody' });
export const NoteBody = z.strictObject({ body: z.string().trim().min(1).max(20_000) }).meta({ id: 'NoteBody' });
export const TaskBody = z
  .strictObject({ title: z.string().trim().min(1).max(500), ownerId: z.uuid().optional(), dueAt: z.iso.datetime().optional() })
  .meta({ id: 'TaskBody' });
export const TaskPatch = z.strictObject({ done: z.boolean() }).meta({ id: 'TaskPatch' });
export const AssignBody = z.strictObject({ assigneeId: z.uuid().nullable() }).meta({ id: 'AssignBody' });
export const AllegationParams = z.strictObject({ id: z.uuid(), allegationId: z.uuid() });
export const TaskParams = z.strictObject({ id: z.uuid(), taskId: z.uuid() });
export const AppealBody = z.strictObject({ reason: z.string().trim().min(1).max(20_000) }).meta({ id: 'AppealBody' });

export const CaseIdParams = z.strictObject({ id: z.uuid() });

export const CaseSummary = z
  .object({
    id: z.string(),
    ref: z.string(),
    status: z.string(),
    category: z.string(),
    receivedAt: z.string(),
    acknowledgeBy: z.string(),
    nextDeadlineAt: z.string().nullable(),
    channel: z.string(),
    assigneeId: z.string().nullable(),
    overdue: z.boolean(),
    kind: z.enum(['report', 'retaliation-review']),
  })
  .meta({ id: 'CaseSummary' });

export const CaseList = z
  .object({
    items: z.array(CaseSummary),
    nextCursor: z.string().nullable(),
    counts: z.object({ total: z.number(), overdue: z.number(), byStatus: z.record(z.string(), z.number()) }).nullable(),
  })
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
    kind: z.enum(['report', 'retaliation-review']),
    supporters: z.array(z.object({ name: z.string(), contact: z.string().nullable() })),
    parties: z.array(CaseParty),
    routing: RoutingView.nullable().describe('What conflict-of-interest routing matched and who it kept the case from'),
    dueProcess: DueProcessView,
    review: ReviewView.nullable().describe('For a retaliation review: the HR event and the linked cases the viewer may read'),
  })
  .meta({ id: 'CaseDetail' });
