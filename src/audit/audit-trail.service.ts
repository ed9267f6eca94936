/**
 * The audit trail for oversight: one case's entries (who opened, changed, exported what, when) and
 * the platform-wide trail filtered by person, action and date. Entries hold ids, counts, states and
 * hashes only, never content; reading the trail is itself audited.
 */
import type { StaffPrincipal } from '../identity/identity.service.js';
import { inTransaction, type AppContext } from '../kernel/context.js';
import { Forbidden, ValidationFailed } from '../kernel/errors.js';
import { listAuditTrail, type AuditTrailFilters } from './audit.repository.js';
import { auditHead, recordAudit } from './audit.service.js';

export interface AuditTrailQuery {
  actor?: string;
  action?: string;
  caseId?: string;
  from?: string;
  to?: string;
  before?: number;
  limit: number;
}

function requireOversight(principal: StaffPrincipal): void {
  if (principal.role !== 'oversight') throw new Forbidden('oversight_only', 'Only oversight can read the audit trail.');
}

export async function readAuditTrail(ctx: AppContext, principal: StaffPrincipal, query: AuditTrailQuery) {
  requireOversight(principal);
  if (query.from && query.to && query.from >= query.to) throw new ValidationFailed({ to: ['must be after from'] });
  const filters: AuditTrailFilters = { actorId: query.actor, action: query.action, caseId: query.caseId, from: query.from, to: query.to, beforeSeq: query.before };
  const at = ctx.clock.now();
  const rows = await inTransaction(ctx, async (tx) => {
    const page = await listAuditTrail(tx, filters, query.limit + 1);
    await recordAudit(tx, ctx.dialect, at, {
      actor: { type: 'staff', id: principal.userId },
      action: 'audit.read',
      caseId: query.caseId ?? null,
      details: { actor: query.actor ?? null, from: query.from ?? null, to: query.to ?? null, count: Math.min(page.length, query.limit) },
    });
    return page;
  });
  const items = rows.slice(0, query.limit).map((row) => ({
    seq: Number(row.seq),
    at: row.at,
    actorType: row.actor_type,
    actorId: row.actor_id,
    actorName: row.actor_name ?? null,
    action: row.action,
    caseId: row.case_id,
    caseRef: row.case_ref ?? row.disposed_ref ?? null,
    targetId: row.target_id,
    details: JSON.parse(row.details) as Record<string, string | number | boolean | null>,
    hash: row.hash,
  }));
  return { items, nextBefore: rows.length > query.limit ? items[items.length - 1]!.seq : null };
}

export async function readAuditHead(ctx: AppContext, principal: StaffPrincipal) {
  if (principal.role !== 'oversight' && principal.role !== 'admin') throw new Forbidden('oversight_only', 'Only oversight or an admin can read the audit head.');
  return { head: await auditHead(ctx.db) };
}
