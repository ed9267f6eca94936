/**
 * Protected persons: the reporter (confidential or named, when found in the directory),
 * witnesses and supporters. Each protection is one row keyed by an HMAC of the employee id under
 * the server's protection key, with the end of its window in the clear and the case it stands
 * for sealed under that key. The pre-action check reads only this table, with one indexed lookup
 * whatever the answer, and says only whether clearance is required.
 */
import { randomUUID } from 'node:crypto';
import { recordAudit } from '../audit/audit.service.js';
import { addCalendarDays } from '../clocks/clock.rules.js';
import type { HrSystemPrincipal } from '../identity/api-token.service.js';
import { tokenActor } from '../identity/api-token.service.js';
import { inTransaction, type AppContext } from '../kernel/context.js';
import { openProtectionReference, protectedPersonTag, sealProtectionReference } from '../kernel/crypto.js';
import type { Queryable, Tx } from '../kernel/database.js';
import { findProtections, insertProtectedPerson } from './protection.repository.js';
import { protectionKey } from './protection.key.js';

export type ProtectedRole = 'reporter' | 'witness' | 'supporter';

export interface ProtectionReference {
  caseId: string;
  role: ProtectedRole;
  partyId: string | null;
}

/** Makes an employee a protected person for a case, from `at` for the configured window. */
export async function protectEmployee(tx: Tx, ctx: AppContext, input: { caseId: string; employeeId: string; role: ProtectedRole; partyId: string | null; at: Date }): Promise<void> {
  const key = protectionKey(ctx.config);
  const id = randomUUID();
  const reference: ProtectionReference = { caseId: input.caseId, role: input.role, partyId: input.partyId };
  await insertProtectedPerson(tx, {
    id,
    tag: protectedPersonTag(key, input.employeeId),
    window_ends_at: addCalendarDays(input.at, ctx.config.protection.windowDays).toISOString(),
    reference_sealed: sealProtectionReference(key, id, JSON.stringify(reference)),
    created_at: input.at.toISOString(),
  });
}

/** The cases (and roles) an employee is protected for now. Server-side only: it opens the sealed references. */
export async function activeProtections(db: Queryable, ctx: AppContext, employeeId: string, now: Date): Promise<ProtectionReference[]> {
  const key = protectionKey(ctx.config);
  const rows = await findProtections(db, protectedPersonTag(key, employeeId), now.toISOString());
  return rows.map((row) => JSON.parse(openProtectionReference(key, row.id, row.reference_sealed)) as ProtectionReference);
}

/**
 * The pre-action check: `{clearanceRequired}` and nothing else. The same work is done whatever
 * the answer (one HMAC, one indexed lookup, one audit entry that names neither the employee nor
 * the answer), so neither the body nor the time it takes hints at a case.
 */
export async function checkClearance(ctx: AppContext, principal: HrSystemPrincipal, input: { employeeId: string; type: string }): Promise<{ clearanceRequired: boolean }> {
  const at = ctx.clock.now();
  const key = protectionKey(ctx.config);
  const tag = protectedPersonTag(key, input.employeeId);
  return inTransaction(ctx, async (tx) => {
    const rows = await findProtections(tx, tag, at.toISOString());
    await recordAudit(tx, ctx.dialect, at, { actor: tokenActor(principal), action: 'hr.check', details: { type: input.type } });
    return { clearanceRequired: rows.length > 0 };
  });
}
