/**
 * The employee directory: HR master data (id, name, e-mail, department, manager), kept in the
 * clear because it says nothing about any case. Loaded from a CSV file (a full sync, which
 * deactivates anyone missing) or upserted by an HR system's token (only the employees sent).
 * Staff accounts link to their entry by e-mail automatically, or as an admin sets it.
 */
import { recordAudit, type AuditActor } from '../audit/audit.service.js';
import type { HrSystemPrincipal } from '../identity/api-token.service.js';
import { tokenActor } from '../identity/api-token.service.js';
import type { StaffPrincipal } from '../identity/identity.service.js';
import { inTransaction, type AppContext } from '../kernel/context.js';
import { CsvError, parseCsvRecords } from '../kernel/csv.js';
import { Forbidden, NotFound, ValidationFailed } from '../kernel/errors.js';
import { checkEmployees, normalizeEmployee, planDirectorySync, type DirectoryPlan, type EmployeeInput } from './directory.rules.js';
import {
  deactivateEmployees,
  findEmployee,
  insertEmployees,
  linkStaffByEmail,
  loadDirectory,
  loadEmployees,
  searchDirectory,
  setUserEmployee,
  updateEmployee,
} from './directory.repository.js';

const HEADER_ALIASES: Record<string, string[]> = {
  id: ['id', 'employee_id', 'employeeid', 'employee id'],
  name: ['name', 'full_name', 'full name'],
  email: ['email', 'e-mail', 'mail'],
  department: ['department', 'dept'],
  managerId: ['manager_id', 'managerid', 'manager', 'manager id'],
  active: ['active'],
};

/** Reads a directory CSV (header row; columns id, name, email, department, manager_id[, active]). */
export function readDirectoryCsv(text: string): EmployeeInput[] {
  let parsed;
  try {
    parsed = parseCsvRecords(text);
  } catch (error) {
    if (error instanceof CsvError) throw new ValidationFailed({ file: [error.message] }, 'The file is not valid CSV.');
    throw error;
  }
  const column = (field: string) => HEADER_ALIASES[field]!.find((alias) => parsed.header.includes(alias));
  const missing = ['id', 'name'].filter((field) => !column(field));
  if (missing.length > 0) throw new ValidationFailed({ file: [`the header needs the column(s): ${missing.join(', ')}`] });
  const pick = (record: Record<string, string>, field: string) => {
    const name = column(field);
    return name === undefined ? undefined : record[name];
  };
  const employees = parsed.records.map((record) =>
    normalizeEmployee({
      id: pick(record, 'id') ?? '',
      name: pick(record, 'name') ?? '',
      email: pick(record, 'email'),
      department: pick(record, 'department'),
      managerId: pick(record, 'managerId'),
      active: pick(record, 'active') === undefined ? true : !/^(0|false|no|inactive)$/i.test(pick(record, 'active')!),
    }),
  );
  const problems = checkEmployees(employees);
  if (Object.keys(problems).length > 0) {
    // Report by CSV line (header is line 1), as someone fixing the file sees it.
    const byLine = Object.fromEntries(Object.entries(problems).map(([where, list]) => [`line ${Number(where.split('.')[1]) + 2}`, list]));
    throw new ValidationFailed(byLine, 'Some rows of the file are not valid.');
  }
  return employees;
}

async function applyPlan(ctx: AppContext, actor: AuditActor, plan: DirectoryPlan, source: 'csv' | 'api') {
  const at = ctx.clock.now();
  const when = at.toISOString();
  return inTransaction(ctx, async (tx) => {
    await insertEmployees(tx, plan.added, when);
    for (const employee of plan.updated) await updateEmployee(tx, employee, when);
    await deactivateEmployees(tx, plan.deactivated, when);
    const staffLinked = await linkStaffByEmail(tx);
    await recordAudit(tx, ctx.dialect, at, {
      actor,
      action: 'directory.sync',
      details: { source, added: plan.added.length, updated: plan.updated.length, unchanged: plan.unchanged, deactivated: plan.deactivated.length, staffLinked },
    });
    return staffLinked;
  });
}

export interface DirectoryImportResult {
  dryRun: boolean;
  added: string[];
  updated: string[];
  unchanged: number;
  deactivated: string[];
  staffLinked: number;
}

/** `candor directory import FILE [--dry-run]`: the file is the whole directory. */
export async function importDirectoryCsv(ctx: AppContext, actor: AuditActor, text: string, options: { dryRun: boolean }): Promise<DirectoryImportResult> {
  const employees = readDirectoryCsv(text);
  const plan = planDirectorySync(await loadDirectory(ctx.db), employees, 'full');
  const staffLinked = options.dryRun ? 0 : await applyPlan(ctx, actor, plan, 'csv');
  return {
    dryRun: options.dryRun,
    added: plan.added.map((employee) => employee.id),
    updated: plan.updated.map((employee) => employee.id),
    unchanged: plan.unchanged,
    deactivated: plan.deactivated,
    staffLinked,
  };
}

/** An HR system's upsert: idempotent; a second identical call changes nothing. */
export async function upsertDirectory(ctx: AppContext, principal: HrSystemPrincipal, input: { employees: { id: string; name: string; email?: string | null; department?: string | null; managerId?: string | null; active?: boolean }[] }) {
  const employees = input.employees.map(normalizeEmployee);
  const problems = checkEmployees(employees);
  if (Object.keys(problems).length > 0) throw new ValidationFailed(problems);
  const stored = await loadEmployees(ctx.db, employees.map((employee) => employee.id));
  const plan = planDirectorySync(stored, employees, 'partial');
  const staffLinked = plan.added.length + plan.updated.length === 0 ? 0 : await applyPlan(ctx, tokenActor(principal), plan, 'api');
  return { added: plan.added.length, updated: plan.updated.length, unchanged: plan.unchanged, deactivated: 0, staffLinked };
}

function requireDirectoryReader(principal: StaffPrincipal): void {
  if (!['admin', 'handler', 'oversight'].includes(principal.role)) throw new Forbidden('forbidden', 'The directory is for admins, handlers and oversight.');
}

const present = (row: { id: string; name: string; email: string | null; department: string | null; manager_id: string | null; active: number }) => ({
  id: row.id,
  name: row.name,
  email: row.email,
  department: row.department,
  managerId: row.manager_id,
  active: row.active === 1,
});

/** Search for a person to link a staff account to, or to name as a party. Not audited: HR master data, no case. */
export async function searchEmployees(ctx: AppContext, principal: StaffPrincipal, query: { q?: string; limit: number }) {
  requireDirectoryReader(principal);
  return { items: (await searchDirectory(ctx.db, query.q ?? '', query.limit)).map(present) };
}

/** An admin links a staff account to a directory entry (or unlinks it). */
export async function setStaffEmployee(ctx: AppContext, principal: StaffPrincipal, userId: string, employeeId: string | null) {
  if (principal.role !== 'admin') throw new Forbidden('admin_only', 'Only an admin can do this.');
  const at = ctx.clock.now();
  return inTransaction(ctx, async (tx) => {
    const user = await tx.selectFrom('users').select('id').where('id', '=', userId).executeTakeFirst();
    if (!user) throw new NotFound('user_not_found', 'No such user.');
    if (employeeId !== null && !(await findEmployee(tx, employeeId))) throw new ValidationFailed({ employeeId: ['no such employee in the directory'] });
    await setUserEmployee(tx, userId, employeeId);
    await recordAudit(tx, ctx.dialect, at, { actor: { type: 'staff', id: principal.userId }, action: 'user.employee_link', targetId: userId, details: { employeeId } });
    return { userId, employeeId };
  });
}
