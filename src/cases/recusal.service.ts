/**
 * A handler recuses: their copy of the case key is destroyed (the case_access row deleted) in an
 * audited transaction, with the reason left as a sealed note for whoever still holds the case.
 * If nobody else could read it, oversight's standby keys become active first; if there is nobody
 * at all, the recusal is refused, because a case must never be left that nobody can read.
 */
import { randomUUID } from 'node:crypto';
import { recordAudit } from '../audit/audit.service.js';
import type { StaffPrincipal } from '../identity/identity.service.js';
import { inTransaction, type AppContext } from '../kernel/context.js';
import { Conflict } from '../kernel/errors.js';
import { sealCaseText } from './case.content.js';
import { insertNote } from './lifecycle.repository.js';
import { openForWork } from './lifecycle.service.js';

export async function recuseFromCase(ctx: AppContext, principal: StaffPrincipal, caseId: string, reason: string) {
  const at = ctx.clock.now();
  return inTransaction(ctx, async (tx) => {
    const { caseKey } = await openForWork(tx, principal, caseId);
    const others = await tx.selectFrom('case_access').select(['user_id', 'active', 'grant_kind']).where('case_id', '=', caseId).where('user_id', '!=', principal.userId).execute();
    let activated = 0;
    if (!others.some((holder) => holder.active === 1)) {
      const standby = others.filter((holder) => holder.grant_kind === 'oversight');
      if (standby.length === 0) throw new Conflict('last_reader', 'Nobody else can read this case; ask oversight or an admin to add someone before recusing.');
      await tx.updateTable('case_access').set({ active: 1 }).where('case_id', '=', caseId).where('grant_kind', '=', 'oversight').execute();
      activated = standby.length;
    }
    const noteId = randomUUID();
    await insertNote(tx, { id: noteId, case_id: caseId, author_id: principal.userId, body_sealed: sealCaseText(caseKey, caseId, 'note', `Recused: ${reason}`), created_at: at.toISOString() });
    await tx.deleteFrom('case_access').where('case_id', '=', caseId).where('user_id', '=', principal.userId).execute();
    await tx.updateTable('cases').set({ assignee_id: null }).where('id', '=', caseId).where('assignee_id', '=', principal.userId).execute();
    await recordAudit(tx, ctx.dialect, at, { actor: { type: 'staff', id: principal.userId }, action: 'case.recuse', caseId, targetId: principal.userId, details: { oversightActivated: activated } });
    ctx.logger.info({ caseId, op: 'case.recuse' }, 'key copy destroyed');
    return { id: caseId, recused: true, oversightActivated: activated };
  });
}
