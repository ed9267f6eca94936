import { z } from 'zod';

const isoTime = z.iso.datetime({ offset: true });
const caseIdOrRef = z.string().regex(/^([0-9a-f-]{36}|CN-[0-9A-Za-z]{4}-[0-9A-Za-z]{4})$/, 'must be a case id or reference');

export const AuditTrailQuery = z.strictObject({
  /** A staff member's id or sign-in address. */
  actor: z.string().trim().min(1).max(320).optional(),
  action: z.string().regex(/^[a-z0-9_.]+$/).max(60).optional(),
  caseId: z.uuid().optional(),
  from: isoTime.optional(),
  to: isoTime.optional(),
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const AuditEntry = z
  .object({
    seq: z.number(),
    at: z.string(),
    actorType: z.string(),
    actorId: z.string().nullable(),
    actorName: z.string().nullable(),
    action: z.string(),
    caseId: z.string().nullable(),
    caseRef: z.string().nullable(),
    targetId: z.string().nullable(),
    details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
    hash: z.string(),
  })
  .meta({ id: 'AuditEntry' });

export const AuditTrail = z.object({ items: z.array(AuditEntry), nextBefore: z.number().nullable() });
export const AuditHeadResponse = z.object({ head: z.object({ seq: z.number(), hash: z.string(), at: z.string() }).nullable() });

export const CaseRefParams = z.strictObject({ id: caseIdOrRef });
export const HoldParams = z.strictObject({ id: caseIdOrRef, holdId: z.uuid() });
export const ReasonBody = z.strictObject({ reason: z.string().trim().min(3).max(500) });
export const ExportBody = z.strictObject({ purpose: z.string().trim().min(3).max(300) });
export const ExportParams = z.strictObject({ exportId: z.uuid() });
export const ChannelParams = z.strictObject({ channel: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/) });
export const RetentionBody = z.strictObject({
  retainMonths: z.number().int().min(1).max(1200),
  allowWithdrawal: z.boolean().nullable().default(null),
});

export const CaseExport = z
  .object({
    id: z.string(),
    caseId: z.string(),
    purpose: z.string(),
    state: z.enum(['pending', 'approved', 'refused', 'downloaded']),
    requestedBy: z.string(),
    requestedAt: z.string(),
    decidedBy: z.string().nullable(),
    decidedAt: z.string().nullable(),
    downloadedAt: z.string().nullable(),
    expiresAt: z.string(),
    manifestSha256: z.string().nullable(),
  })
  .meta({ id: 'CaseExport' });

export const LegalHold = z.object({
  id: z.string(),
  reason: z.string(),
  setBy: z.string(),
  setAt: z.string(),
  liftedBy: z.string().nullable(),
  liftedAt: z.string().nullable(),
  liftReason: z.string().nullable(),
});

export const CaseRecords = z
  .object({
    caseId: z.string(),
    ref: z.string(),
    status: z.string(),
    closedAt: z.string().nullable(),
    retainMonths: z.number(),
    retainUntil: z.string().nullable(),
    withdrawnAt: z.string().nullable(),
    onHold: z.boolean(),
    holds: z.array(LegalHold),
    exports: z.array(CaseExport.omit({ caseId: true })),
  })
  .meta({ id: 'CaseRecords' });
