/** Parties, due process, recusal and retaliation-review shapes; the console imports these too. */
import { z } from 'zod';

export const PARTY_KINDS = ['subject', 'witness', 'supporter'] as const;

export const PartyBody = z
  .strictObject({
    kind: z.enum(PARTY_KINDS),
    name: z.string().trim().min(1).max(200),
    employeeId: z.string().trim().min(1).max(100).optional().describe('Their directory entry: a witness or supporter in the directory becomes a protected person'),
    organisation: z.string().trim().max(200).optional().describe('For people outside the company'),
    relationship: z.string().trim().max(200).optional(),
    contact: z.string().trim().max(200).optional(),
  })
  .meta({ id: 'PartyBody' });

export const CaseParty = z
  .object({
    id: z.string(),
    kind: z.enum(PARTY_KINDS),
    name: z.string(),
    organisation: z.string().nullable(),
    relationship: z.string().nullable(),
    contact: z.string().nullable(),
    employeeId: z.string().nullable(),
    matchedEmployeeIds: z.array(z.string()).describe('Every directory entry the name matched at intake; more than one: ambiguous'),
    source: z.enum(['reporter', 'handler']),
    protectedUntil: z.string().nullable(),
    addedBy: z.string().nullable(),
    at: z.string(),
  })
  .meta({ id: 'CaseParty' });

export const RecuseBody = z.strictObject({ reason: z.string().trim().min(1, 'record why').max(5000) }).meta({ id: 'RecuseBody' });

export const SubjectNoticeBody = z
  .strictObject({
    partyId: z.uuid().optional().describe('The subject (a party of the case) who was told'),
    toldAt: z.iso.datetime(),
    what: z.string().trim().min(1).max(20_000).describe('What the subject was told: the allegations as put to them'),
  })
  .meta({ id: 'SubjectNoticeBody' });

export const SubjectResponseBody = z
  .strictObject({
    partyId: z.uuid().optional(),
    receivedAt: z.iso.datetime().optional(),
    text: z.string().trim().min(1).max(100_000),
    attachmentIds: z.array(z.uuid()).max(20).optional().describe('Files uploaded to the case (POST /cases/:id/attachments) that belong to the response'),
  })
  .meta({ id: 'SubjectResponseBody' });

export const OutcomeBody = z
  .strictObject({
    outcome: z.string().trim().min(1).max(20_000),
    sanctions: z.array(z.string().trim().min(1).max(500)).max(20).optional(),
  })
  .meta({ id: 'OutcomeBody' });

export const SubjectAppealBody = z
  .strictObject({ partyId: z.uuid().optional(), reason: z.string().trim().min(1).max(20_000) })
  .meta({ id: 'SubjectAppealBody' });

const DirectoryMatch = z.object({ employeeId: z.string(), name: z.string(), department: z.string().nullable() });

export const RoutingView = z
  .object({
    chainDepth: z.number(),
    routedTo: z.enum(['handlers', 'oversight']),
    subjects: z.array(z.object({ name: z.string(), matches: z.array(DirectoryMatch) })),
    mustNotSee: z.array(z.object({ name: z.string(), employees: z.array(DirectoryMatch), staff: z.number() })),
    excluded: z.array(z.object({ name: z.string(), reasons: z.array(z.string()) })),
  })
  .meta({ id: 'RoutingView' });

export const DueProcessView = z
  .object({
    standardOfProof: z.string(),
    appealWindowDays: z.number(),
    appealOpenUntil: z.string().nullable(),
    notices: z.array(z.object({ id: z.string(), partyId: z.string().nullable(), toldAt: z.string(), what: z.string(), recordedBy: z.string(), at: z.string() })),
    responses: z.array(z.object({ id: z.string(), partyId: z.string().nullable(), receivedAt: z.string(), text: z.string(), attachmentIds: z.array(z.string()), recordedBy: z.string(), at: z.string() })),
    outcomes: z.array(z.object({ id: z.string(), outcome: z.string(), sanctions: z.array(z.string()), recordedBy: z.string(), at: z.string() })),
    appeals: z.array(z.object({ id: z.string(), partyId: z.string().nullable(), reason: z.string(), recordedBy: z.string(), at: z.string() })),
  })
  .meta({ id: 'DueProcessView' });

export const ReviewView = z
  .object({
    hrEventId: z.string(),
    employeeId: z.string(),
    type: z.string(),
    effectiveAt: z.string().nullable(),
    status: z.enum(['recorded', 'flagged', 'cleared', 'upheld']),
    decidedAt: z.string().nullable(),
    links: z.array(z.object({ caseId: z.string(), ref: z.string(), role: z.string() })).describe('Linked cases the viewer can also read'),
    hiddenLinks: z.boolean().describe('Whether the review is linked to cases the viewer cannot read'),
  })
  .meta({ id: 'ReviewView' });

export const ReviewDecisionBody = z
  .strictObject({ outcome: z.enum(['cleared', 'upheld']).describe('cleared: the HR action is not retaliation; upheld: it is'), reasons: z.string().trim().min(1, 'give the reasons').max(20_000) })
  .meta({ id: 'ReviewDecisionBody' });

export const ReviewList = z
  .object({
    items: z.array(
      z.object({
        hrEventId: z.string(),
        caseId: z.string(),
        ref: z.string(),
        employeeId: z.string(),
        employeeName: z.string().nullable(),
        department: z.string().nullable(),
        type: z.string(),
        effectiveAt: z.string().nullable(),
        status: z.enum(['recorded', 'flagged', 'cleared', 'upheld']),
        caseStatus: z.string(),
        receivedAt: z.string(),
        decidedAt: z.string().nullable(),
        nextDeadlineAt: z.string().nullable(),
      }),
    ),
  })
  .meta({ id: 'ReviewList' });

export const ConflictBody = z
  .strictObject({ employeeId: z.string().trim().min(1).max(100), userId: z.uuid().optional().describe('Admin and oversight may record a conflict for someone else') })
  .meta({ id: 'ConflictBody' });

export const ConflictList = z
  .object({
    items: z.array(z.object({ id: z.string(), userId: z.string(), userName: z.string(), employeeId: z.string(), employeeName: z.string().nullable(), declaredBy: z.string(), createdAt: z.string() })),
  })
  .meta({ id: 'ConflictList' });

export const HrEventBody = z
  .strictObject({
    employeeId: z.string().trim().min(1).max(100),
    type: z.enum(['termination', 'demotion', 'pay_cut', 'transfer', 'negative_review', 'disciplinary_action', 'non_renewal']),
    effectiveAt: z.string().regex(/^\d{4}-\d{2}-\d{2}/, 'a date, YYYY-MM-DD').max(40).optional(),
    eventId: z.string().trim().min(1).max(200).optional().describe("The HR system's own id of the event: a repeated delivery is recognised"),
  })
  .meta({ id: 'HrEventBody' });

export const HrEventResult = z
  .object({ id: z.string(), clearanceRequired: z.boolean().describe('true: the event is flagged and held for oversight') })
  .meta({ id: 'HrEventResult' });

export const HrCheckBody = z
  .strictObject({ employeeId: z.string().trim().min(1).max(100), type: HrEventBody.shape.type })
  .meta({ id: 'HrCheckBody' });

export const HrCheckResult = z.object({ clearanceRequired: z.boolean() }).meta({ id: 'HrCheckResult' });
