/**
 * Standing declared conflicts: a staff member declares a conflict with an employee (a partner, a
 * close friend, a former report), or admin/oversight record one for them. At intake, anyone with a
 * declared conflict with a subject is excluded. The table links staff to employees, never to a case.
 */
import { randomUUID } from 'node:crypto';
import { recordAudit } from '../audit/audit.service.js';
import { findEmployee } from '../directory/directory.repository.js';
import type { StaffPrincipal } from '../identity/identity.service.js';
import { inTransaction, type AppContext } from '../kernel/context.js';
import { Conflict, Forbidden, NotFound, ValidationFailed } from '../kernel/errors.js';

const mayManageOthers = (principal: StaffPrincipal) => principal.role === 'admin' || principal.role === 'oversight';

export async function declareConflict(ctx: AppContext, principal: StaffPrincipal, input: { employeeId: string; userId?: string }) {
  const userId = input.userId ?? principal.userId;
  if (userId !== principal.userId && !mayManageOthers(principal)) throw new Forbidden('forbidden', 'Only admin or oversight can record a conflict for someone else.');
  const at = ctx.clock.now();
  return inTransaction(ctx, async (tx) => {
    if (!(await tx.selectFrom('users').select('id').where('id', '=', userId).executeTakeFirst())) throw new ValidationFailed({ userId: ['no such staff member'] });
    if (!(await findEmployee(tx, input.employeeId))) throw new ValidationFailed({ employeeId: ['no such employee in the directory'] });
    const existing = await tx.selectFrom('staff_conflicts').select('id').where('user_id', '=', userId).where('employee_id', '=', input.employeeId).executeTakeFirst();
    if (existing) throw new Conflict('conflict_exists', 'This conflict is recorded already.');
    const id = randomUUID();
    await tx.insertInto('staff_conflicts').values({ id, user_id: userId, employee_id: input.employeeId, declared_by: principal.userId, created_at: at.toISOString() }).execute();
    await recordAudit(tx, ctx.dialect, at, { actor: { type: 'staff', id: principal.userId }, action: 'conflict.declare', targetId: id, details: { userId } });
    return { id, userId, employeeId: input.employeeId, declaredBy: principal.userId, createdAt: at.toISOString() };
  });
}

export async function listConflicts(ctx: AppContext, principal: StaffPrincipal) {
  let query = ctx.db
    .selectFrom('staff_conflicts')
    .innerJoin('users', 'users.id', 'staff_conflicts.user_id')
    .leftJoin('directory_employees', 'directory_employees.id', 'staff_conflicts.employee_id')
    .select(['staff_conflicts.id', 'staff_conflicts.user_id', 'users.name as user_name', 'staff_conflicts.employee_id', 'directory_employees.name as employee_name', 'staff_conflicts.declared_by', 'staff_conflicts.created_at'])
    .orderBy('staff_conflicts.created_at');
  if (!mayManageOthers(principal)) query = query.where('staff_conflicts.user_id', '=', principal.userId);
  const rows = await query.execute();
  return {
    items: rows.map((row) => ({ id: row.id, userId: row.user_id, userName: row.user_name, employeeId: row.employee_id, employeeName: row.employee_name, declaredBy: row.declared_by, createdAt: row.created_at })),
  };
}

export async function withdrawConflict(ctx: AppContext, principal: StaffPrincipal, id: string) {
  const at = ctx.clock.now();
  await inTransaction(ctx, async (tx) => {
    const row = await tx.selectFrom('staff_conflicts').select(['id', 'user_id', 'declared_by']).where('id', '=', id).executeTakeFirst();
    // The person may withdraw a conflict they declared themselves; one recorded for them by admin or oversight stays until they remove it.
    if (!row || (!mayManageOthers(principal) && row.user_id !== principal.userId)) throw new NotFound('conflict_not_found', 'No such conflict.');
    if (!mayManageOthers(principal) && row.declared_by !== principal.userId) throw new Forbidden('forbidden', 'A conflict recorded by admin or oversight can only be withdrawn by them.');
    await tx.deleteFrom('staff_conflicts').where('id', '=', id).execute();
    await recordAudit(tx, ctx.dialect, at, { actor: { type: 'staff', id: principal.userId }, action: 'conflict.withdraw', targetId: id, details: { userId: row.user_id } });
  });
}
